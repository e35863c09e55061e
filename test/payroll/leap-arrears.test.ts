import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import type { BuildResult } from '../../src/payroll/types.js';
import { createTestDatabase, pgFailure, type TestDatabase } from '../helpers/database.js';
import { addHousehold, approveAndSettle, eligibleMembers, unbalancedLines } from './fixtures.js';

/**
 * One household story per row, across the joint cycle 93/94 and cycles 95 to 98:
 * - HH0000001 (1 member) withheld in 95 for want of a verified instrument, released in 96;
 * - HH0000002 (2) failed in 95 with AC01, which rolls over: paid again in 96;
 * - HH0000003 (3) failed in 95 with AM05, which does not: never paid again;
 * - HH0000004 (4+) failed in 96 with AC06: no top-up for 96, nothing paid again;
 * - HH0000005 (1) withheld in the joint cycle 93/94, released in 95 with one item per cycle.
 * After 96 is sealed, the cycle 97 schedule is made to reach back to 96 (the 2025 increase), so
 * 97 pays every household paid in 96 the top-up 64 / 76 / 88 / 106.
 */
let t: TestDatabase;
const built: Record<string, BuildResult> = {};

async function setVerified(ref: string, verified: boolean): Promise<void> {
  await t.db.execute(sql`UPDATE payment_instruments SET verified = ${verified}
    WHERE household_id = (SELECT id FROM households WHERE household_ref = ${ref})`);
}

async function build(cycles: number[]): Promise<BuildResult> {
  const result = await buildLeapCycle(t.db, { cycleNumbers: cycles, builtBy: 'akosua.mensah' });
  built[cycles.join('/')] = result;
  return result;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await addHousehold(t.db, { ref: 'HH0000001', members: eligibleMembers(1) });
  await addHousehold(t.db, { ref: 'HH0000002', members: eligibleMembers(2) });
  await addHousehold(t.db, { ref: 'HH0000003', members: eligibleMembers(3) });
  await addHousehold(t.db, { ref: 'HH0000004', members: eligibleMembers(4) });
  await addHousehold(t.db, { ref: 'HH0000005', members: eligibleMembers(1) });

  await setVerified('HH0000005', false);
  await approveAndSettle(t.db, (await build([93, 94])).cycleId);

  await setVerified('HH0000005', true);
  await setVerified('HH0000001', false);
  await approveAndSettle(t.db, (await build([95])).cycleId, {
    HH0000002: { status: 'failed', reason: 'AC01' },
    HH0000003: { status: 'failed', reason: 'AM05' },
  });

  await setVerified('HH0000001', true);
  await approveAndSettle(t.db, (await build([96])).cycleId, {
    HH0000004: { status: 'failed', reason: 'AC06' },
  });

  await t.db.execute(sql`UPDATE grant_schedules SET applies_retroactively_to_cycle = 96
    WHERE effective_from_cycle = 97`);
  await approveAndSettle(t.db, (await build([97])).cycleId);
  await build([98]);
});

afterAll(async () => {
  await t.drop();
});

async function lines(periodKey: string): Promise<Record<string, string>> {
  const found = await rows<{ ref: string; amounts: string }>(
    t.db,
    sql`SELECT beneficiary_ref AS ref,
          base_amount || ' + ' || arrears_amount || ' = ' || amount AS amounts
        FROM payroll_lines WHERE period_key = ${periodKey} ORDER BY beneficiary_ref`,
  );
  return Object.fromEntries(found.map((l) => [l.ref, l.amounts]));
}

async function arrearsItems(periodKey: string): Promise<string[]> {
  const found = await rows<{ item: string }>(
    t.db,
    sql`SELECT i.beneficiary_ref || ' ' || i.kind || ' ' || i.for_cycle || ' ' || i.amount
          || coalesce(' replaces ' || r.end_to_end_id, '') AS item
        FROM payroll_line_items i
        JOIN payroll_lines l ON l.id = i.payroll_line_id
        LEFT JOIN payroll_lines r ON r.id = i.replaces_line_id
        WHERE l.period_key = ${periodKey} AND i.kind <> 'grant'
        ORDER BY i.beneficiary_ref, i.for_cycle, i.kind`,
  );
  return found.map((i) => i.item);
}

