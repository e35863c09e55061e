import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReconcile } from '../../src/cli/reconcile-command.js';
import { rows } from '../../src/db/open.js';
import { describeFile } from '../../reconciliation/describe-file.js';
import { reconcileDirectory, reconcileFile } from '../../reconciliation/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  createSubmittedCycle,
  databaseSnapshot,
  endToEndId,
  lineStatesOf,
  messageId,
  writePain002,
} from './fixtures.js';
import { writeStatusCsv } from './status-csv-fixtures.js';

let t: TestDatabase;
let tmp: string;
const loadedBy = 'efua.owusu';
const load = (path: string) => reconcileFile(t.db, { path, loadedBy });

beforeAll(async () => {
  t = await createTestDatabase();
  tmp = await mkdtemp(join(tmpdir(), 'sika-status-csv-'));
});
afterAll(async () => {
  await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

const lineStates = (cycleId: number) => lineStatesOf(t.db, cycleId);

const snapshot = () => databaseSnapshot(t.db);

const AMOUNTS = ['304.00', '380.00', '440.00', '530.00', '256.50'];

describe('a CSV status report with settled and rejected transactions (cycle 301)', () => {
  let cycleId: number;
  let path: string;
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, { cycleNumber: 301, lines: AMOUNTS }));
    path = await writeStatusCsv(tmp, 'SIKA_LEAP_301_EZWICH_001.status.csv', {
      messageId: 'GHIPSS-CSV-301-1',
      originalMessageId: messageId(301, 'ezwich', 1),
      groupStatus: 'PART',
      txs: [
        { endToEndId: endToEndId(301, 1), status: 'ACSC', amount: '304.00' },
        { endToEndId: endToEndId(301, 2), status: 'ACCC', amount: '380.00' },
        {
          endToEndId: endToEndId(301, 3),
          status: 'RJCT',
          reason: 'AC04',
          amount: '440.00',
          text: 'Account closed, card replaced',
        },
        { endToEndId: endToEndId(301, 4), status: 'ACSC', amount: '530.00' },
        { endToEndId: endToEndId(301, 5), status: 'RJCT', reason: 'MD07', amount: '256.50' },
      ],
    });
  });

  it('marks three lines paid and two failed with their reasons, to the pesewa', async () => {
    const r = await load(path);
    expect(r).toMatchObject({
      duplicate: false,
      state: 'loaded',
      format: 'sika-status-csv-1',
      messageId: 'GHIPSS-CSV-301-1',
      originalMessageId: 'SIKA-LEAP-301-EZWICH-1',
      records: 5,
      matched: 5,
      paid: 3,
      failed: 2,
      pending: 0,
      unknown: 0,
      conflicts: 0,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'paid', null],
      [3, 'failed', 'AC04'],
      [4, 'paid', null],
      [5, 'failed', 'MD07'],
    ]);
    const c = r.cycles[0]!.control;
    expect(c.holds).toBe(true);
    expect(c.byStatus.paid.lines).toBe(3);
    expect(c.byStatus.paid.amount.toFixed(2)).toBe('1214.00');
    expect(c.byStatus.failed.lines).toBe(2);
    expect(c.byStatus.failed.amount.toFixed(2)).toBe('696.50');
    const failed = await rows<{ kind: string; reason_code: string; amount: string }>(
      t.db,
      sql`SELECT kind, reason_code, amount::text FROM exceptions
          WHERE cycle_id = ${cycleId} AND kind = 'failed_payment' ORDER BY id`,
    );
    expect(failed).toEqual([
      { kind: 'failed_payment', reason_code: 'AC04', amount: '440.00' },
      { kind: 'failed_payment', reason_code: 'MD07', amount: '256.50' },
    ]);
    const [file] = await rows<{ format: string; group_status: string; record_count: number }>(
      t.db,
      sql`SELECT format, group_status, record_count FROM settlement_files WHERE id = ${r.settlementFileId}`,
    );
    expect(file).toEqual({ format: 'sika-status-csv-1', group_status: 'PART', record_count: 5 });
    const [text] = await rows<{ reason_text: string }>(
      t.db,
      sql`SELECT reason_text FROM settlement_records
          WHERE settlement_file_id = ${r.settlementFileId} AND end_to_end_id = ${endToEndId(301, 3)}`,
    );
    expect(text!.reason_text).toBe('Account closed, card replaced');
  });

  it('loads the same CSV again as a duplicate that changes nothing', async () => {
    const before = await snapshot();
    const copy = join(tmp, 'again.csv');
    await copyFile(path, copy);
    const r = await load(copy);
    expect(r).toMatchObject({
      duplicate: true,
      state: 'loaded',
      fileName: 'again.csv',
      repeatOf: 'SIKA_LEAP_301_EZWICH_001.status.csv',
      format: 'sika-status-csv-1',
      records: 0,
      paid: 0,
      failed: 0,
    });
    expect(await snapshot()).toBe(before);
  });
});

