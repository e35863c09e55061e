import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerReconcile } from '../../src/cli/reconcile-command.js';
import { FIXTURES } from './fixtures.js';

/** Runs one command line in-process; returns what it printed. */
async function sika(...args: string[]): Promise<string> {
  const program = new Command('sika').exitOverride();
  registerReconcile(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  try {
    await program.parseAsync(['node', 'sika', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('sika reconcile --dry-run', () => {
  it('describes a camt.052 account report as one JSON line with amounts to the pesewa', async () => {
    const out = await sika('reconcile', '--dry-run', '--json', join(FIXTURES, 'camt052-405.xml'));
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toMatchObject({
      fileName: 'camt052-405.xml',
      format: 'camt.052',
      messageId: 'RPT-405-1',
      creationDateTime: '2030-03-02T12:00:00',
      namespace: 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.08',
      records: 5,
      recordsWithoutAmount: 0,
      byStatus: {
        BOOK: { records: 3, amount: '1124.00' },
        RTRN: { records: 1, amount: '440.00' },
        CRDT: { records: 1, amount: '530.00' },
      },
      byReason: {
        '(none)': { records: 4, amount: '1654.00' },
        AC04: { records: 1, amount: '440.00' },
      },
    });
  });

  it('describes it as text without --json', async () => {
    const out = await sika('reconcile', '--dry-run', join(FIXTURES, 'camt052-405.xml'));
    expect(out.split('\n').slice(0, 2)).toEqual([
      'camt052-405.xml: camt.052, message RPT-405-1, 5 records',
      'by status:',
    ]);
    expect(out).toContain(`  ${'RTRN'.padEnd(10)} ${'1'.padStart(8)}  GH¢ 440.00\n`);
  });
});
