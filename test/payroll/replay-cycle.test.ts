import { rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { approveCycle } from '../../src/payroll/approve.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { verifyCycle } from '../../src/payroll/replay-cycle.js';
import { tempDir } from '../enrolment/helpers.js';
import { createTestDatabase, pgFailure, type TestDatabase } from '../helpers/database.js';
import { EXTRACTS, loadExtract, type LoadedFiles } from './extract-history.js';

let t: TestDatabase;
let dir: string;
let v2: LoadedFiles;
let cycle106: { id: number; builtAt: string; seal: string };
let cycle107: number;

const lines = (cycleId: number) =>
  rows<{ ref: string; amount: string; account: string; items: string }>(
    t.db,
    sql`SELECT l.beneficiary_ref AS ref, l.amount::text AS amount, l.account_number AS account,
          string_agg(i.kind || ':' || i.for_cycle || ':' || i.amount::text, '|'
                     ORDER BY i.for_cycle, i.kind) AS items
        FROM payroll_lines l JOIN payroll_line_items i ON i.payroll_line_id = l.id
        WHERE l.cycle_id = ${cycleId} GROUP BY l.id ORDER BY l.line_no`,
  );

const historyCounts = async () =>
  (
    await rows<Record<string, number>>(
      t.db,
      sql`SELECT (SELECT count(*)::int FROM households_history) AS households,
            (SELECT count(*)::int FROM enrolments_history) AS enrolments,
            (SELECT count(*)::int FROM members_history) AS members,
            (SELECT count(*)::int FROM payment_instruments_history) AS instruments`,
    )
  )[0]!;

/** Records a settlement status change the way reconciliation does: an event, then the status. */
async function settle(cycleId: number, ref: string, to: string, reason: string | null) {
  await t.db.execute(sql`
    WITH l AS (SELECT id, status FROM payroll_lines WHERE cycle_id = ${cycleId}
               AND beneficiary_ref = ${ref}),
    e AS (INSERT INTO line_status_events (payroll_line_id, from_status, to_status, reason_code)
          SELECT id, status, ${to}, ${reason} FROM l)
    UPDATE payroll_lines SET status = ${to}, status_reason = ${reason}
    WHERE id = (SELECT id FROM l)`);
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();

  await loadExtract(t.db, dir, 'v1', EXTRACTS.v1);
  const built = await buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' });
  const sealed = await approveCycle(t.db, { cycleId: built.cycleId, approver: 'kwame.boateng' });
  const [c] = await rows<{ built_at: string }>(
    t.db,
    sql`SELECT built_at::text AS built_at FROM cycles WHERE id = ${built.cycleId}`,
  );
  cycle106 = { id: built.cycleId, builtAt: c!.built_at, seal: sealed.sealSha256 };
  await settle(cycle106.id, 'HH0000002', 'failed', 'AC04');

  v2 = await loadExtract(t.db, dir, 'v2', EXTRACTS.v2);
  cycle107 = (await buildLeapCycle(t.db, { cycleNumber: 107, builtBy: 'akosua.mensah' })).cycleId;
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('enrolment history', () => {
  it('keeps one superseded version per real change, replaced by the v2 file', async () => {
    expect(await historyCounts()).toEqual({
      households: 1,
      enrolments: 1,
      members: 1,
      instruments: 1,
    });
    const [member] = await rows<{
      member_ref: string;
      deceased_on: string | null;
      file: number;
      change: string;
      ends_at_new_version: boolean;
      started_before_build: boolean;
    }>(
      t.db,
      sql`SELECT h.member_ref, h.deceased_on, h.replaced_by_file_id AS file, h.change,
            h.valid_to = m.valid_from AS ends_at_new_version,
            h.valid_from < ${cycle106.builtAt}::timestamptz AS started_before_build
          FROM members_history h JOIN members m ON m.id = h.id`,
    );
    expect(member).toEqual({
      member_ref: 'MB00000006',
      deceased_on: null,
      file: v2.members,
      change: 'update',
      ends_at_new_version: true,
      started_before_build: true,
    });

    const replaced = await rows<{ t: string; ref: string; file: number | null }>(
      t.db,
      sql`SELECT 'households' AS t, household_ref AS ref, replaced_by_file_id AS file
          FROM households_history
          UNION ALL SELECT 'enrolments', status, replaced_by_file_id FROM enrolments_history
          UNION ALL SELECT 'instruments', account_number, replaced_by_file_id
          FROM payment_instruments_history ORDER BY 1`,
    );
    expect(replaced).toEqual([
      { t: 'enrolments', ref: 'active', file: v2.households },
      { t: 'households', ref: 'HH0000002', file: v2.households },
      { t: 'instruments', ref: '9000000002', file: v2.instruments },
    ]);
  });

  it('reads the enrolment as it stood when cycle 106 was built', async () => {
    const [asOf] = await rows<Record<string, unknown>>(
      t.db,
      sql`SELECT
        (SELECT count(*)::int FROM members_as_of(${cycle106.builtAt})) AS members,
        (SELECT deceased_on FROM members_as_of(${cycle106.builtAt})
         WHERE member_ref = 'MB00000006') AS deceased_on,
        (SELECT community FROM households_as_of(${cycle106.builtAt})
         WHERE household_ref = 'HH0000002') AS community,
        (SELECT string_agg(status, ',' ORDER BY household_id)
         FROM enrolments_as_of(${cycle106.builtAt})) AS statuses,
        (SELECT account_number FROM payment_instruments_as_of(${cycle106.builtAt}) pi
         JOIN households h ON h.id = pi.household_id WHERE h.household_ref = 'HH0000002')
          AS account,
        (SELECT count(*)::int FROM members_as_of(now())) AS members_now`,
    );
    expect(asOf).toEqual({
      members: 7,
      deceased_on: null,
      community: 'Tolon',
      statuses: 'active,active,active,active',
      account: '9000000002',
      members_now: 9,
    });
  });

  it('writes no history when the same records are loaded again', async () => {
    const before = await historyCounts();
    const stamps = () =>
      rows(t.db, sql`SELECT household_ref, valid_from::text FROM households ORDER BY 1`);
    const stampsBefore = await stamps();
    await loadExtract(t.db, dir, 'v2-again', EXTRACTS.v2);
    const reordered = {
      households: [...EXTRACTS.v2.households].reverse(),
      members: [...EXTRACTS.v2.members].reverse(),
      instruments: [...EXTRACTS.v2.instruments].reverse(),
    };
    await loadExtract(t.db, dir, 'v2-reordered', reordered);
    expect(await historyCounts()).toEqual(before);
    expect(await stamps()).toEqual(stampsBefore);
  });

  it('keeps a deleted record as history, changed by no import', async () => {
    await t.db.execute(sql`DELETE FROM payment_instruments WHERE household_id =
      (SELECT id FROM households WHERE household_ref = 'HH0000003')`);
    const deleted = await rows(
      t.db,
      sql`SELECT account_number, change, replaced_by_file_id FROM payment_instruments_history
          WHERE change = 'delete'`,
    );
    expect(deleted).toEqual([
      { account_number: '9000000003', change: 'delete', replaced_by_file_id: null },
    ]);
  });

  it('refuses to change or remove history', async () => {
    for (const table of ['households', 'enrolments', 'members', 'payment_instruments']) {
      const message = `${table}_history is append-only`;
      expect(
        await pgFailure(t.db.execute(sql.raw(`UPDATE ${table}_history SET change = 'x'`))),
      ).toEqual({ code: 'P0001', message });
      expect(await pgFailure(t.db.execute(sql.raw(`DELETE FROM ${table}_history`)))).toEqual({
        code: 'P0001',
        message,
      });
      expect(await pgFailure(t.db.execute(sql.raw(`TRUNCATE ${table}_history`)))).toEqual({
        code: 'P0001',
        message,
      });
    }
  });
});

describe('cycle verify', () => {
  it('builds cycle 107 from v2: a birth, a death, a new card, a suspension, a hold, a repayment', async () => {
    expect(await lines(cycle107)).toEqual([
      { ref: 'HH0000001', amount: '440.00', account: '9000000001', items: 'grant:107:440.00' },
      {
        ref: 'HH0000002',
        amount: '640.00',
        account: '9000000222',
        items: 'repayment:106:320.00|grant:107:320.00',
      },
      { ref: 'HH0000003', amount: '320.00', account: '9000000003', items: 'grant:107:320.00' },
    ]);
    expect(
      await rows(
        t.db,
        sql`SELECT beneficiary_ref, kind, reason_code, amount_held::text, held_by_cycle
            FROM cycle_exclusions WHERE cycle_id = ${cycle107} ORDER BY beneficiary_ref`,
      ),
    ).toEqual([
      {
        beneficiary_ref: 'HH0000004',
        kind: 'excluded',
        reason_code: 'SUSPENDED',
        amount_held: '0.00',
        held_by_cycle: null,
      },
      {
        beneficiary_ref: 'HH0000005',
        kind: 'withheld',
        reason_code: 'NO_VERIFIED_INSTRUMENT',
        amount_held: '320.00',
        held_by_cycle: { '107': '320.00' },
      },
    ]);
  });

  it('rebuilds sealed cycle 106 from v1 after v2 is loaded, to its exact seal', async () => {
    expect(await lines(cycle106.id)).toEqual([
      { ref: 'HH0000001', amount: '380.00', account: '9000000001', items: 'grant:106:380.00' },
      { ref: 'HH0000002', amount: '320.00', account: '9000000002', items: 'grant:106:320.00' },
      { ref: 'HH0000003', amount: '380.00', account: '9000000003', items: 'grant:106:380.00' },
      { ref: 'HH0000004', amount: '320.00', account: '9000000004', items: 'grant:106:320.00' },
    ]);
    const r = await verifyCycle(t.db, { cycleId: cycle106.id });
    expect(r).toMatchObject({
      matches: true,
      builtAt: cycle106.builtAt,
      differenceCount: 0,
      differences: [],
      stored: { lines: 4, sha256: cycle106.seal, seal: cycle106.seal },
      rebuilt: { lines: 4, sha256: cycle106.seal },
    });
    expect(r.rebuilt.total.toFixed(2)).toBe('1400.00');
  });

  it('rebuilds cycle 107 with the failure it repaid, though the line was paid later', async () => {
    await settle(cycle106.id, 'HH0000002', 'paid', null);
    const r = await verifyCycle(t.db, { cycleId: cycle107 });
    expect([r.matches, r.rebuilt.lines, r.rebuilt.total.toFixed(2)]).toEqual([true, 3, '1400.00']);
    expect(r.stored.seal).toBeNull();
  });

  it('changes nothing', async () => {
    const snapshot = () =>
      rows(
        t.db,
        sql`SELECT (SELECT count(*)::int FROM audit_events) AS audit,
              (SELECT count(*)::int FROM payroll_lines) AS lines,
              (SELECT count(*)::int FROM households_history) AS history,
              (SELECT sum(amount)::text FROM payroll_lines) AS total`,
      );
    const before = await snapshot();
    await verifyCycle(t.db, { cycleId: cycle106.id });
    expect(await snapshot()).toEqual(before);
  });

  it('rebuilds a joint cycle to its seal', async () => {
    const joint = await buildLeapCycle(t.db, {
      cycleNumber: 108,
      jointWith: 109,
      builtBy: 'akosua.mensah',
    });
    const { sealSha256 } = await approveCycle(t.db, {
      cycleId: joint.cycleId,
      approver: 'kwame.boateng',
    });
    const r = await verifyCycle(t.db, { cycleId: joint.cycleId });
    expect([r.matches, r.periodKey, r.rebuilt.lines, r.rebuilt.sha256]).toEqual([
      true,
      '108/109',
      2,
      sealSha256,
    ]);
  });

  it('reports an amount changed on a built cycle, line by line', async () => {
    await t.db.execute(sql`UPDATE payroll_lines SET amount = amount + 1
      WHERE cycle_id = ${cycle107} AND beneficiary_ref = 'HH0000003'`);
    const r = await verifyCycle(t.db, { cycleId: cycle107 });
    expect(r.matches).toBe(false);
    expect(r.differenceCount).toBe(1);
    expect(r.differences).toEqual([
      {
        record: 'line',
        kind: 'changed',
        beneficiaryRef: 'HH0000003',
        field: 'amount',
        stored: '321.00',
        rebuilt: '320.00',
      },
    ]);
    expect(r.stored.total.minus(r.rebuilt.total).toFixed(2)).toBe('1.00');
    expect(r.stored.sha256).not.toBe(r.rebuilt.sha256);
  });

  it('reports a sealed line altered behind the guards, a line never built, a changed exclusion', async () => {
    await t.db.execute(sql`ALTER TABLE payroll_lines DISABLE TRIGGER payroll_lines_sealed_guard`);
    await t.db.execute(sql`UPDATE payroll_lines SET recipient_name = 'Someone Else'
      WHERE cycle_id = ${cycle106.id} AND beneficiary_ref = 'HH0000004'`);
    await t.db.execute(sql`ALTER TABLE payroll_lines ENABLE TRIGGER payroll_lines_sealed_guard`);
    await t.db.execute(sql`DELETE FROM payroll_line_items WHERE payroll_line_id IN
      (SELECT id FROM payroll_lines WHERE cycle_id = ${cycle107} AND beneficiary_ref = 'HH0000001')`);
    await t.db.execute(sql`DELETE FROM payroll_lines
      WHERE cycle_id = ${cycle107} AND beneficiary_ref = 'HH0000001'`);

    const sealed = await verifyCycle(t.db, { cycleId: cycle106.id });
    expect([sealed.matches, sealed.rebuilt.sha256, sealed.stored.seal]).toEqual([
      false,
      cycle106.seal,
      cycle106.seal,
    ]);
    expect(sealed.stored.sha256).not.toBe(cycle106.seal);
    expect(sealed.differences).toEqual([
      {
        record: 'line',
        kind: 'changed',
        beneficiaryRef: 'HH0000004',
        field: 'recipient_name',
        stored: 'Someone Else',
        rebuilt: 'Esi Boateng',
      },
    ]);

    await t.db.execute(sql`UPDATE cycle_exclusions SET reason_code = 'EXITED'
      WHERE cycle_id = ${cycle107} AND beneficiary_ref = 'HH0000004'`);

    const built = await verifyCycle(t.db, { cycleId: cycle107 });
    expect(built.differences.map((d) => [d.record, d.kind, d.beneficiaryRef, d.field])).toEqual([
      ['line', 'extra', 'HH0000001', undefined],
      ['line', 'changed', 'HH0000003', 'amount'],
      ['exclusion', 'changed', 'HH0000004', 'reason_code'],
    ]);
    expect(built.differences[2]).toMatchObject({ stored: 'EXITED', rebuilt: 'SUSPENDED' });
  });

  it('ignores a "pay again" decided after the build', async () => {
    const [line] = await rows<{ id: number; cycle_id: number; ref: string }>(
      t.db,
      sql`SELECT l.id, l.cycle_id, l.beneficiary_ref AS ref FROM payroll_lines l
          JOIN cycles c ON c.id = l.cycle_id
          WHERE c.period_key = '108/109' ORDER BY l.line_no LIMIT 1`,
    );
    // AC06 does not roll over: the next build pays it again only if finance says so.
    await settle(line!.cycle_id, line!.ref, 'failed', 'AC06');
    const cycle110 = await buildLeapCycle(t.db, { cycleNumber: 110, builtBy: 'akosua.mensah' });
    await t.db.execute(sql`INSERT INTO exceptions (cycle_id, payroll_line_id, kind, reason_code,
        detail, state, resolution, resolved_by, resolved_at)
      VALUES (${line!.cycle_id}, ${line!.id}, 'failed_payment', 'AC06', 'Account blocked',
        'resolved', 'pay_again', 'efua.owusu', now() + interval '1 second')`);

    const r = await verifyCycle(t.db, { cycleId: cycle110.cycleId });
    expect([r.matches, r.differenceCount, r.rebuilt.lines]).toEqual([true, 0, cycle110.lines]);
    expect(r.rebuilt.total.toFixed(2)).toBe(cycle110.total.toFixed(2));
  });

  it.each([
    [9999, 'CYCLE_NOT_FOUND'],
    [-1, 'CYCLE_NOT_FOUND'],
  ])('refuses cycle %i with %s', async (cycleId, code) => {
    const err = await verifyCycle(t.db, { cycleId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SikaError);
    expect((err as SikaError).code).toBe(code);
  });
});