describe('group statuses of a CSV status report', () => {
  it('RJCT with no D row fails every line of the file with the group reason', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 302,
      lines: ['100.00', '200.00', '300.10'],
    });
    const path = await writeStatusCsv(tmp, 'refused-302.csv', {
      messageId: 'GHIPSS-CSV-302-1',
      originalMessageId: messageId(302, 'ezwich', 1),
      groupStatus: 'RJCT',
      groupReason: 'AM10',
      txs: [],
    });
    const r = await load(path);
    expect(r).toMatchObject({ state: 'loaded', records: 0, paid: 0, failed: 3, pending: 0 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'failed', 'AM10'],
      [2, 'failed', 'AM10'],
      [3, 'failed', 'AM10'],
    ]);
    expect(r.cycles[0]!.control.byStatus.failed.amount.toFixed(2)).toBe('600.10');
  });

  it('PART listing only the rejected line accepts the others by inference', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 303,
      lines: ['256.00', '304.00', '352.00', '424.00'],
    });
    const path = await writeStatusCsv(tmp, 'part-303.csv', {
      messageId: 'GHIPSS-CSV-303-1',
      originalMessageId: messageId(303, 'ezwich', 1),
      groupStatus: 'PART',
      txs: [{ endToEndId: endToEndId(303, 2), status: 'RJCT', reason: 'AC01', amount: '304.00' }],
    });
    const r = await load(path);
    expect(r).toMatchObject({ state: 'loaded', records: 1, paid: 3, failed: 1 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'failed', 'AC01'],
      [3, 'paid', null],
      [4, 'paid', null],
    ]);
    const c = r.cycles[0]!.control;
    expect(c.byStatus.paid.amount.toFixed(2)).toBe('1032.00');
    expect(c.byStatus.failed.amount.toFixed(2)).toBe('304.00');
    expect(c.holds).toBe(true);
  });
});

