import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { closeCycle } from '../../reconciliation/close-cycle.js';
import { listExceptions } from '../../reconciliation/list-exceptions.js';
import { reconcileFile } from '../../reconciliation/reconcile.js';
import { resolveException } from '../../reconciliation/resolve-exception.js';
import { markUnconfirmed } from '../../reconciliation/unconfirmed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createSubmittedCycle, endToEndId, messageId, writePain002 } from './fixtures.js';

let t: TestDatabase;
let tmp: string;
let cycleId: number;
const finance = 'efua.owusu';
const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestDatabase();
  tmp = await mkdtemp(join(tmpdir(), 'sika-exc-'));
  ({ cycleId } = await createSubmittedCycle(t.db, {
    cycleNumber: 501,
    lines: ['304.00', '380.00', '440.00', '530.00'],
  }));
});
afterAll(async () => {
  await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

async function refusal(run: () => Promise<unknown>): Promise<SikaError> {
  const err = await run().catch((e: unknown) => e);
  if (err instanceof SikaError) return err;
  throw new Error(`expected a SikaError, got ${String(err)}`);
}

const exceptionIdOf = async (kind: string, lineNo: number) => {
  const [e] = await rows<{ id: number }>(
    t.db,
    sql`SELECT e.id::int FROM exceptions e JOIN payroll_lines l ON l.id = e.payroll_line_id
        WHERE e.cycle_id = ${cycleId} AND e.kind = ${kind} AND l.line_no = ${lineNo}`,
  );
  return e!.id;
};

describe('lines with no final status past their time', () => {
  it('marks nothing before the time has passed', async () => {
    const r = await markUnconfirmed(t.db, { olderThanDays: 10, now: days(5) });
    expect(r).toMatchObject({ lines: 0, cycleIds: [], skippedSubmissions: 0 });
  });

  it('moves every line still pending ten days after its file was sent to unconfirmed, once', async () => {
    const r = await markUnconfirmed(t.db, { olderThanDays: 10, now: days(11), by: finance });
    expect(r.lines).toBe(4);
    expect(r.amount.toFixed(2)).toBe('1654.00');
    expect(r.cycleIds).toEqual([cycleId]);
    const ex = await listExceptions(t.db, { cycleId });
    expect(ex.map((e) => [e.kind, e.endToEndId, e.amount])).toEqual(
      [1, 2, 3, 4].map((n) => [
        'unconfirmed_past_time',
        endToEndId(501, n),
        ['304.00', '380.00', '440.00', '530.00'][n - 1],
      ]),
    );
    expect(ex[0]!.detail).toBe(
      `no final status 10 days after its payment file ${messageId(501, 'ezwich', 1)} was sent on ${today}`,
    );
    expect((await markUnconfirmed(t.db, { olderThanDays: 10, now: days(12) })).lines).toBe(0);
  });

  it('refuses a user without a finance role', async () => {
    const err = await refusal(() =>
      markUnconfirmed(t.db, { olderThanDays: 10, now: days(12), by: 'yaw.darko' }),
    );
    expect(err.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('still settles unconfirmed lines from a later report and resolves their unconfirmed exceptions', async () => {
    const path = await writePain002(tmp, 'late-501.xml', {
      messageId: 'RSP-501',
      originalMessageId: messageId(501, 'ezwich', 1),
      txs: [
        { endToEndId: endToEndId(501, 1), status: 'ACSC' },
        { endToEndId: endToEndId(501, 2), status: 'RJCT', reason: 'AC01' },
        { endToEndId: endToEndId(501, 3), status: 'RJCT', reason: 'MD07' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy: finance });
    expect(r).toMatchObject({ paid: 1, failed: 2, exceptions: 3 });
    const states = await rows<{ line_no: number; status: string }>(
      t.db,
      sql`SELECT line_no, status FROM payroll_lines WHERE cycle_id = ${cycleId} ORDER BY line_no`,
    );
    expect(states.map((s) => s.status)).toEqual(['paid', 'failed', 'failed', 'unconfirmed']);
    const unconfirmed = await rows<{ state: string; resolution: string | null; by: string | null }>(
      t.db,
      sql`SELECT state, resolution, resolved_by AS by FROM exceptions
          WHERE cycle_id = ${cycleId} AND kind = 'unconfirmed_past_time' ORDER BY id`,
    );
    expect(unconfirmed).toEqual([
      { state: 'resolved', resolution: 'settled', by: finance },
      { state: 'resolved', resolution: 'settled', by: finance },
      { state: 'resolved', resolution: 'settled', by: finance },
      { state: 'open', resolution: null, by: null },
    ]);
  });
});

describe('working the exception queue and closing the cycle', () => {
  it('refuses to close while exceptions are open, giving the counts', async () => {
    const err = await refusal(() => closeCycle(t.db, { cycleId, by: finance }));
    expect(err.code).toBe('CYCLE_STATE');
    expect(err.details).toEqual({
      cycleId,
      status: 'reconciled',
      pendingLines: 0,
      openExceptions: 4,
    });
    const open = await listExceptions(t.db, { cycleId, state: 'open' });
    expect(open.map((e) => [e.kind, e.reasonCode, e.householdRef])).toEqual([
      ['unconfirmed_past_time', null, null],
      ['failed_payment', 'AC01', null],
      ['failed_payment', 'MD07', null],
      ['household_review', 'MD07', 'HH0000003'],
    ]);
  });

  it.each([
    ['an auditor', 'yaw.darko', 'ROLE_NOT_ALLOWED'],
    ['an approver', 'kwame.boateng', 'ROLE_NOT_ALLOWED'],
    ['someone unknown', 'nobody', 'UNKNOWN_USER'],
  ])('refuses a resolution by %s', async (_who, by, code) => {
    const exceptionId = await exceptionIdOf('failed_payment', 2);
    const err = await refusal(() =>
      resolveException(t.db, { exceptionId, by, action: 'note', note: 'seen' }),
    );
    expect(err.code).toBe(code);
  });

  it.each([
    ['a deceased recipient (MD07)', 'failed_payment', 3, /reason MD07 forbids it/],
    ['a household under review', 'household_review', 3, /the household is under review/],
    ['a line not failed or returned', 'unconfirmed_past_time', 4, /the line is unconfirmed/],
  ])('refuses to pay again %s', async (_what, kind, lineNo, message) => {
    const exceptionId = await exceptionIdOf(kind, lineNo);
    const err = await refusal(() =>
      resolveException(t.db, { exceptionId, by: finance, action: 'pay_again', note: 'retry' }),
    );
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(message);
  });

  it('carries a failed line to be paid again, audited, and only once', async () => {
    const exceptionId = await exceptionIdOf('failed_payment', 2);
    const r = await resolveException(t.db, {
      exceptionId,
      by: finance,
      action: 'pay_again',
      note: 'instrument corrected by the district office',
    });
    expect(r).toEqual({ exceptionId, cycleId, state: 'carried', resolution: 'pay_again' });
    const [row] = await rows<Record<string, unknown>>(
      t.db,
      sql`SELECT state, resolution, resolved_by, note, resolved_at IS NOT NULL AS at
          FROM exceptions WHERE id = ${exceptionId}`,
    );
    expect(row).toEqual({
      state: 'carried',
      resolution: 'pay_again',
      resolved_by: finance,
      note: 'instrument corrected by the district office',
      at: true,
    });
    const [audit] = await rows<{ actor: string; entity_id: string; detail: unknown }>(
      t.db,
      sql`SELECT actor, entity_id, detail FROM audit_events
          WHERE action = 'exception.resolve' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({
      actor: finance,
      entity_id: String(exceptionId),
      detail: { resolution: 'pay_again', state: 'carried', kind: 'failed_payment' },
    });
    const again = await refusal(() =>
      resolveException(t.db, { exceptionId, by: finance, action: 'write_off', note: 'no longer' }),
    );
    expect(again.code).toBe('CYCLE_STATE');
  });

  it.each([
    [
      'refer_grievance without a case number',
      { action: 'refer_grievance' as const, note: 'to be reassessed' },
      'refer_grievance needs the grievance case number',
    ],
    [
      'an empty note',
      { action: 'note' as const, note: '  ' },
      'a resolution note must say why, in at least 3 characters (got 0)',
    ],
    [
      'a grievance case number with another action',
      { action: 'note' as const, note: 'to be reassessed', grievanceCase: 'GRM-2030-0042' },
      'a grievance case number goes only with refer_grievance',
    ],
    [
      'a write-off whose note does not say why',
      { action: 'write_off' as const, note: ' x ' },
      'a resolution note must say why, in at least 3 characters (got 1)',
    ],
    [
      'a note of two emoji and zero-width spaces',
      { action: 'note' as const, note: '\u{1F44D}\u200B\u{1F44D}\u200B' },
      'a resolution note must say why, in at least 3 characters (got 2)',
    ],
  ])('refuses %s', async (_what, extra, message) => {
    const exceptionId = await exceptionIdOf('household_review', 3);
    const err = await refusal(() => resolveException(t.db, { exceptionId, by: finance, ...extra }));
    expect([err.code, err.message]).toEqual(['USAGE', message]);
  });

  it('resolves the rest (write-off, grievance referral, note) and then closes the cycle', async () => {
    await resolveException(t.db, {
      exceptionId: await exceptionIdOf('failed_payment', 3),
      by: finance,
      action: 'write_off',
      note: 'recipient deceased; nothing to pay',
    });
    const referred = await resolveException(t.db, {
      exceptionId: await exceptionIdOf('household_review', 3),
      by: 'admin',
      action: 'refer_grievance',
      note: 'household to be reassessed',
      grievanceCase: 'GRM-2030-0042',
    });
    expect(referred.state).toBe('resolved');
    await resolveException(t.db, {
      exceptionId: await exceptionIdOf('unconfirmed_past_time', 4),
      by: finance,
      action: 'note',
      note: 'GhIPSS confirms the credit; statement to follow',
    });
    expect(await listExceptions(t.db, { cycleId, state: 'open' })).toEqual([]);
    const [g] = await rows<{ grievance_case: string }>(
      t.db,
      sql`SELECT grievance_case FROM exceptions WHERE kind = 'household_review'`,
    );
    expect(g!.grievance_case).toBe('GRM-2030-0042');

    const closed = await closeCycle(t.db, { cycleId, by: finance });
    expect(closed).toMatchObject({ cycleId, lines: 4, exceptions: 7 });
    expect(closed.control.byStatus.unconfirmed.amount.toFixed(2)).toBe('530.00');
    const [c] = await rows<{ status: string }>(
      t.db,
      sql`SELECT status FROM cycles WHERE id = ${cycleId}`,
    );
    expect(c!.status).toBe('closed');
    expect((await refusal(() => closeCycle(t.db, { cycleId, by: finance }))).code).toBe(
      'CYCLE_STATE',
    );
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('refuses to close a cycle that does not exist', async () => {
    expect((await refusal(() => closeCycle(t.db, { cycleId: 99999, by: finance }))).code).toBe(
      'CYCLE_NOT_FOUND',
    );
  });
});

describe('wages of a LIPW line that failed', () => {
  it('are not carried to be paid again, as no payroll would pay them; a note resolves them', async () => {
    const lipw = await createSubmittedCycle(t.db, {
      cycleNumber: 502,
      lines: ['219.67', '180.00'],
      programme: 'LIPW',
    });
    const path = await writePain002(tmp, 'pain002-502.xml', {
      messageId: 'RSP-502',
      originalMessageId: messageId(502, 'ezwich', 1),
      txs: [
        { endToEndId: endToEndId(502, 1), status: 'RJCT', reason: 'AC01' },
        { endToEndId: endToEndId(502, 2), status: 'ACSC' },
      ],
    });
    expect(await reconcileFile(t.db, { path, loadedBy: finance })).toMatchObject({
      failed: 1,
      paid: 1,
    });
    const [e] = await rows<{ id: number }>(
      t.db,
      sql`SELECT id::int FROM exceptions
          WHERE cycle_id = ${lipw.cycleId} AND kind = 'failed_payment'`,
    );
    const err = await refusal(() =>
      resolveException(t.db, {
        exceptionId: e!.id,
        by: finance,
        action: 'pay_again',
        note: 'retry',
      }),
    );
    expect([err.code, err.message]).toEqual([
      'USAGE',
      `exception ${e!.id} cannot be paid again: no payroll pays LIPW wages again (only LEAP ` +
        'builds repay failed lines); note the wages owed, or refer them to a grievance case',
    ]);
    const noted = await resolveException(t.db, {
      exceptionId: e!.id,
      by: finance,
      action: 'note',
      note: 'wages owed paid by the district office in cash, voucher 118',
    });
    expect(noted).toMatchObject({ state: 'resolved', resolution: 'note' });
  });
});
