import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { approveCycle, rejectCycle } from '../../src/payroll/approve.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { findCycle } from '../../src/payroll/cycles.js';
import { computeSeal } from '../../src/payroll/seal.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addHousehold, eligibleMembers } from './fixtures.js';

let t: TestDatabase;
let second: Database;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof SikaError ? err.code : `not a SikaError: ${String(err)}`;
}

/** The PostgreSQL error code and message under drizzle's query wrapper. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return `${cause?.code} ${cause?.message}`;
}

async function build(cycleNumber: number): Promise<number> {
  return (await buildLeapCycle(t.db, { cycleNumber, builtBy: 'akosua.mensah' })).cycleId;
}

beforeAll(async () => {
  t = await createTestDatabase();
  second = await openDatabase({ databaseUrl: t.url, dbDir: '' });
  await addHousehold(t.db, {
    ref: 'HH0000001',
    district: 'NR-01',
    members: [{ role: 'caregiver', category: 'elderly', name: 'Ama Ɛsi' }],
    instrument: { channel: 'ezwich', account: '9000000001' },
  });
  await addHousehold(t.db, {
    ref: 'HH0000002',
    district: 'NR-02',
    members: [{ role: 'caregiver', category: 'ovc', name: 'Yaw Mensah' }, { category: 'ovc' }],
    instrument: { channel: 'momo', account: '0241111111' },
  });
  await addHousehold(t.db, {
    ref: 'HH0000003',
    district: 'UE-04',
    members: [{ role: 'caregiver', category: 'elderly', name: 'Adjoa Ŋmɛ' }, ...eligibleMembers(4)],
    instrument: { channel: 'ezwich', account: '9000000003' },
  });
});

afterAll(async () => {
  await second.close();
  await t.drop();
});

describe('four eyes', () => {
  let cycleId = 0;
  beforeAll(async () => {
    cycleId = await build(101);
  });

  it.each([
    ['the builder', 'akosua.mensah', 'ROLE_NOT_ALLOWED'],
    ['a finance officer', 'efua.owusu', 'ROLE_NOT_ALLOWED'],
    ['an administrator', 'admin', 'ROLE_NOT_ALLOWED'],
    ['an auditor', 'yaw.darko', 'ROLE_NOT_ALLOWED'],
    ['an unknown user', 'ghost', 'UNKNOWN_USER'],
  ])('refuses approval and rejection by %s with %s', async (_who, user, code) => {
    expect(await codeOf(approveCycle(t.db, { cycleId, approver: user }))).toBe(code);
    expect(await codeOf(rejectCycle(t.db, { cycleId, approver: user, reason: 'check' }))).toBe(
      code,
    );
    expect((await findCycle(t.db, { cycleId })).status).toBe('built');
  });

  it('refuses the builder with FOUR_EYES even once they hold the approver role', async () => {
    await t.db.execute(sql`UPDATE users SET role = 'approver' WHERE username = 'akosua.mensah'`);
    try {
      const err = (await approveCycle(t.db, { cycleId, approver: 'akosua.mensah' }).catch(
        (e: unknown) => e,
      )) as SikaError;
      expect([err.code, err.message]).toEqual([
        'FOUR_EYES',
        'user "akosua.mensah" built this cycle and cannot also approve or reject it',
      ]);
    } finally {
      await t.db.execute(
        sql`UPDATE users SET role = 'payroll_officer' WHERE username = 'akosua.mensah'`,
      );
    }
    expect((await findCycle(t.db, { cycleId })).status).toBe('built');
  });

  it('refuses an unknown cycle with CYCLE_NOT_FOUND', async () => {
    expect(await codeOf(approveCycle(t.db, { cycleId: 9999, approver: 'kwame.boateng' }))).toBe(
      'CYCLE_NOT_FOUND',
    );
    expect(await codeOf(findCycle(t.db, { cycleId: 9999 }))).toBe('CYCLE_NOT_FOUND');
  });

  it.each([' ', 'ok', '  x  '])('refuses a rejection whose reason is %j', async (reason) => {
    const err = await rejectCycle(t.db, { cycleId, approver: 'kwame.boateng', reason }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'USAGE' });
    expect((err as Error).message).toBe(
      `a rejection must say why, in at least 3 characters (got ${reason.trim().length})`,
    );
  });
});

describe('approval seals the cycle', () => {
  let cycleId = 0;
  let firstSeal = '';

  beforeAll(async () => {
    cycleId = await build(106);
    firstSeal = await computeSeal(t.db, cycleId);
  });

  it('hashes the canonical lines in line order, each with its items', () => {
    const canonical =
      '1|HH0000001|LEAP-106-HH0000001|Ama Ɛsi|ezwich|9000000001|320.00|grant:106:320.00\n' +
      '2|HH0000002|LEAP-106-HH0000002|Yaw Mensah|momo|0241111111|380.00|grant:106:380.00\n' +
      '3|HH0000003|LEAP-106-HH0000003|Adjoa Ŋmɛ|ezwich|9000000003|530.00|grant:106:530.00\n';
    expect(firstSeal).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('sends a rejected cycle back to draft and rebuilds it to the same seal', async () => {
    await rejectCycle(t.db, { cycleId, approver: 'kwame.boateng', reason: 'totals to review' });
    expect((await findCycle(t.db, { cycleId })).status).toBe('draft');
    expect(await codeOf(approveCycle(t.db, { cycleId, approver: 'kwame.boateng' }))).toBe(
      'CYCLE_STATE',
    );

    const rebuilt = await buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' });
    expect(rebuilt.cycleId).toBe(cycleId);
    expect(rebuilt.lines).toBe(3);
    expect((await findCycle(t.db, { cycleId })).status).toBe('built');
    expect(await computeSeal(t.db, cycleId)).toBe(firstSeal);
  });

  it('approves with the seal, counts and control totals', async () => {
    const approved = await approveCycle(t.db, { cycleId, approver: 'kwame.boateng' });

    expect(approved.sealSha256).toBe(firstSeal);
    expect(approved.lineCount).toBe(3);
    expect(approved.total.toFixed(2)).toBe('1230.00');
    expect(approved.controlTotals).toEqual({
      byRegion: { NR: { lines: 2, amount: '700.00' }, UE: { lines: 1, amount: '530.00' } },
      byDistrict: {
        'NR-01': { lines: 1, amount: '320.00' },
        'NR-02': { lines: 1, amount: '380.00' },
        'UE-04': { lines: 1, amount: '530.00' },
      },
      byChannel: { ezwich: { lines: 2, amount: '850.00' }, momo: { lines: 1, amount: '380.00' } },
    });

    const cycle = await findCycle(t.db, { cycleId });
    expect(cycle).toMatchObject({
      status: 'approved',
      approvedBy: 'kwame.boateng',
      sealSha256: firstSeal,
      controlTotals: approved.controlTotals,
    });
    expect(cycle.approvedAt).toBeInstanceOf(Date);
    expect(await computeSeal(t.db, cycleId)).toBe(cycle.sealSha256);
  });

  it('records build, rejection, rebuild and approval in the audit trail', async () => {
    const events = await rows<{ action: string; actor: string }>(
      t.db,
      sql`SELECT action, actor FROM audit_events WHERE entity = 'cycle'
          AND entity_id = ${String(cycleId)} ORDER BY id`,
    );
    expect(events).toEqual([
      { action: 'cycle.build', actor: 'akosua.mensah' },
      { action: 'cycle.reject', actor: 'kwame.boateng' },
      { action: 'cycle.build', actor: 'akosua.mensah' },
      { action: 'cycle.approve', actor: 'kwame.boateng' },
    ]);
  });

  const actions: Record<string, () => Promise<unknown>> = {
    'approving it again': () => approveCycle(t.db, { cycleId, approver: 'kwame.boateng' }),
    'rejecting it': () => rejectCycle(t.db, { cycleId, approver: 'kwame.boateng', reason: 'late' }),
    'building it again': () => buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' }),
  };
  it.each([
    ['approving it again', 'CYCLE_STATE'],
    ['rejecting it', 'CYCLE_STATE'],
    ['building it again', 'CYCLE_EXISTS'],
  ])('refuses %s once sealed with %s', async (what, code) => {
    expect(await codeOf(actions[what]!())).toBe(code);
  });

  it('refuses an amount change on a sealed line but accepts a status change', async () => {
    expect(
      await refusal(
        t.db.execute(sql`UPDATE payroll_lines SET amount = amount + 1 WHERE cycle_id = ${cycleId}`),
      ),
    ).toMatch(/^P0001 .*sealed cycle/);
    // The items' foreign key or the seal guard, whichever fires first: either refuses.
    expect(
      await refusal(t.db.execute(sql`DELETE FROM payroll_lines WHERE cycle_id = ${cycleId}`)),
    ).toMatch(/^(P0001 .*sealed cycle|23503 )/);

    await t.db.execute(
      sql`UPDATE payroll_lines SET status = 'paid' WHERE cycle_id = ${cycleId} AND line_no = 1`,
    );
    const [line] = await rows<{ status: string; amount: string }>(
      t.db,
      sql`SELECT status, amount::text AS amount FROM payroll_lines
          WHERE cycle_id = ${cycleId} AND line_no = 1`,
    );
    expect(line).toEqual({ status: 'paid', amount: '320.00' });
    expect(await computeSeal(t.db, cycleId)).toBe(firstSeal);
  });
});

describe('two at once', () => {
  it('lets exactly one of two parallel approvals succeed', async () => {
    const cycleId = await build(104);
    const outcomes = await Promise.allSettled([
      approveCycle(t.db, { cycleId, approver: 'kwame.boateng' }),
      approveCycle(second.db, { cycleId, approver: 'kwame.boateng' }),
    ]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected');
    expect(failed?.status === 'rejected' && (failed.reason as SikaError).code).toBe('CYCLE_STATE');
    const [approvals] = await rows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM audit_events
          WHERE action = 'cycle.approve' AND entity_id = ${String(cycleId)}`,
    );
    expect(approvals?.n).toBe(1);
  });

  it('lets exactly one of two parallel builds of the same cycle succeed', async () => {
    const outcomes = await Promise.allSettled([
      buildLeapCycle(t.db, { cycleNumber: 103, builtBy: 'akosua.mensah' }),
      buildLeapCycle(second.db, { cycleNumber: 103, builtBy: 'admin' }),
    ]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected');
    expect(failed?.status === 'rejected' && (failed.reason as SikaError).code).toBe('CYCLE_EXISTS');
    const cycle = await findCycle(t.db, { programme: 'LEAP', periodKey: '103' });
    expect(cycle).toMatchObject({ status: 'built', lineCount: 3, totalAmount: '1230.00' });
    const [lines] = await rows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM payroll_lines WHERE period_key = '103'`,
    );
    expect(lines?.n).toBe(3);
  });
});
