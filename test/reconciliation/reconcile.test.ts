import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { money, sum } from '../../src/money.js';
import { reconcileDirectory, reconcileFile } from '../../reconciliation/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { writeCamt } from './camt-fixtures.js';
import {
  createSubmittedCycle,
  databaseSnapshot,
  endToEndId,
  FIXTURES,
  lineStatesOf,
  writePain002,
} from './fixtures.js';

let t: TestDatabase;
let tmp: string;
const loadedBy = 'efua.owusu';
const load = (name: string) => reconcileFile(t.db, { path: join(FIXTURES, name), loadedBy });

beforeAll(async () => {
  t = await createTestDatabase();
  tmp = await mkdtemp(join(tmpdir(), 'sika-recon-'));
});
afterAll(async () => {
  await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

const lineStates = (cycleId: number) => lineStatesOf(t.db, cycleId);

const exceptionsOf = (cycleId: number | null) =>
  rows<{
    kind: string;
    line_no: number | null;
    reason_code: string | null;
    amount: string | null;
    detail: string;
  }>(
    t.db,
    sql`SELECT e.kind, l.line_no, e.reason_code, e.amount::text, e.detail
        FROM exceptions e LEFT JOIN payroll_lines l ON l.id = e.payroll_line_id
        WHERE e.cycle_id IS NOT DISTINCT FROM ${cycleId} ORDER BY e.id`,
  );

const cycleStatus = async (cycleId: number) =>
  (await rows<{ status: string }>(t.db, sql`SELECT status FROM cycles WHERE id = ${cycleId}`))[0]!
    .status;

const snapshot = () => databaseSnapshot(t.db);

describe('a report with settled and rejected transactions (cycle 201)', () => {
  let cycleId: number;
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 201,
      lines: ['304.00', '380.00', '440.00', '530.00', '256.50'],
    }));
  });

  it('marks three lines paid and two failed with their reasons, and the control equation holds', async () => {
    const r = await load('mixed-201.xml');
    expect(r).toMatchObject({
      duplicate: false,
      format: 'pain.002',
      messageId: 'GHIPSS-RSP-201-1',
      originalMessageId: 'SIKA-LEAP-201-EZWICH-1',
      records: 5,
      matched: 5,
      paid: 3,
      failed: 2,
      pending: 0,
      unknown: 0,
      conflicts: 0,
      exceptions: 3,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'paid', null],
      [3, 'failed', 'AC04'],
      [4, 'paid', null],
      [5, 'failed', 'MD07'],
    ]);
    const [c] = r.cycles;
    expect(c!.cycleId).toBe(cycleId);
    expect(c!.control.holds).toBe(true);
    expect(c!.control.sealedTotal.toFixed(2)).toBe('1910.50');
    expect(c!.control.byStatus.paid).toEqual({ lines: 3, amount: expect.anything() });
    expect(c!.control.byStatus.paid.amount.toFixed(2)).toBe('1214.00');
    expect(c!.control.byStatus.failed.amount.toFixed(2)).toBe('696.50');
    expect(c!.control.byStatus.pending.lines).toBe(0);
    expect(await cycleStatus(cycleId)).toBe('reconciled');
  });

  it('opens a failed_payment exception per failed line with the meaning of its code, and sends the MD07 household to review', async () => {
    expect(await exceptionsOf(cycleId)).toEqual([
      {
        kind: 'failed_payment',
        line_no: 3,
        reason_code: 'AC04',
        amount: '440.00',
        detail: 'Account closed',
      },
      {
        kind: 'failed_payment',
        line_no: 5,
        reason_code: 'MD07',
        amount: '256.50',
        detail: 'End customer deceased',
      },
      {
        kind: 'household_review',
        line_no: 5,
        reason_code: 'MD07',
        amount: '256.50',
        detail: 'household HH0000005 to be reviewed: End customer deceased',
      },
    ]);
    const extra = await rows<{ action: string; household_ref: string | null; state: string }>(
      t.db,
      sql`SELECT action, household_ref, state FROM exceptions WHERE cycle_id = ${cycleId}
          ORDER BY id`,
    );
    expect(extra).toEqual([
      { action: 'Obtain a new payment instrument', household_ref: null, state: 'open' },
      { action: 'Stop payment; review the household', household_ref: null, state: 'open' },
      { action: 'Stop payment; review the household', household_ref: 'HH0000005', state: 'open' },
    ]);
  });

  it('keeps every change in line_status_events with the record that caused it', async () => {
    const events = await rows<{
      line_no: number;
      from_status: string;
      to_status: string;
      reason_code: string | null;
      e2e: string;
    }>(
      t.db,
      sql`SELECT l.line_no, e.from_status, e.to_status, e.reason_code, r.end_to_end_id AS e2e
          FROM line_status_events e JOIN payroll_lines l ON l.id = e.payroll_line_id
          JOIN settlement_records r ON r.id = e.settlement_record_id
          WHERE l.cycle_id = ${cycleId} ORDER BY l.line_no`,
    );
    expect(events.map((e) => [e.line_no, e.from_status, e.to_status, e.reason_code])).toEqual([
      [1, 'pending', 'paid', null],
      [2, 'pending', 'paid', null],
      [3, 'pending', 'failed', 'AC04'],
      [4, 'pending', 'paid', null],
      [5, 'pending', 'failed', 'MD07'],
    ]);
    expect(events[2]!.e2e).toBe(endToEndId(201, 3));
  });

  it('records the load in the audit trail with its counts', async () => {
    const [a] = await rows<{ actor: string; detail: Record<string, unknown> }>(
      t.db,
      sql`SELECT actor, detail FROM audit_events WHERE action = 'settlement.load' ORDER BY id LIMIT 1`,
    );
    expect(a!.actor).toBe(loadedBy);
    expect(a!.detail).toMatchObject({
      records: 5,
      paid: 3,
      failed: 2,
      exceptions: 3,
      cycleIds: [cycleId],
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('loads the same file a second time as a duplicate and changes nothing', async () => {
    const before = await snapshot();
    const r = await load('mixed-201.xml');
    expect(r).toMatchObject({ duplicate: true, records: 0, paid: 0, failed: 0, exceptions: 0 });
    expect(await snapshot()).toBe(before);
  });

  it('never overwrites a settled outcome: paid-then-rejected and failed-then-settled are conflicts', async () => {
    const r = await load('conflict-201.xml');
    expect(r).toMatchObject({
      records: 3,
      matched: 0,
      paid: 0,
      failed: 0,
      conflicts: 2,
      exceptions: 3,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'paid', null],
      [3, 'failed', 'AC04'],
      [4, 'paid', null],
      [5, 'failed', 'MD07'],
    ]);
    const ex = (await exceptionsOf(cycleId)).slice(3);
    expect(ex.map((e) => [e.kind, e.line_no, e.reason_code])).toEqual([
      ['duplicate_record', 2, null],
      ['conflicting_status', 1, 'AC01'],
      ['conflicting_status', 3, null],
    ]);
    expect(ex[1]!.detail).toBe(
      'line is paid; a later report says RJCT (AC01); the line was kept as it is',
    );
    expect(r.cycles[0]!.control.holds).toBe(true);
  });
});

describe('a whole message rejected at group level (cycle 202)', () => {
  it('fails every line of that message with the group reason and leaves the other channel pending', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 202,
      lines: [
        { amount: '304.00' },
        { amount: '380.00' },
        { amount: '128.00', channel: 'momo' },
        { amount: '440.00' },
        { amount: '152.00', channel: 'momo' },
        { amount: '356.00' },
      ],
    });
    const r = await load('group-reject-202.xml');
    expect(r).toMatchObject({
      records: 0,
      matched: 0,
      paid: 0,
      failed: 4,
      pending: 0,
      exceptions: 4,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'failed', 'FF01'],
      [2, 'failed', 'FF01'],
      [3, 'pending', null],
      [4, 'failed', 'FF01'],
      [5, 'pending', null],
      [6, 'failed', 'FF01'],
    ]);
    const control = r.cycles[0]!.control;
    expect(control.byStatus.failed.amount.toFixed(2)).toBe('1480.00');
    expect(control.byStatus.pending.amount.toFixed(2)).toBe('280.00');
    expect(control.holds).toBe(true);
    expect((await exceptionsOf(cycleId)).map((e) => [e.kind, e.reason_code, e.detail])).toEqual(
      Array(4).fill(['failed_payment', 'FF01', 'File format invalid']),
    );
    expect(await cycleStatus(cycleId)).toBe('submitted');
  });
});

