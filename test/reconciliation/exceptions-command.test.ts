import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SikaError } from '../../src/errors.js';
import { registerExceptions } from '../../src/cli/exceptions-command.js';
import { reconcileFile } from '../../reconciliation/reconcile.js';
import { markUnconfirmed } from '../../reconciliation/unconfirmed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createSubmittedCycle, writePain002 } from './fixtures.js';

let t: TestDatabase;
let cycleId: number;
const saved = process.env.DATABASE_URL;

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  ({ cycleId } = await createSubmittedCycle(t.db, { cycleNumber: 601, lines: ['304.00'] }));
  await markUnconfirmed(t.db, { olderThanDays: 1, now: new Date(Date.now() + 2 * 86_400_000) });
});
afterAll(async () => {
  process.env.DATABASE_URL = saved;
  await t.drop();
});

/** Runs one command line in-process; returns what it printed. */
async function sika(...args: string[]): Promise<string> {
  const program = new Command('sika').exitOverride().configureOutput({
    writeOut: (s) => void process.stdout.write(s),
    writeErr: (s) => void process.stdout.write(s),
  });
  registerExceptions(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  try {
    await program.parseAsync(['node', 'sika', ...args]);
  } catch (err) {
    if (!(err instanceof Error && 'exitCode' in err)) throw err;
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('the exceptions command line', () => {
  it.each([
    [['exceptions', 'list', '--help'], /--cycle <id>[\s\S]*--state <state>/],
    [
      ['exceptions', 'resolve', '--help'],
      /--action <action>[\s\S]*--note <text>[\s\S]*--as <user>/,
    ],
    [['close', '--help'], /--cycle <id>[\s\S]*--as <user>/],
    [['unconfirmed', '--help'], /--older-than-days <n>[\s\S]*--as <user>/],
  ])('explains %j', async (args, expected) => {
    expect(await sika(...args)).toMatch(expected);
  });

  it('lists the open exceptions of a cycle, resolves one and closes the cycle', async () => {
    const listed = await sika('exceptions', 'list', '--cycle', String(cycleId), '--state', 'open');
    expect(listed).toMatch(/open +unconfirmed_past_time .*LEAP-601-HH0000001 .*GH¢ ?304\.00/);
    const id = listed.trim().split(/\s+/)[0]!;
    expect(
      await sika(
        'exceptions',
        'resolve',
        id,
        '--action',
        'note',
        '--note',
        'confirmed by phone',
        '--as',
        'efua.owusu',
      ),
    ).toBe(`exception ${id}: resolved (note)\n`);
    expect(await sika('exceptions', 'list', '--cycle', String(cycleId), '--state', 'open')).toBe(
      'no exceptions open\n',
    );
    expect(await sika('close', '--cycle', String(cycleId), '--as', 'efua.owusu')).toMatch(
      new RegExp(`^cycle ${cycleId} closed: 1 lines, 1 exceptions`),
    );
  });

  it('lists the exceptions that name no cycle: a report answering no file this database sent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sika-exc-'));
    try {
      const path = await writePain002(dir, 'stranger.xml', {
        messageId: 'RSP-STRANGER',
        originalMessageId: 'SIKA-LEAP-999-EZWICH-001',
        txs: [{ endToEndId: 'LEAP-999-HH0000001', status: 'ACSC' }],
      });
      const r = await reconcileFile(t.db, { path, loadedBy: 'efua.owusu' });
      expect(r).toMatchObject({ state: 'quarantined', exceptions: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(await sika('exceptions', 'list', '--cycle', String(cycleId), '--state', 'open')).toBe(
      'no exceptions open\n',
    );
    const listed = await sika('exceptions', 'list', '--without-cycle', '--state', 'open');
    expect(listed.trim().split('\n')).toHaveLength(1);
    expect(listed).toMatch(/^ *\d+ +open +unknown_reference .*SIKA-LEAP-999-EZWICH-001/);
  });

  it('lists a file that could not be read among the exceptions that name no cycle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sika-exc-'));
    try {
      const path = join(dir, 'garbled.xml');
      await writeFile(path, '<Document><CstmrPmtStsRpt>');
      const r = await reconcileFile(t.db, { path, loadedBy: 'efua.owusu' });
      expect(r).toMatchObject({ state: 'quarantined', exceptions: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const listed = await sika('exceptions', 'list', '--without-cycle', '--state', 'open');
    expect(listed.trim().split('\n')).toHaveLength(2);
    expect(listed).toMatch(/\n *\d+ +open +unreadable_file .*garbled\.xml/);
    const id = /\n *(\d+) +open +unreadable_file/.exec(listed)![1]!;
    const args = ['exceptions', 'resolve', id, '--note', 'nothing to pay', '--as', 'efua.owusu'];
    const err = await sika(...args, '--action', 'write_off').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'USAGE',
      message:
        `exception ${id} cannot be written off: an unreadable file holds no amount; resolve it ` +
        'with a note once a readable copy is loaded',
    });
  });

  it('asks which exceptions when neither --cycle nor --without-cycle is given', async () => {
    const err = await sika('exceptions', 'list').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'USAGE',
      message: 'say which exceptions: --cycle <id>, or --without-cycle',
    });
    expect(await sika('exceptions', 'list', '--cycle', '1', '--without-cycle')).toMatch(
      /option '--without-cycle' cannot be used with option '--cycle <id>'/,
    );
  });

  it('refuses to close again with CYCLE_STATE', async () => {
    const err = await sika('close', '--cycle', String(cycleId), '--as', 'efua.owusu').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SikaError);
    expect((err as SikaError).code).toBe('CYCLE_STATE');
  });
});