describe('CSV files that cannot be read are quarantined with the reason', () => {
  let cycleId: number;
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 304,
      lines: ['179.73', '200.00'],
    }));
  });
  const quarantined = async (name: string, text: string) => {
    const path = join(tmp, name);
    await writeFile(path, text);
    const before = await lineStates(cycleId);
    const r = await load(path);
    expect(await lineStates(cycleId)).toEqual(before);
    expect(r).toMatchObject({ state: 'quarantined', format: 'unreadable', records: 0 });
    const [file] = await rows<{ format: string; state: string; note: string }>(
      t.db,
      sql`SELECT format, state, note FROM settlement_files WHERE id = ${r.settlementFileId}`,
    );
    expect(file).toMatchObject({ format: 'unreadable', state: 'quarantined', note: r.note });
    return r.note;
  };
  const H = `H,sika-status-csv-1,GHIPSS-CSV-304-1,${messageId(304, 'ezwich', 1)},2030-03-01T10:00:00Z,,\r\n`;
  const D1 = `D,1,${endToEndId(304, 1)},ACSC,,179.73,\r\n`;

  it('a bad amount, by file, line and field', async () => {
    const text = `${H}D,1,${endToEndId(304, 2)},ACSC,,200.00,\r\nD,2,${endToEndId(304, 1)},ACSC,,1.7973E2,\r\nT,2,379.73\r\n`;
    expect(await quarantined('resp.csv', text)).toBe(
      'unreadable: resp.csv:3: field 6 (amount) "1.7973E2" is not an amount in cedis with two decimals',
    );
  });

  it('a row with a wrong field count, and a wrong record type', async () => {
    expect(await quarantined('short.csv', `${H}D,1,${endToEndId(304, 1)},ACSC,179.73\r\n`)).toBe(
      'unreadable: short.csv:2: a D row has 7 fields, this one has 5',
    );
    expect(await quarantined('type.csv', `${H}${D1}X,1,2\r\nT,1,179.73\r\n`)).toBe(
      'unreadable: type.csv:3: record type "X" is not H, D or T',
    );
  });

  it('a status that is not an ISO 20022 payment status', async () => {
    const text = `${H}D,1,${endToEndId(304, 1)},PAID,,179.73,\r\nT,1,179.73\r\n`;
    expect(await quarantined('status.csv', text)).toBe(
      'unreadable: status.csv:2: field 4 (status) "PAID" is not an ISO 20022 payment status',
    );
  });

  it('a trailer whose count or sum is not that of the D rows, or no trailer', async () => {
    expect(await quarantined('count.csv', `${H}${D1}T,2,179.73\r\n`)).toBe(
      'unreadable: count.csv:3: field 2 (count) "2" is not the number of D rows (1)',
    );
    expect(await quarantined('sum.csv', `${H}${D1}T,1,179.74\r\n`)).toBe(
      'unreadable: sum.csv:3: field 3 (control sum) "179.74" is not the sum of the D amounts (179.73)',
    );
    expect(await quarantined('cut.csv', `${H}${D1}`)).toBe(
      'unreadable: no trailer row (T) at the end: the file may be cut short',
    );
  });

  it('a payment CSV put in the inbox, and any other CSV, named for what they are', async () => {
    const payment =
      'H,sika-momo-csv-1,SIKA-LEAP-304-MOMO-001,PMT-LEAP-304-MOMO-001,2030-03-01T08:00:00Z,' +
      '2030-03-01,MINISTRY,1011130012345,GHS\r\n' +
      'D,1,LEAP-304-HH0000001,233241234567,Abena,179.73,HH0000001,LEAP\r\nT,1,179.73\r\n';
    expect(await quarantined('SIKA_LEAP_304_MOMO_001.csv', payment)).toBe(
      'unreadable: SIKA_LEAP_304_MOMO_001.csv:1: field 2 (layout) "sika-momo-csv-1" is a payment ' +
        'file layout: this is a payment file, not a status report; only sika-status-csv-1 status ' +
        'reports are read',
    );
    expect(await quarantined('export.csv', 'MsgId,Status\r\nX,ACSC\r\n')).toBe(
      'unreadable: export.csv:1: the first row is no header (H) of a sika-status-csv-1 status ' +
        'report; only that CSV layout is read',
    );
  });
});