describe('a payment information block rejected with a proprietary code (cycle 204)', () => {
  it('fails the lines of that block only', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 204,
      lines: [
        { amount: '424.00' },
        { amount: '212.00', channel: 'momo' },
        { amount: '176.00', channel: 'momo' },
        { amount: '256.00' },
      ],
    });
    const r = await load('payment-reject-204.xml');
    expect(r).toMatchObject({ failed: 2, exceptions: 2 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'pending', null],
      [2, 'failed', 'AM04'],
      [3, 'failed', 'AM04'],
      [4, 'pending', null],
    ]);
  });
});

describe('partial acceptance and references that do not match (cycle 203, two files per channel)', () => {
  let cycleId: number;
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 203,
      lines: ['256.00', '304.00', '352.00', '424.00', '320.00', '380.00'],
      maxPerFile: 3,
    }));
  });

  it('under PART listing only the rejected line, pays the rest of that file by inference', async () => {
    const r = await load('part-203.xml');
    expect(r).toMatchObject({ records: 1, matched: 1, paid: 2, failed: 1, exceptions: 1 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'pending', null],
      [2, 'pending', null],
      [3, 'pending', null],
      [4, 'paid', null],
      [5, 'failed', 'AC01'],
      [6, 'paid', null],
    ]);
    const inferred = await rows<{ line_no: number; status: string; outcome: string }>(
      t.db,
      sql`SELECT l.line_no, r.status, r.outcome FROM line_status_events e
          JOIN payroll_lines l ON l.id = e.payroll_line_id
          JOIN settlement_records r ON r.id = e.settlement_record_id
          WHERE l.cycle_id = ${cycleId} AND e.to_status = 'paid' ORDER BY l.line_no`,
    );
    expect(inferred).toEqual([
      { line_no: 4, status: 'PART', outcome: 'inferred' },
      { line_no: 6, status: 'PART', outcome: 'inferred' },
    ]);
    expect(r.cycles[0]!.control.byStatus.paid.amount.toFixed(2)).toBe('804.00');
  });

  it('opens unknown_reference and amount_mismatch exceptions and keeps a pending report as an event', async () => {
    const r = await load('unknown-ref-203.xml');
    expect(r).toMatchObject({
      records: 3,
      matched: 1,
      paid: 0,
      failed: 0,
      pending: 1,
      unknown: 1,
      exceptions: 2,
    });
    expect(await exceptionsOf(null)).toEqual([
      {
        kind: 'unknown_reference',
        line_no: null,
        reason_code: null,
        amount: '10.00',
        detail: 'EndToEndId LEAP-999-HH9999999 matches no payroll line',
      },
    ]);
    const mismatch = (await exceptionsOf(cycleId)).filter((e) => e.kind === 'amount_mismatch');
    expect(mismatch).toEqual([
      {
        kind: 'amount_mismatch',
        line_no: 1,
        reason_code: null,
        amount: '999.99',
        detail:
          'reported amount 999.99 differs from the line amount 256.00; the line was not moved',
      },
    ]);
    expect((await lineStates(cycleId)).slice(0, 3)).toEqual([
      [1, 'pending', null],
      [2, 'pending', null],
      [3, 'pending', null],
    ]);
    const [ev] = await rows<{ from_status: string; to_status: string }>(
      t.db,
      sql`SELECT e.from_status, e.to_status FROM line_status_events e
          JOIN payroll_lines l ON l.id = e.payroll_line_id
          WHERE l.end_to_end_id = ${endToEndId(203, 2)}`,
    );
    expect(ev).toEqual({ from_status: 'pending', to_status: 'pending' });
    expect(await cycleStatus(cycleId)).toBe('submitted');
  });
});

