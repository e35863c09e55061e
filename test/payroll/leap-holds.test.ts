import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { rejectCycle } from '../../src/payroll/approve.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addHousehold, approveAndSettle, eligibleMembers, resetData } from './fixtures.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof SikaError ? err.code : `not a SikaError: ${String(err)}`;
}

describe('reassessment overdue (cycle 106 starts 2026-11-01: four years back is 2022-11-01)', () => {
  let cycleId = 0;
  let flags: Record<string, number> = {};

  // Households enrolled on 2020-01-15; null means never reassessed since.
  const cases: [string, string | null, string | null][] = [
    ['HH0000001', '2022-10-31', 'last assessed 2022-10-31'],
    ['HH0000002', '2022-11-01', null],
    ['HH0000003', '2025-06-30', null],
    ['HH0000004', null, 'last assessed 2020-01-15'],
  ];

  beforeAll(async () => {
    await resetData(t.db);
    for (const [ref, lastAssessedOn] of cases) {
      await addHousehold(t.db, { ref, lastAssessedOn, members: eligibleMembers(1) });
    }
    const built = await buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' });
    cycleId = built.cycleId;
    flags = built.flags;
    expect(built.lines).toBe(4);
  });

  it.each(cases)('flags %s last assessed %s: %s, and pays it', async (ref, _on, detail) => {
    const [flag] = await rows<{ flag_code: string; detail: string }>(
      t.db,
      sql`SELECT flag_code, detail FROM cycle_flags
          WHERE cycle_id = ${cycleId} AND beneficiary_ref = ${ref}`,
    );
    expect(flag ?? null).toEqual(detail ? { flag_code: 'REASSESSMENT_OVERDUE', detail } : null);
    const [line] = await rows<{ amount: string }>(
      t.db,
      sql`SELECT amount::text FROM payroll_lines
          WHERE cycle_id = ${cycleId} AND beneficiary_ref = ${ref}`,
    );
    expect(line?.amount).toBe('320.00');
  });

  it('counts the flags in the build result', () => {
    expect(flags).toEqual({ REASSESSMENT_OVERDUE: 2 });
  });

  it('flags nobody when the rule allows more years', async () => {
    await rejectCycle(t.db, { cycleId, approver: 'kwame.boateng', reason: 'rule check' });
    const rebuilt = await buildLeapCycle(t.db, {
      cycleNumber: 106,
      builtBy: 'akosua.mensah',
      reassessmentYears: 7,
    });
    expect(rebuilt.flags).toEqual({});
  });
});

describe('non-collection: failed payments in the last K cycles in a row', () => {
  let cycleId = 0;

  beforeAll(async () => {
    await resetData(t.db);
    for (const ref of ['HH0000011', 'HH0000012', 'HH0000013', 'HH0000014']) {
      await addHousehold(t.db, { ref, members: eligibleMembers(1) });
    }
    // AC06 does not roll over, so no payment is made again and amounts stay the grant.
    const failed = { status: 'failed', reason: 'AC06' } as const;
    const returned = { status: 'returned', reason: 'AC06' } as const;
    type Outcome = { status: 'failed' | 'returned'; reason: string };
    const outcomes: Record<string, Outcome>[] = [
      { HH0000011: failed, HH0000012: failed },
      { HH0000011: failed, HH0000012: returned, HH0000013: failed },
      { HH0000011: returned, HH0000013: failed, HH0000014: failed },
    ];
    for (const [i, cycle] of [101, 102, 103].entries()) {
      const built = await buildLeapCycle(t.db, { cycleNumber: cycle, builtBy: 'akosua.mensah' });
      await approveAndSettle(t.db, built.cycleId, outcomes[i]);
    }
  });

  it.each([
    [3, ['HH0000011']],
    [2, ['HH0000011', 'HH0000013']],
    [1, ['HH0000011', 'HH0000013', 'HH0000014']],
    [4, []],
  ])('with K = %i withholds %j from cycle 104', async (k, withheld) => {
    if (cycleId)
      await rejectCycle(t.db, { cycleId, approver: 'kwame.boateng', reason: 'another K' });
    const built = await buildLeapCycle(t.db, {
      cycleNumber: 104,
      builtBy: 'akosua.mensah',
      nonCollectionCycles: k,
    });
    cycleId = built.cycleId;

    const holds = await rows<{ ref: string; kind: string; reason_code: string; held: string }>(
      t.db,
      sql`SELECT beneficiary_ref AS ref, kind, reason_code, amount_held::text AS held
          FROM cycle_exclusions WHERE cycle_id = ${cycleId} ORDER BY beneficiary_ref`,
    );
    expect(holds).toEqual(
      withheld.map((ref) => ({
        ref,
        kind: 'withheld',
        reason_code: 'NON_COLLECTION',
        held: '320.00',
      })),
    );
    expect(built.lines).toBe(4 - withheld.length);
    expect([built.withheld, built.excluded]).toEqual([withheld.length, 0]);
  });

  it('refuses K = 0 with USAGE', async () => {
    expect(
      await codeOf(
        buildLeapCycle(t.db, {
          cycleNumber: 110,
          builtBy: 'akosua.mensah',
          nonCollectionCycles: 0,
        }),
      ),
    ).toBe('USAGE');
  });
});

describe('enrolment date (cycle 106 runs 2026-11-01 to 2026-12-31)', () => {
  it('pays a household enrolled by the last day of the period, not one enrolled after it', async () => {
    await resetData(t.db);
    await addHousehold(t.db, { ref: 'HH0000001', enrolledOn: '2026-12-31' });
    await addHousehold(t.db, { ref: 'HH0000002', enrolledOn: '2027-01-01' });
    const built = await buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' });
    const lines = await rows<{ ref: string; amount: string }>(
      t.db,
      sql`SELECT beneficiary_ref AS ref, amount::text AS amount FROM payroll_lines
          WHERE cycle_id = ${built.cycleId} ORDER BY line_no`,
    );
    expect(lines).toEqual([{ ref: 'HH0000001', amount: '320.00' }]);
    expect([built.lines, built.excluded, built.withheld]).toEqual([1, 0, 0]);
  });
});
