import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { reconcileFile } from '../../reconciliation/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { writeCamt } from './camt-fixtures.js';
import {
  createSubmittedCycle,
  endToEndId,
  FIXTURES,
  lineStatesOf,
  messageId,
  writePain002,
} from './fixtures.js';

let t: TestDatabase;
let tmp: string;
const loadedBy = 'efua.owusu';
const today = new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestDatabase();
  tmp = await mkdtemp(join(tmpdir(), 'sika-camt-recon-'));
});
afterAll(async () => {
  await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

const lineStates = (cycleId: number) => lineStatesOf(t.db, cycleId);

const exceptionsOf = (where: ReturnType<typeof sql>) =>
  rows<{ kind: string; line_no: number | null; reason_code: string | null; detail: string }>(
    t.db,
    sql`SELECT e.kind, l.line_no, e.reason_code, e.detail, e.action, e.household_ref
        FROM exceptions e LEFT JOIN payroll_lines l ON l.id = e.payroll_line_id
        WHERE ${where} ORDER BY e.id`,
  );

describe('returns and statements after a status report (cycle 401)', () => {
  let cycleId: number;
  const e2e = (n: number) => endToEndId(401, n);
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 401,
      lines: ['304.00', '380.00', '440.00', '530.00', '256.00', '304.00'],
    }));
    const path = await writePain002(tmp, 'pain002-401.xml', {
      messageId: 'RSP-401',
      originalMessageId: messageId(401, 'ezwich', 1),
      txs: [1, 2, 3, 4].map((n) => ({ endToEndId: e2e(n), status: 'ACSC' })),
    });
    await reconcileFile(t.db, { path, loadedBy });
  });

  it('moves paid lines to returned with the return reason', async () => {
    const path = await writeCamt(tmp, 'camt054-401.xml', {
      format: 'camt.054',
      version: '08',
      messageId: 'NTF-401',
      entries: [
        {
          endToEndId: e2e(3),
          amount: '440.00',
          creditDebit: 'CRDT',
          subFamily: 'RRTN',
          reason: 'AC04',
        },
        {
          endToEndId: e2e(4),
          amount: '530.00',
          creditDebit: 'CRDT',
          reversal: true,
          reason: 'MD07',
        },
        {
          endToEndId: 'LEAP-999-HH0000001',
          amount: '10.00',
          creditDebit: 'CRDT',
          subFamily: 'RRTN',
        },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({
      format: 'camt.054',
      messageId: 'NTF-401',
      originalMessageId: null,
      records: 3,
      matched: 2,
      paid: 0,
      failed: 0,
      returned: 2,
      pending: 0,
      unknown: 1,
      ambiguous: 0,
      conflicts: 0,
      exceptions: 4,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'paid', null],
      [3, 'returned', 'AC04'],
      [4, 'returned', 'MD07'],
      [5, 'pending', null],
      [6, 'pending', null],
    ]);
    expect(await exceptionsOf(sql`e.cycle_id = ${cycleId}`)).toEqual([
      {
        kind: 'returned_payment',
        line_no: 3,
        reason_code: 'AC04',
        detail: 'Account closed',
        action: 'Obtain a new payment instrument',
        household_ref: null,
      },
      {
        kind: 'returned_payment',
        line_no: 4,
        reason_code: 'MD07',
        detail: 'End customer deceased',
        action: 'Stop payment; review the household',
        household_ref: null,
      },
      {
        kind: 'household_review',
        line_no: 4,
        reason_code: 'MD07',
        detail: 'household HH0000004 to be reviewed: End customer deceased',
        action: 'Stop payment; review the household',
        household_ref: 'HH0000004',
      },
    ]);
    const control = r.cycles[0]!.control;
    expect(control.byStatus.returned).toMatchObject({ lines: 2 });
    expect(control.byStatus.returned.amount.toFixed(2)).toBe('970.00');
    expect(control.byStatus.paid.amount.toFixed(2)).toBe('684.00');
    expect(control.byStatus.pending.amount.toFixed(2)).toBe('560.00');
    expect(control.holds).toBe(true);
  });

  it('books pending lines from a statement, and a booking and its return in one statement end returned', async () => {
    const path = await writeCamt(tmp, 'camt053-401.xml', {
      format: 'camt.053',
      version: '02',
      messageId: 'STMT-401',
      entries: [
        { endToEndId: e2e(1), amount: '304.00' },
        { endToEndId: e2e(5), amount: '256.00' },
        { endToEndId: e2e(6), amount: '304.00' },
        {
          endToEndId: e2e(6),
          amount: '304.00',
          creditDebit: 'CRDT',
          subFamily: 'RRTN',
          reason: 'AC01',
        },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({
      format: 'camt.053',
      records: 4,
      matched: 4,
      paid: 2,
      returned: 1,
      conflicts: 0,
      exceptions: 1,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'paid', null],
      [3, 'returned', 'AC04'],
      [4, 'returned', 'MD07'],
      [5, 'paid', null],
      [6, 'returned', 'AC01'],
    ]);
    const events = await rows<{
      from_status: string;
      to_status: string;
      reason_code: string | null;
    }>(
      t.db,
      sql`SELECT e.from_status, e.to_status, e.reason_code FROM line_status_events e
          JOIN payroll_lines l ON l.id = e.payroll_line_id
          WHERE l.end_to_end_id = ${e2e(6)} ORDER BY e.id`,
    );
    expect(events).toEqual([
      { from_status: 'pending', to_status: 'paid', reason_code: null },
      { from_status: 'paid', to_status: 'returned', reason_code: 'AC01' },
    ]);
    const [cycle] = await rows<{ status: string }>(
      t.db,
      sql`SELECT status FROM cycles WHERE id = ${cycleId}`,
    );
    expect(cycle!.status).toBe('reconciled');
    expect(r.cycles[0]!.control.byStatus.returned.amount.toFixed(2)).toBe('1274.00');
  });

  it('takes a later statement restating a booking as confirmed, and a notification repeating a return as a duplicate', async () => {
    const stmt = await writeCamt(tmp, 'camt053-401-b.xml', {
      format: 'camt.053',
      version: '08',
      messageId: 'STMT-401-B',
      entries: [{ endToEndId: e2e(5), amount: '256.00' }],
    });
    const a = await reconcileFile(t.db, { path: stmt, loadedBy });
    expect(a).toMatchObject({ records: 1, matched: 1, paid: 0, exceptions: 0 });
    const ntf = await writeCamt(tmp, 'camt054-401-b.xml', {
      format: 'camt.054',
      version: '02',
      messageId: 'NTF-401-B',
      entries: [
        {
          endToEndId: e2e(3),
          amount: '440.00',
          creditDebit: 'CRDT',
          subFamily: 'RRTN',
          reason: 'AC04',
        },
      ],
    });
    const b = await reconcileFile(t.db, { path: ntf, loadedBy });
    expect(b).toMatchObject({ records: 1, matched: 0, returned: 0, exceptions: 1 });
    const [dup] = await exceptionsOf(sql`e.settlement_record_id IN (
      SELECT id FROM settlement_records WHERE settlement_file_id = ${b.settlementFileId})`);
    expect(dup).toMatchObject({ kind: 'duplicate_record', line_no: 3 });
  });
});

describe('entries without a usable reference (cycle 402)', () => {
  let cycleId: number;
  beforeAll(async () => {
    await createSubmittedCycle(t.db, { cycleNumber: 400, lines: ['380.00', '380.00'] });
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 402,
      lines: ['111.00', '380.00', '222.00', '333.00'],
    }));
  });

  it('matches on account, amount and value date only when exactly one line fits', async () => {
    const path = await writeCamt(tmp, 'camt054-402.xml', {
      format: 'camt.054',
      version: '08',
      messageId: 'NTF-402',
      entries: [
        { amount: '111.00', creditorAccount: '9900000001', valueDate: today },
        {
          endToEndId: 'NOTPROVIDED',
          amount: '380.00',
          creditorAccount: '9900000002',
          valueDate: today,
        },
        { amount: '333.00', creditorAccount: '9900000004', valueDate: inDays(10) },
        { amount: '999.00', creditorAccount: '9900000003', valueDate: today },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({
      records: 4,
      matched: 1,
      paid: 1,
      unknown: 2,
      ambiguous: 1,
      exceptions: 3,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'pending', null],
      [3, 'pending', null],
      [4, 'pending', null],
    ]);
    const recs = await rows<{ outcome: string; match_method: string | null; line: string | null }>(
      t.db,
      sql`SELECT r.outcome, r.match_method, l.end_to_end_id AS line FROM settlement_records r
          LEFT JOIN payroll_lines l ON l.id = r.payroll_line_id
          WHERE r.settlement_file_id = ${r.settlementFileId} ORDER BY r.id`,
    );
    expect(recs).toEqual([
      { outcome: 'matched', match_method: 'fallback', line: endToEndId(402, 1) },
      { outcome: 'ambiguous_match', match_method: null, line: null },
      { outcome: 'unknown_reference', match_method: null, line: null },
      { outcome: 'unknown_reference', match_method: null, line: null },
    ]);
    const ex = await exceptionsOf(sql`e.settlement_record_id IN (
      SELECT id FROM settlement_records WHERE settlement_file_id = ${r.settlementFileId})`);
    expect(ex.map((e) => [e.kind, e.detail])).toEqual([
      [
        'ambiguous_match',
        'no usable EndToEndId; 3 payroll lines fit its account, amount and value date within 3 days, so none was chosen',
      ],
      [
        'unknown_reference',
        'no usable EndToEndId, and no payroll line fits its account, amount and value date',
      ],
      [
        'unknown_reference',
        'no usable EndToEndId, and no payroll line fits its account, amount and value date',
      ],
    ]);
  });

  it('widens the value date tolerance when asked', async () => {
    const path = await writeCamt(tmp, 'camt054-402-b.xml', {
      format: 'camt.054',
      version: '02',
      messageId: 'NTF-402-B',
      entries: [{ amount: '333.00', creditorAccount: '9900000004', valueDate: inDays(10) }],
    });
    const r = await reconcileFile(t.db, { path, loadedBy, valueDateToleranceDays: 15 });
    expect(r).toMatchObject({ records: 1, matched: 1, paid: 1, exceptions: 0 });
    expect((await lineStates(cycleId))[3]).toEqual([4, 'paid', null]);
  });
});

describe('a camt.052 account report (cycle 405, fixture camt052-405.xml)', () => {
  let cycleId: number;
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 405,
      lines: ['304.00', '380.00', '440.00', '530.00'],
    }));
  });

  it('books, returns, and keeps a credit that is no return as an unexplained_credit exception', async () => {
    const r = await reconcileFile(t.db, { path: join(FIXTURES, 'camt052-405.xml'), loadedBy });
    expect(r).toMatchObject({
      format: 'camt.052',
      messageId: 'RPT-405-1',
      originalMessageId: null,
      records: 5,
      matched: 4,
      paid: 3,
      failed: 0,
      returned: 1,
      pending: 0,
      unknown: 0,
      ambiguous: 0,
      conflicts: 0,
      exceptions: 2,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'paid', null],
      [3, 'returned', 'AC04'],
      [4, 'pending', null],
    ]);
    expect(await exceptionsOf(sql`e.cycle_id = ${cycleId}`)).toEqual([
      {
        kind: 'unexplained_credit',
        line_no: 4,
        reason_code: null,
        detail:
          'a credit of 530.00 names this line but is no return (no RRTN code, no reversal ' +
          'indicator); the line was kept as it is',
        action:
          'Ask the bank what the credit is; if the payment came back, have it reported as a return',
        household_ref: null,
      },
      {
        kind: 'returned_payment',
        line_no: 3,
        reason_code: 'AC04',
        detail: 'Account closed',
        action: 'Obtain a new payment instrument',
        household_ref: null,
      },
    ]);
    const control = r.cycles[0]!.control;
    expect(control.byStatus.paid.amount.toFixed(2)).toBe('684.00');
    expect(control.byStatus.returned.amount.toFixed(2)).toBe('440.00');
    expect(control.byStatus.pending.amount.toFixed(2)).toBe('530.00');
    expect(control.holds).toBe(true);
  });

  it('takes a later report restating a booking as confirmed, not as a repeat', async () => {
    const path = await writeCamt(tmp, 'camt052-405-b.xml', {
      format: 'camt.052',
      version: '02',
      messageId: 'RPT-405-2',
      entries: [{ endToEndId: endToEndId(405, 1), amount: '304.00' }],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ format: 'camt.052', records: 1, matched: 1, paid: 0, exceptions: 0 });
  });
});