describe('amounts that cannot be the line amount (cycle 206)', () => {
  it('says whether the currency or the precision is what differs, and moves neither line', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 206,
      lines: ['179.73', '530.00'],
    });
    const path = await writePain002(tmp, 'amounts-206.xml', {
      messageId: 'RSP-206',
      originalMessageId: 'SIKA-LEAP-206-EZWICH-1',
      txs: [
        { endToEndId: endToEndId(206, 1), status: 'ACSC', amount: '179.725' },
        { endToEndId: endToEndId(206, 2), status: 'ACSC', amount: '530.00', currency: 'USD' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 2, matched: 0, paid: 0, exceptions: 2 });
    expect(await exceptionsOf(cycleId)).toEqual([
      {
        kind: 'amount_mismatch',
        line_no: 1,
        reason_code: null,
        amount: '179.73',
        detail:
          'reported amount is finer than a pesewa (179.73 once rounded), so it is not the line ' +
          'amount 179.73; the line was not moved',
      },
      {
        kind: 'amount_mismatch',
        line_no: 2,
        reason_code: null,
        amount: '530.00',
        detail:
          'reported amount 530.00 USD is not in cedis (GHS); the line amount is 530.00 GHS; ' +
          'the line was not moved',
      },
    ]);
    expect(await lineStates(cycleId)).toEqual([
      [1, 'pending', null],
      [2, 'pending', null],
    ]);
  });
});

