import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReconcile } from '../../src/cli/reconcile-command.js';
import { FIXTURES, SAMPLES } from './fixtures.js';

/** What the last command printed, also when it failed. */
let printed = '';

/** Runs one command line in-process; returns what it printed. */
async function sika(...args: string[]): Promise<string> {
  const program = new Command('sika').exitOverride();
  registerReconcile(program);
  let out = '';
  printed = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    printed = out;
    return true;
  });
  try {
    await program.parseAsync(['node', 'sika', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sika-dry-run-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of a fixture with some of its text replaced. */
async function variant(fixture: string, name: string, edit: (xml: string) => string) {
  const path = join(tmp, name);
  await writeFile(path, edit(await readFile(join(FIXTURES, fixture), 'utf8')));
  return path;
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

  it('says first of all that the switch refused the whole file, with the reason and its meaning', async () => {
    const path = await variant('group-reject-202.xml', 'refused-am10.xml', (xml) =>
      xml.replace(
        '<StsRsnInf><Rsn><Cd>FF01</Cd></Rsn><AddtlInf>Invalid file format</AddtlInf></StsRsnInf>',
        '<StsRsnInf><Rsn><Cd>AM10</Cd></Rsn></StsRsnInf>',
      ),
    );
    const out = await sika('reconcile', '--dry-run', path);
    expect(out.split('\n')).toEqual([
      'refused-am10.xml: pain.002, message GHIPSS-RSP-202-1, 0 records',
      'answers message SIKA-LEAP-202-EZWICH-1: 4 payments, control sum GH¢ 1,480.00',
      'REFUSED AS A WHOLE: group status RJCT, reason AM10 (Control sum wrong). No payment of ' +
        'SIKA-LEAP-202-EZWICH-1 was made. Send the file again with sika submit --resend FILE ' +
        '--reason TEXT before loading this report: reconciling it fails every line of the file, ' +
        'and the lines are then paid again only by resolving their exceptions "pay again"',
      'by status:',
      '  (none)',
      'by reason:',
      '  (none)',
      '',
    ]);
  });

  it('gives the group status of a report that is not refused whole', async () => {
    const out = await sika('reconcile', '--dry-run', join(FIXTURES, 'mixed-201.xml'));
    expect(out.split('\n').slice(1, 3)).toEqual([
      'answers message SIKA-LEAP-201-EZWICH-1: 5 payments, control sum GH¢ 1,910.50',
      'group status PART',
    ]);
    expect(out).not.toContain('REFUSED');
  });

  it("labels amounts with the file's own currency when it is not GHS", async () => {
    const path = await variant('mixed-201.xml', 'usd-201.xml', (xml) =>
      xml.replaceAll('Ccy="GHS"', 'Ccy="USD"'),
    );
    const out = await sika('reconcile', '--dry-run', path);
    expect(out.split('\n').slice(1)).toEqual([
      'answers message SIKA-LEAP-201-EZWICH-1: 5 payments, control sum USD 1,910.50',
      'group status PART',
      'by status:',
      `  ${'ACSC'.padEnd(10)} ${'3'.padStart(8)}  USD 1,214.00`,
      `  ${'RJCT'.padEnd(10)} ${'2'.padStart(8)}  USD 696.50`,
      'by reason:',
      `  ${'(none)'.padEnd(10)} ${'3'.padStart(8)}  USD 1,214.00`,
      `  ${'AC04'.padEnd(10)} ${'1'.padStart(8)}  USD 440.00`,
      `  ${'MD07'.padEnd(10)} ${'1'.padStart(8)}  USD 256.50`,
      '',
    ]);
    expect(out).not.toContain('GH¢');
  });

  it('never adds amounts of different currencies together', async () => {
    const path = await variant('mixed-201.xml', 'two-currencies-201.xml', (xml) =>
      xml.replace('<InstdAmt Ccy="GHS">440.00', '<InstdAmt Ccy="USD">440.00'),
    );
    const out = await sika('reconcile', '--dry-run', path);
    expect(out).toContain(`  ${'RJCT'.padEnd(10)} ${'2'.padStart(8)}\n`);
    expect(out.split('\n').slice(-4)).toEqual([
      'amounts in 2 currencies (GHS, USD), summed apart:',
      `  ${'GHS'.padEnd(10)} ${'4'.padStart(8)}  GH¢ 1,470.50`,
      `  ${'USD'.padEnd(10)} ${'1'.padStart(8)}  USD 440.00`,
      '',
    ]);
    const json = JSON.parse(await sika('reconcile', '--dry-run', '--json', path));
    expect(json.byCurrency).toEqual({
      GHS: { records: 4, amount: '1470.50', withoutAmount: 0 },
      USD: { records: 1, amount: '440.00', withoutAmount: 0 },
    });
  });

  it('reads every file on its own, says which one is unreadable and why, then fails', async () => {
    let out = '';
    const err = await sika(
      'reconcile',
      '--dry-run',
      join(SAMPLES, 'camt054-v2-genkgo.xml'),
      join(SAMPLES, 'pain001-v3-example.xml'),
      join(SAMPLES, 'pain002-ch-postfinance-reject.xml'),
    ).then(
      (o) => ((out = o), null),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'UNREADABLE_RESPONSE',
      message: '1 of 3 files unreadable: pain001-v3-example.xml',
    });
    // What was printed before the failure.
    expect(out).toBe('');
    out = printed;
    expect(out).toContain(
      'pain001-v3-example.xml: UNREADABLE: it is a pain.001 message, not a pain.002\n',
    );
    expect(out).toContain(
      'camt054-v2-genkgo.xml: camt.054, message AAAASESS-FP-ACCR001, 3 records\n',
    );
    expect(out).toContain(`  ${'BOOK'.padEnd(10)} ${'3'.padStart(8)}  no amount\n`);
    expect(out).toContain('pain002-ch-postfinance-reject.xml: pain.002');
    expect(out).toContain(`  ${'RJCT'.padEnd(10)} ${'1'.padStart(8)}  no amount\n`);
    expect(out).not.toContain('GH¢ 0.00');
  });

  it('says how many records of a tally give no amount when some do', async () => {
    const path = await variant('mixed-201.xml', 'one-without-amount-201.xml', (xml) =>
      xml.replace('<OrgnlTxRef><Amt><InstdAmt Ccy="GHS">440.00</InstdAmt></Amt></OrgnlTxRef>', ''),
    );
    const out = await sika('reconcile', '--dry-run', path);
    expect(out).toContain(
      `  ${'RJCT'.padEnd(10)} ${'2'.padStart(8)}  GH¢ 256.50 (1 without amount)\n`,
    );
    expect(out).toContain(`  ${'AC04'.padEnd(10)} ${'1'.padStart(8)}  no amount\n`);
    const json = JSON.parse(await sika('reconcile', '--dry-run', '--json', path));
    expect(json.recordsWithoutAmount).toBe(1);
  });

  it.each([
    [['--dry-run'], 'is a folder: --dry-run reads files, one by one; name them (e.g. DIR/*.xml)'],
    [
      ['--as', 'efua.owusu'],
      'is a folder: to reconcile every .xml and .csv file in it, use --dir DIR',
    ],
  ])('names a folder given as a file as a folder (%s)', async (flags, why) => {
    await expect(sika('reconcile', ...flags, tmp)).rejects.toMatchObject({
      code: 'USAGE',
      message: `${tmp} ${why.replace('DIR', tmp)}`,
    });
  });
});