describe('a return that arrives before the status report (cycle 407)', () => {
  let cycleId: number;
  const e2e = (n: number) => endToEndId(407, n);
  const events = (n: number) =>
    rows<{ from_status: string; to_status: string; reason_code: string | null }>(
      t.db,
      sql`SELECT e.from_status, e.to_status, e.reason_code FROM line_status_events e
          JOIN payroll_lines l ON l.id = e.payroll_line_id
          WHERE l.end_to_end_id = ${e2e(n)} ORDER BY e.id`,
    );
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 407,
      lines: ['304.00', '380.00', '440.00'],
    }));
  });

  it('moves the pending line to returned: the money came back, so it went out', async () => {
    const path = await writeCamt(tmp, 'camt054-407.xml', {
      format: 'camt.054',
      version: '08',
      messageId: 'NTF-407',
      entries: [
        {
          endToEndId: e2e(1),
          amount: '304.00',
          creditDebit: 'CRDT',
          subFamily: 'RRTN',
          reason: 'AC04',
        },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 1, matched: 1, returned: 1, conflicts: 0, exceptions: 1 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'returned', 'AC04'],
      [2, 'pending', null],
      [3, 'pending', null],
    ]);
    expect(await events(1)).toEqual([
      { from_status: 'pending', to_status: 'returned', reason_code: 'AC04' },
    ]);
  });

  it('keeps it returned when the late status report says settled, and counts the money once', async () => {
    const path = await writePain002(tmp, 'pain002-407.xml', {
      messageId: 'RSP-407',
      originalMessageId: messageId(407, 'ezwich', 1),
      txs: [
        { endToEndId: e2e(1), status: 'ACSC' },
        { endToEndId: e2e(2), status: 'ACSC' },
        { endToEndId: e2e(3), status: 'RJCT', reason: 'AC01' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 3, matched: 3, paid: 1, failed: 1, conflicts: 0 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'returned', 'AC04'],
      [2, 'paid', null],
      [3, 'failed', 'AC01'],
    ]);
    expect(await events(1)).toEqual([
      { from_status: 'pending', to_status: 'returned', reason_code: 'AC04' },
    ]);
    const control = r.cycles[0]!.control;
    expect(control.byStatus.returned.amount.toFixed(2)).toBe('304.00');
    expect(control.byStatus.paid.amount.toFixed(2)).toBe('380.00');
    expect(control.byStatus.failed.amount.toFixed(2)).toBe('440.00');
    expect(control.holds).toBe(true);
  });

  it('opens a conflict for a return of a payment reported rejected, and keeps the line failed', async () => {
    const path = await writeCamt(tmp, 'camt054-407-b.xml', {
      format: 'camt.054',
      version: '08',
      messageId: 'NTF-407-B',
      entries: [
        {
          endToEndId: e2e(3),
          amount: '440.00',
          creditDebit: 'CRDT',
          subFamily: 'RRTN',
          reason: 'AC01',
        },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 1, returned: 0, conflicts: 1, exceptions: 1 });
    expect((await lineStates(cycleId))[2]).toEqual([3, 'failed', 'AC01']);
    const [conflict] = await exceptionsOf(
      sql`e.cycle_id = ${cycleId} AND e.kind = 'conflicting_status'`,
    );
    expect(conflict).toMatchObject({
      line_no: 3,
      reason_code: 'AC01',
      detail:
        'line is failed; a return (AC01) was reported for a payment reported rejected; the line was kept as it is',
    });
  });
});