describe('one report giving a line two statuses (cycle 208)', () => {
  it('applies the first and opens a conflict for the contradicting one, a repeat for the same', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 208,
      lines: ['304.00', '380.00'],
    });
    const path = await writePain002(tmp, 'twice-208.xml', {
      messageId: 'RSP-208',
      originalMessageId: 'SIKA-LEAP-208-EZWICH-1',
      txs: [
        { endToEndId: endToEndId(208, 1), status: 'ACSC' },
        { endToEndId: endToEndId(208, 1), status: 'RJCT', reason: 'AC01' },
        { endToEndId: endToEndId(208, 2), status: 'ACSC' },
        { endToEndId: endToEndId(208, 2), status: 'ACSC' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 4, paid: 2, failed: 0, conflicts: 1, exceptions: 2 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'paid', null],
    ]);
    expect((await exceptionsOf(cycleId)).map((e) => [e.kind, e.line_no, e.detail])).toEqual([
      [
        'conflicting_status',
        1,
        'this file reports this line twice: ACSC, then RJCT (AC01); the later one was not applied',
      ],
      [
        'duplicate_record',
        2,
        'status ACSC for this line was already reported earlier in the same file',
      ],
    ]);
  });
});

describe('a group rejection that lists a transaction as settled (cycle 209)', () => {
  it('is refused whole as contradicting itself, and moves nothing', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 209,
      lines: ['304.00', '380.00'],
    });
    const path = await writePain002(tmp, 'rjct-acsc-209.xml', {
      messageId: 'RSP-209',
      originalMessageId: 'SIKA-LEAP-209-EZWICH-1',
      groupStatus: 'RJCT',
      groupReason: 'AM10',
      txs: [
        { endToEndId: endToEndId(209, 1), status: 'RJCT', reason: 'AM10' },
        { endToEndId: endToEndId(209, 2), status: 'ACSC' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ state: 'quarantined', records: 0, exceptions: 1 });
    expect(r.note).toBe(
      `unreadable: transaction 2 (${endToEndId(209, 2)}) reports ACSC under the group status ` +
        'RJCT, which rejects every transaction: the report contradicts itself',
    );
    expect(await lineStates(cycleId)).toEqual([
      [1, 'pending', null],
      [2, 'pending', null],
    ]);
  });
});

