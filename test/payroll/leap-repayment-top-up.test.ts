import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import type { BuildResult } from '../../src/payroll/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addHousehold, approveAndSettle, eligibleMembers, unbalancedLines } from './fixtures.js';

/**
 * A failed line paid again after a schedule reached back to its cycle is topped up with it:
 * cycle 96 pays 256 / 304; HH0000001's payment fails with AC01 (paid again), HH0000002's with
 * AM05 (never paid again). The cycle 97 schedule (320 / 380) is then made to reach back to 96.
 */
let t: TestDatabase;
let built97: BuildResult;

beforeAll(async () => {
  t = await createTestDatabase();
  await addHousehold(t.db, { ref: 'HH0000001', members: eligibleMembers(1) });
  await addHousehold(t.db, { ref: 'HH0000002', members: eligibleMembers(2) });
  const c96 = await buildLeapCycle(t.db, { cycleNumber: 96, builtBy: 'akosua.mensah' });
  await approveAndSettle(t.db, c96.cycleId, {
    HH0000001: { status: 'failed', reason: 'AC01' },
    HH0000002: { status: 'failed', reason: 'AM05' },
  });
  await t.db.execute(sql`UPDATE grant_schedules SET applies_retroactively_to_cycle = 96
    WHERE effective_from_cycle = 97`);
  built97 = await buildLeapCycle(t.db, { cycleNumber: 97, builtBy: 'akosua.mensah' });
});

afterAll(async () => {
  await t?.drop();
});

describe('a repayment after a retroactive schedule', () => {
  it.each([
    ['HH0000001', ['grant:97:320.00', 'repayment:96:256.00', 'top_up:96:64.00']],
    ['HH0000002', ['grant:97:380.00']],
  ])('pays %s the items %j in 97', async (ref, expected) => {
    const items = await rows<{ item: string }>(
      t.db,
      sql`SELECT i.kind || ':' || i.for_cycle || ':' || i.amount AS item
          FROM payroll_line_items i JOIN payroll_lines l ON l.id = i.payroll_line_id
          WHERE l.period_key = '97' AND l.beneficiary_ref = ${ref} ORDER BY i.id`,
    );
    expect(items.map((i) => i.item)).toEqual(expected);
  });

  it('totals 97 to the pesewa', async () => {
    expect([built97.lines, built97.total.toFixed(2), built97.arrears.toFixed(2)]).toEqual([
      2,
      '1020.00',
      '320.00',
    ]);
    expect(await unbalancedLines(t.db)).toEqual([]);
  });
});
