import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { createTestDatabase, pgFailure, type TestDatabase } from '../helpers/database.js';
import { addHousehold, eligibleMembers } from './fixtures.js';

/**
 * The references of build output are checked once per statement by triggers, not by foreign
 * keys: each row below names something that does not exist, or removes something still named.
 */
let t: TestDatabase;
let cycleId: number;
let lineId: number;
let householdId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  householdId = await addHousehold(t.db, { ref: 'HH0000001', members: eligibleMembers(2) });
  const r = await buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' });
  cycleId = r.cycleId;
  const [line] = await rows<{ id: number }>(t.db, sql`SELECT id::int FROM payroll_lines`);
  lineId = line!.id;
});

afterAll(async () => {
  await t?.drop();
});

const cases: { name: string; statement: () => ReturnType<typeof sql>; message: string }[] = [
  {
    name: 'a line of a cycle that does not exist',
    statement: () => sql`INSERT INTO payroll_lines (cycle_id, line_no, programme, period_key,
        beneficiary_ref, recipient_name, region_code, district_code, channel, account_number,
        base_amount, amount, end_to_end_id)
      VALUES (9999, 2, 'LEAP', '106', 'HH0000002', 'x', 'AS', 'AS01', 'mobile_money', '1',
        0, 0, 'LEAP-106-HH0000002')`,
    message: 'payroll_lines names a cycle that does not exist',
  },
  {
    name: 'a line moved to a household that does not exist',
    statement: () => sql`UPDATE payroll_lines SET household_id = 999999 WHERE id = ${lineId}`,
    message: 'payroll_lines names a household that does not exist',
  },
  {
    name: 'a line naming a worker that does not exist',
    statement: () => sql`UPDATE payroll_lines SET worker_id = 999999 WHERE id = ${lineId}`,
    message: 'payroll_lines names a worker or subproject that does not exist',
  },
  {
    name: 'a flag of a household that does not exist',
    statement:
      () => sql`INSERT INTO cycle_flags (cycle_id, beneficiary_ref, household_id, flag_code)
      VALUES (${cycleId}, 'HH0000009', 999999, 'REASSESSMENT_OVERDUE')`,
    message: 'cycle_flags names a household that does not exist',
  },
  {
    name: 'an exclusion of a cycle that does not exist',
    statement: () => sql`INSERT INTO cycle_exclusions (cycle_id, beneficiary_ref, kind, reason_code)
      VALUES (9999, 'HH0000001', 'excluded', 'EXITED')`,
    message: 'cycle_exclusions names a cycle that does not exist',
  },
  {
    name: 'an item paying again a line that does not exist',
    statement: () => sql`INSERT INTO payroll_line_items (payroll_line_id, beneficiary_ref, kind,
        for_cycle, amount, replaces_line_id)
      VALUES (${lineId}, 'HH0000001', 'repayment', 105, 10, 999999)`,
    message: 'payroll_line_items names a payroll line that does not exist',
  },
  {
    name: 'removing a household a line names',
    statement: () => sql`DELETE FROM households WHERE id = ${householdId}`,
    message: 'a household named by a payroll cannot be deleted',
  },
  {
    name: 'removing a cycle with lines',
    statement: () => sql`DELETE FROM cycles WHERE id = ${cycleId}`,
    message: 'a cycle with lines, flags or exclusions cannot be deleted',
  },
  {
    name: 'removing a line with items',
    statement: () => sql`DELETE FROM payroll_lines WHERE id = ${lineId}`,
    message: 'payroll lines with items, or paid again by an item, cannot be deleted',
  },
];

describe('build output references', () => {
  it.each(cases)('refuses $name', async (c) => {
    const failure = await pgFailure(t.db.execute(c.statement()));
    expect(failure).toEqual({ code: '23503', message: c.message });
  });

  it('leaves the built cycle as it was', async () => {
    const [n] = await rows<{ lines: number; items: number; total: string }>(
      t.db,
      sql`SELECT (SELECT count(*)::int FROM payroll_lines) AS lines,
            (SELECT count(*)::int FROM payroll_line_items) AS items,
            (SELECT sum(amount)::text FROM payroll_lines) AS total`,
    );
    expect(n).toEqual({ lines: 1, items: 1, total: '380.00' });
  });
});