describe('a folder run', () => {
  it('reconciles the .csv files of the folder with the .xml ones, in name order', async () => {
    const a = await createSubmittedCycle(t.db, { cycleNumber: 305, lines: ['10.00', '20.00'] });
    const b = await createSubmittedCycle(t.db, { cycleNumber: 306, lines: ['30.00', '40.00'] });
    const dir = join(tmp, 'inbox');
    await mkdir(dir);
    await writePain002(dir, 'A_305.pain002.xml', {
      messageId: 'GHIPSS-XML-305',
      originalMessageId: messageId(305, 'ezwich', 1),
      txs: [
        { endToEndId: endToEndId(305, 1), status: 'ACSC', amount: '10.00' },
        { endToEndId: endToEndId(305, 2), status: 'RJCT', reason: 'AC06', amount: '20.00' },
      ],
    });
    await writeStatusCsv(dir, 'B_306.status.csv', {
      messageId: 'GHIPSS-CSV-306',
      originalMessageId: messageId(306, 'ezwich', 1),
      groupStatus: 'ACSC',
      txs: [{ endToEndId: endToEndId(306, 2), status: 'RJCT', reason: 'BE01', amount: '40.00' }],
    });
    await writeFile(join(dir, 'C_notes.txt'), 'not a response');

    const results = await reconcileDirectory(t.db, { dir, loadedBy });

    expect(results.map((r) => [r.fileName, r.format, r.state, r.paid, r.failed])).toEqual([
      ['A_305.pain002.xml', 'pain.002', 'loaded', 1, 1],
      ['B_306.status.csv', 'sika-status-csv-1', 'loaded', 1, 1],
    ]);
    expect(await lineStates(a.cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'failed', 'AC06'],
    ]);
    expect(await lineStates(b.cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'failed', 'BE01'],
    ]);
  });
});

describe('the dry run of a CSV status report', () => {
  let path: string;
  beforeAll(async () => {
    path = await writeStatusCsv(tmp, 'dry.status.csv', {
      messageId: 'GHIPSS-CSV-DRY',
      originalMessageId: 'SIKA-LEAP-399-EZWICH-1',
      groupStatus: 'PART',
      txs: [
        { endToEndId: 'LEAP-399-HH0000001', status: 'ACSC', amount: '304.00' },
        { endToEndId: 'LEAP-399-HH0000002', status: 'RJCT', reason: 'AC01', amount: '380.05' },
        { endToEndId: 'LEAP-399-HH0000003', status: 'RJCT', reason: 'AC01', amount: '0.10' },
        { endToEndId: 'LEAP-399-HH0000004', status: 'PDNG', amount: '440.00' },
      ],
    });
  });

  it('describes it like a pain.002: ids, group status, counts and amounts by status and reason', async () => {
    const d = await describeFile(path);
    expect(d).toMatchObject({
      fileName: 'dry.status.csv',
      format: 'sika-status-csv-1',
      messageId: 'GHIPSS-CSV-DRY',
      originalMessageId: 'SIKA-LEAP-399-EZWICH-1',
      groupStatus: 'PART',
      records: 4,
      recordsWithoutAmount: 0,
      paymentInfos: [],
    });
  });

  it('prints it as JSON with --dry-run --json', async () => {
    const program = new Command('sika').exitOverride();
    registerReconcile(program);
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    try {
      await program.parseAsync(['node', 'sika', 'reconcile', '--dry-run', '--json', path]);
    } finally {
      spy.mockRestore();
    }
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toMatchObject({
      fileName: 'dry.status.csv',
      format: 'sika-status-csv-1',
      messageId: 'GHIPSS-CSV-DRY',
      originalMessageId: 'SIKA-LEAP-399-EZWICH-1',
      creationDateTime: '2030-03-01T10:00:00Z',
      groupStatus: 'PART',
      records: 4,
      byStatus: {
        ACSC: { records: 1, amount: '304.00', withoutAmount: 0 },
        RJCT: { records: 2, amount: '380.15', withoutAmount: 0 },
        PDNG: { records: 1, amount: '440.00', withoutAmount: 0 },
      },
      byReason: {
        '(none)': { records: 2, amount: '744.00', withoutAmount: 0 },
        AC01: { records: 2, amount: '380.15', withoutAmount: 0 },
      },
      byCurrency: { GHS: { records: 4, amount: '1124.15', withoutAmount: 0 } },
    });
  });
});