describe('arrears paid with a later cycle', () => {
  it.each([
    [
      '93/94',
      {
        HH0000001: '512.00 + 0.00 = 512.00',
        HH0000002: '608.00 + 0.00 = 608.00',
        HH0000003: '704.00 + 0.00 = 704.00',
        HH0000004: '848.00 + 0.00 = 848.00',
      },
    ],
    [
      '95',
      {
        HH0000002: '304.00 + 0.00 = 304.00',
        HH0000003: '352.00 + 0.00 = 352.00',
        HH0000004: '424.00 + 0.00 = 424.00',
        HH0000005: '256.00 + 512.00 = 768.00',
      },
    ],
    [
      '96',
      {
        HH0000001: '256.00 + 256.00 = 512.00',
        HH0000002: '304.00 + 304.00 = 608.00',
        HH0000003: '352.00 + 0.00 = 352.00',
        HH0000004: '424.00 + 0.00 = 424.00',
        HH0000005: '256.00 + 0.00 = 256.00',
      },
    ],
    [
      '97',
      {
        HH0000001: '320.00 + 64.00 = 384.00',
        HH0000002: '380.00 + 76.00 = 456.00',
        HH0000003: '440.00 + 88.00 = 528.00',
        HH0000004: '530.00 + 0.00 = 530.00',
        HH0000005: '320.00 + 64.00 = 384.00',
      },
    ],
    [
      '98',
      {
        HH0000001: '320.00 + 0.00 = 320.00',
        HH0000002: '380.00 + 0.00 = 380.00',
        HH0000003: '440.00 + 0.00 = 440.00',
        HH0000004: '530.00 + 0.00 = 530.00',
        HH0000005: '320.00 + 0.00 = 320.00',
      },
    ],
  ])('cycle %s pays base + arrears = amount per household', async (key, expected) => {
    expect(await lines(key)).toEqual(expected);
  });

  it.each([
    ['93/94', '2672.00', '0.00'],
    ['95', '1848.00', '512.00'],
    ['96', '2152.00', '560.00'],
    ['97', '2282.00', '292.00'],
    ['98', '1990.00', '0.00'],
  ])('cycle %s totals %s, of which %s arrears', (key, total, arrears) => {
    expect([built[key]?.total.toFixed(2), built[key]?.arrears.toFixed(2)]).toEqual([
      total,
      arrears,
    ]);
  });

  it.each([
    ['95', ['HH0000005 arrears_withheld 93 256.00', 'HH0000005 arrears_withheld 94 256.00']],
    [
      '96',
      [
        'HH0000001 arrears_withheld 95 256.00',
        'HH0000002 repayment 95 304.00 replaces LEAP-95-HH0000002',
      ],
    ],
    [
      '97',
      [
        'HH0000001 top_up 96 64.00',
        'HH0000002 top_up 96 76.00',
        'HH0000003 top_up 96 88.00',
        'HH0000005 top_up 96 64.00',
      ],
    ],
    ['98', []],
  ])('cycle %s itemises its arrears per cycle they belong to', async (key, expected) => {
    expect(await arrearsItems(key)).toEqual(expected);
  });

  it('records a joint hold per cycle it held back', async () => {
    const [hold] = await rows<{ amount_held: string; held_by_cycle: unknown }>(
      t.db,
      sql`SELECT amount_held::text, held_by_cycle FROM cycle_exclusions
          WHERE cycle_id = ${built['93/94']!.cycleId} AND beneficiary_ref = 'HH0000005'`,
    );
    expect(hold).toEqual({ amount_held: '512.00', held_by_cycle: { 93: '256.00', 94: '256.00' } });
  });

  it('keeps every line equal to the sum of its items, base the grants', async () => {
    expect(await unbalancedLines(t.db)).toEqual([]);
  });
});

describe('arrears are paid once, by database rule', () => {
  async function itemInto98(
    ref: string,
    kind: string,
    forCycle: number,
    replaces: string | null = null,
  ) {
    return pgFailure(
      t.db.execute(sql`INSERT INTO payroll_line_items
        (payroll_line_id, beneficiary_ref, kind, for_cycle, amount, replaces_line_id)
        SELECT l.id, ${ref}, ${kind}, ${forCycle}, 1,
          (SELECT id FROM payroll_lines WHERE end_to_end_id = ${replaces})
        FROM payroll_lines l WHERE l.period_key = '98' AND l.beneficiary_ref = ${ref}`),
    );
  }

  it.each([
    [
      'a second repayment of a failed line',
      'HH0000002',
      'repayment',
      95,
      'LEAP-95-HH0000002',
      'payroll_line_items_replaces_uq',
    ],
    [
      'a second release of a hold',
      'HH0000001',
      'arrears_withheld',
      95,
      null,
      'payroll_line_items_entitlement_uq',
    ],
    ['a second top-up', 'HH0000003', 'top_up', 96, null, 'payroll_line_items_top_up_uq'],
  ])('refuses %s', async (_what, ref, kind, forCycle, replaces, index) => {
    const failure = await itemInto98(ref, kind, forCycle, replaces);
    expect(failure.code).toBe('23505');
    expect(failure.message).toContain(index);
  });
});