describe('a report whose listed transactions are all unknown (cycle 205)', () => {
  let cycleId: number;
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 205,
      lines: ['304.00', '380.00', '440.00'],
    }));
  });
  const unknownTxs = [
    { endToEndId: 'LEAP-999-HH0000001', status: 'RJCT', reason: 'AC01', amount: '10.00' },
    { endToEndId: 'LEAP-999-HH0000002', status: 'ACSC', amount: '20.00' },
  ];

  it('under PART infers nothing: the lines stay pending and the group status is an exception', async () => {
    const path = await writePain002(tmp, 'part-unknown-205.xml', {
      messageId: 'RSP-205-A',
      originalMessageId: 'SIKA-LEAP-205-EZWICH-1',
      groupStatus: 'PART',
      txs: unknownTxs,
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({
      records: 2,
      matched: 0,
      paid: 0,
      failed: 0,
      pending: 0,
      unknown: 3,
      exceptions: 3,
    });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'pending', null],
      [2, 'pending', null],
      [3, 'pending', null],
    ]);
    expect(await exceptionsOf(cycleId)).toEqual([
      {
        kind: 'unknown_reference',
        line_no: null,
        reason_code: null,
        amount: null,
        detail:
          'group status PART not applied: none of the 2 transactions it lists names a line of ' +
          'original message SIKA-LEAP-205-EZWICH-1, so the lines it leaves out stay as they are',
      },
    ]);
    const outcomes = await rows<{ status: string; outcome: string }>(
      t.db,
      sql`SELECT status, outcome FROM settlement_records
          WHERE settlement_file_id = ${r.settlementFileId} ORDER BY id`,
    );
    expect(outcomes).toEqual([
      { status: 'PART', outcome: 'unknown_reference' },
      { status: 'RJCT', outcome: 'unknown_reference' },
      { status: 'ACSC', outcome: 'unknown_reference' },
    ]);
  });

  it('under ACCP for the group and the payment information, neither reaches the lines', async () => {
    const path = await writePain002(tmp, 'accp-unknown-205.xml', {
      messageId: 'RSP-205-B',
      originalMessageId: 'SIKA-LEAP-205-EZWICH-1',
      groupStatus: 'ACCP',
      paymentInfoStatus: 'ACCP',
      txs: unknownTxs.slice(1),
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 1, matched: 0, pending: 0, unknown: 3, exceptions: 3 });
    const events = await rows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM line_status_events e
          JOIN payroll_lines l ON l.id = e.payroll_line_id WHERE l.cycle_id = ${cycleId}`,
    );
    expect(events).toEqual([{ n: 0 }]);
    expect((await exceptionsOf(cycleId)).slice(1).map((e) => e.detail)).toEqual([
      'payment_info status ACCP not applied: the one transaction it lists names no line of ' +
        'payment information SIKA-LEAP-205-EZWICH-1-P1, so the lines it leaves out stay as they are',
      'group status ACCP not applied: the one transaction it lists names no line of ' +
        'original message SIKA-LEAP-205-EZWICH-1, so the lines it leaves out stay as they are',
    ]);
    expect(await cycleStatus(cycleId)).toBe('submitted');
  });

  it('applies the listed transaction it knows, but infers nothing while one listed is unknown', async () => {
    const path = await writePain002(tmp, 'part-known-205.xml', {
      messageId: 'RSP-205-C',
      originalMessageId: 'SIKA-LEAP-205-EZWICH-1',
      groupStatus: 'PART',
      txs: [...unknownTxs, { endToEndId: endToEndId(205, 2), status: 'RJCT', reason: 'AC04' }],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 3, matched: 1, paid: 0, failed: 1, unknown: 3 });
    expect(await lineStates(cycleId)).toEqual([
      [1, 'pending', null],
      [2, 'failed', 'AC04'],
      [3, 'pending', null],
    ]);
    const [refusal] = (await exceptionsOf(cycleId))
      .filter((e) => e.detail.startsWith('group status PART'))
      .slice(-1);
    expect(refusal!.detail).toBe(
      'group status PART not applied: 2 of the 3 transactions it lists name no line, and any of ' +
        'them may be a line it seems to leave out, so the lines it leaves out stay as they are',
    );
  });
});

describe('volume and folders', () => {
  it('reconciles a 20,000-line report set-based, to the pesewa, and then the cycle is reconciled', async () => {
    const n = 20_000;
    const amounts = Array.from(
      { length: n },
      (_, i) => `${100 + (i % 7)}.${String(i % 100).padStart(2, '0')}`,
    );
    const { cycleId, submissions } = await createSubmittedCycle(t.db, {
      cycleNumber: 301,
      lines: amounts,
    });
    const dir = await mkdtemp(join(tmp, 'inbox-'));
    await writePain002(dir, '01-part.xml', {
      messageId: 'RSP-301',
      originalMessageId: submissions[0]!.messageId,
      groupStatus: 'PART',
      txs: (function* () {
        for (let i = 1; i <= n; i += 10) {
          yield {
            endToEndId: endToEndId(301, i),
            status: 'RJCT',
            reason: 'AC01',
            amount: amounts[i - 1],
          };
        }
      })(),
    });
    await writePain002(dir, '02-again.xml', {
      messageId: 'RSP-301-B',
      originalMessageId: submissions[0]!.messageId,
      txs: [{ endToEndId: endToEndId(301, 1), status: 'RJCT', reason: 'AC01' }],
    });

    const [first, second] = await reconcileDirectory(t.db, { dir, loadedBy });
    expect(first).toMatchObject({ records: 2000, paid: 18_000, failed: 2000, exceptions: 2000 });
    expect(second).toMatchObject({ records: 1, paid: 0, failed: 0, exceptions: 1 });
    const control = first!.cycles[0]!.control;
    const expected = (pick: (lineNo: number) => boolean) =>
      sum(amounts.filter((_, i) => pick(i + 1)).map((a) => money(a))).toFixed(2);
    expect(control.byStatus.failed.amount.toFixed(2)).toBe(expected((i) => i % 10 === 1));
    expect(control.byStatus.paid.amount.toFixed(2)).toBe(expected((i) => i % 10 !== 1));
    expect(control.holds).toBe(true);
    expect(await cycleStatus(cycleId)).toBe('reconciled');
  }, 60_000);

  it('quarantines an unreadable file of a folder with its reason and goes on with the next', async () => {
    const { cycleId, submissions } = await createSubmittedCycle(t.db, {
      cycleNumber: 302,
      lines: ['120.00', '80.50'],
    });
    const dir = await mkdtemp(join(tmp, 'inbox-'));
    await writePain002(dir, '01-settled.xml', {
      messageId: 'RSP-302',
      originalMessageId: submissions[0]!.messageId,
      txs: [{ endToEndId: endToEndId(302, 1), status: 'ACSC' }],
    });
    await writeFile(join(dir, '02-broken.xml'), 'not xml at all');
    await writePain002(dir, '03-rejected.xml', {
      messageId: 'RSP-302-B',
      originalMessageId: submissions[0]!.messageId,
      txs: [{ endToEndId: endToEndId(302, 2), status: 'RJCT', reason: 'AC04' }],
    });

    const results = await reconcileDirectory(t.db, { dir, loadedBy });
    expect(results.map((r) => [r.fileName, r.state, r.paid, r.failed])).toEqual([
      ['01-settled.xml', 'loaded', 1, 0],
      ['02-broken.xml', 'quarantined', 0, 0],
      ['03-rejected.xml', 'loaded', 0, 1],
    ]);
    expect(results[1]!.note).toMatch(/^unreadable: /);
    expect(await lineStates(cycleId)).toEqual([
      [1, 'paid', null],
      [2, 'failed', 'AC04'],
    ]);
    expect(await cycleStatus(cycleId)).toBe('reconciled');
    const [kept] = await rows<{ format: string; state: string; record_count: number }>(
      t.db,
      sql`SELECT format, state, record_count FROM settlement_files WHERE file_name = '02-broken.xml'`,
    );
    expect(kept).toEqual({ format: 'unreadable', state: 'quarantined', record_count: 0 });

    // The same folder again: every file is named under its own name, the broken one still
    // quarantined.
    const again = await reconcileDirectory(t.db, { dir, loadedBy });
    expect(again.map((r) => [r.fileName, r.duplicate, r.state, r.repeatOf])).toEqual([
      ['01-settled.xml', true, 'loaded', '01-settled.xml'],
      ['02-broken.xml', true, 'quarantined', '02-broken.xml'],
      ['03-rejected.xml', true, 'loaded', '03-rejected.xml'],
    ]);
  });

  // On PostgreSQL a folder's next file is read while the one before is still being applied.
  it('applies the files of a folder in name order while reading the next ahead', async () => {
    const { cycleId, submissions } = await createSubmittedCycle(t.db, {
      cycleNumber: 303,
      lines: ['150.00', '95.25', '60.10'],
    });
    const dir = await mkdtemp(join(tmp, 'inbox-'));
    const original = submissions[0]!.messageId;
    await writePain002(dir, '01-settled.xml', {
      messageId: 'RSP-303-A',
      originalMessageId: original,
      txs: [1, 2, 3].map((i) => ({ endToEndId: endToEndId(303, i), status: 'ACSC' })),
    });
    // Only a line the file before paid can come back; only a settled line can conflict.
    await writeCamt(dir, '02-returned.xml', {
      format: 'camt.054',
      version: '08',
      messageId: 'NTF-303',
      entries: [
        {
          endToEndId: endToEndId(303, 1),
          amount: '150.00',
          creditDebit: 'CRDT',
          subFamily: 'RRTN',
          reason: 'AC04',
        },
      ],
    });
    await writePain002(dir, '03-rejected.xml', {
      messageId: 'RSP-303-B',
      originalMessageId: original,
      txs: [{ endToEndId: endToEndId(303, 2), status: 'RJCT', reason: 'AC01' }],
    });

    const results = await reconcileDirectory(t.db, { dir, loadedBy });
    expect(
      results.map((r) => [r.fileName, r.state, r.paid, r.failed, r.returned, r.conflicts]),
    ).toEqual([
      ['01-settled.xml', 'loaded', 3, 0, 0, 0],
      ['02-returned.xml', 'loaded', 0, 0, 1, 0],
      ['03-rejected.xml', 'loaded', 0, 0, 0, 1],
    ]);
    expect(await lineStates(cycleId)).toEqual([
      [1, 'returned', 'AC04'],
      [2, 'paid', null],
      [3, 'paid', null],
    ]);
    expect((await exceptionsOf(cycleId)).map((e) => [e.kind, e.line_no, e.amount])).toEqual([
      ['returned_payment', 1, '150.00'],
      ['conflicting_status', 2, '95.25'],
    ]);
    expect(results[2]!.cycles[0]!.control).toMatchObject({ holds: true });
    const c = results[2]!.cycles[0]!.control.byStatus;
    expect([c.paid.amount.toFixed(2), c.returned.amount.toFixed(2)]).toEqual(['155.35', '150.00']);
  });

  it('loads the same bytes under a second name of the folder once: the second is a duplicate', async () => {
    const { cycleId, submissions } = await createSubmittedCycle(t.db, {
      cycleNumber: 304,
      lines: ['200.00', '45.50'],
    });
    const dir = await mkdtemp(join(tmp, 'inbox-'));
    const first = await writePain002(dir, '01-report.xml', {
      messageId: 'RSP-304',
      originalMessageId: submissions[0]!.messageId,
      txs: [
        { endToEndId: endToEndId(304, 1), status: 'ACSC' },
        { endToEndId: endToEndId(304, 2), status: 'RJCT', reason: 'AC04' },
      ],
    });
    await copyFile(first, join(dir, '02-copy.xml'));
    await writePain002(dir, '03-late.xml', {
      messageId: 'RSP-304-B',
      originalMessageId: submissions[0]!.messageId,
      txs: [{ endToEndId: endToEndId(304, 2), status: 'RJCT', reason: 'AC04' }],
    });

    const results = await reconcileDirectory(t.db, { dir, loadedBy });
    expect(
      results.map((r) => [r.fileName, r.duplicate, r.repeatOf, r.records, r.paid, r.failed]),
    ).toEqual([
      ['01-report.xml', false, null, 2, 1, 1],
      ['02-copy.xml', true, '01-report.xml', 0, 0, 0],
      ['03-late.xml', false, null, 1, 0, 0],
    ]);
    const [counts] = await rows<{ files: number; events: number }>(
      t.db,
      sql`SELECT (SELECT count(*)::int FROM settlement_files
                  WHERE file_name IN ('01-report.xml', '02-copy.xml', '03-late.xml')) AS files,
                 (SELECT count(*)::int FROM line_status_events e
                  JOIN payroll_lines l ON l.id = e.payroll_line_id
                  WHERE l.cycle_id = ${cycleId}) AS events`,
    );
    expect(counts).toEqual({ files: 2, events: 2 });
    expect((await exceptionsOf(cycleId)).map((e) => [e.kind, e.line_no])).toEqual([
      ['failed_payment', 2],
      ['duplicate_record', 2],
    ]);
  });

  it('quarantines a file that is not XML with its reason, moving nothing, on the exception list', async () => {
    const before = await snapshot();
    const r = await load('not-xml.xml');
    expect(r).toMatchObject({
      fileName: 'not-xml.xml',
      state: 'quarantined',
      records: 0,
      exceptions: 1,
    });
    expect(r.note).toMatch(/^unreadable: not well-formed XML \(/);
    const [files, records, events, exceptions, audits, lines] = before.split('/');
    expect((await snapshot()).split('/')).toEqual([
      String(Number(files) + 1),
      records,
      events,
      String(Number(exceptions) + 1),
      String(Number(audits) + 1),
      lines,
    ]);
    const [e] = await rows<{
      kind: string;
      cycle_id: number | null;
      detail: string;
      action: string;
    }>(t.db, sql`SELECT kind, cycle_id, detail, action FROM exceptions ORDER BY id DESC LIMIT 1`);
    expect(e).toMatchObject({
      kind: 'unreadable_file',
      cycle_id: null,
      action:
        'Ask the sender for a readable copy and load it (or, if it is no response, file it ' +
        'elsewhere); this one is kept as received, unapplied',
    });
    expect(e!.detail).toMatch(
      /^file not-xml.xml \(SHA-256 [0-9a-f]{16}\.\.\.\) could not be read: not well-formed XML \(/,
    );
  });

  it.each([
    ['someone unknown', 'nobody', 'UNKNOWN_USER'],
    ['an approver', 'kwame.boateng', 'ROLE_NOT_ALLOWED'],
  ])('refuses a load by %s', async (_who, user, code) => {
    const err = await reconcileFile(t.db, {
      path: join(FIXTURES, 'group-reject-202.xml'),
      loadedBy: user,
    }).catch((e: unknown) => e);
    expect((err as SikaError).code).toBe(code);
  });
});
