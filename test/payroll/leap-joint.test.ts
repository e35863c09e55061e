import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { rejectCycle } from '../../src/payroll/approve.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { findCycle } from '../../src/payroll/cycles.js';
import { computeSeal } from '../../src/payroll/seal.js';
import { createTestDatabase, pgFailure, type TestDatabase } from '../helpers/database.js';
import {
  addHousehold,
  approveAndSettle,
  eligibleMembers,
  resetData,
  unbalancedLines,
} from './fixtures.js';

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

async function linesOf(cycleId: number) {
  return rows<{ ref: string; base: string; arrears: string; amount: string; e2e: string }>(
    t.db,
    sql`SELECT beneficiary_ref AS ref, base_amount::text AS base, arrears_amount::text AS arrears,
          amount::text AS amount, end_to_end_id AS e2e
        FROM payroll_lines WHERE cycle_id = ${cycleId} ORDER BY line_no`,
  );
}

async function itemsOf(cycleId: number): Promise<string[]> {
  const items = await rows<{ item: string }>(
    t.db,
    sql`SELECT i.beneficiary_ref || ' ' || i.kind || ' ' || i.for_cycle || ' ' || i.amount AS item
        FROM payroll_line_items i JOIN payroll_lines l ON l.id = i.payroll_line_id
        WHERE l.cycle_id = ${cycleId} ORDER BY l.line_no, i.for_cycle, i.kind`,
  );
  return items.map((i) => i.item);
}

async function addThreeHouseholds(): Promise<void> {
  await addHousehold(t.db, { ref: 'HH0000001', members: eligibleMembers(1) });
  await addHousehold(t.db, { ref: 'HH0000002', members: eligibleMembers(2) });
  await addHousehold(t.db, { ref: 'HH0000003', members: eligibleMembers(5) });
}

describe('a joint cycle pays each of its cycles at its own schedule', () => {
  beforeAll(async () => {
    await resetData(t.db);
    await addThreeHouseholds();
  });

  it.each([
    [[94, 95], '94/95', '512.00', '608.00', '848.00', '2024-11-01', '2025-02-28'],
    [[96, 97], '96/97', '576.00', '684.00', '954.00', '2025-03-01', '2025-06-30'],
    [[88, 89], '88/89', '384.00', '456.00', '636.00', '2023-11-01', '2024-02-29'],
    [[100, 101, 102], '100/101/102', '960.00', '1140.00', '1590.00', '2025-11-01', '2026-04-30'],
  ])(
    'cycles %j (period key %s) pay %s / %s / %s for 1 / 2 / 4+ members',
    async (cycles, key, t1, t2, t4, start, end) => {
      const built = await buildLeapCycle(t.db, { cycleNumbers: cycles, builtBy: 'akosua.mensah' });

      expect(built.periodKey).toBe(key);
      expect(
        (await linesOf(built.cycleId)).map((l) => [l.ref, l.base, l.arrears, l.amount]),
      ).toEqual([
        ['HH0000001', t1, '0.00', t1],
        ['HH0000002', t2, '0.00', t2],
        ['HH0000003', t4, '0.00', t4],
      ]);
      expect(await findCycle(t.db, { cycleId: built.cycleId })).toMatchObject({
        cycleNumber: cycles[0],
        periodKey: key,
        periodStart: start,
        periodEnd: end,
      });
    },
  );

  it('itemises a joint line per cycle and keeps every amount the sum of its items', async () => {
    const cycle = await findCycle(t.db, { programme: 'LEAP', periodKey: '96/97' });
    expect(await itemsOf(cycle.id)).toEqual([
      'HH0000001 grant 96 256.00',
      'HH0000001 grant 97 320.00',
      'HH0000002 grant 96 304.00',
      'HH0000002 grant 97 380.00',
      'HH0000003 grant 96 424.00',
      'HH0000003 grant 97 530.00',
    ]);
    expect(await unbalancedLines(t.db)).toEqual([]);
  });

  it('gives a joint line a payment reference naming both cycles', async () => {
    const cycle = await findCycle(t.db, { programme: 'LEAP', periodKey: '94/95' });
    expect((await linesOf(cycle.id)).map((l) => l.e2e)).toEqual([
      'LEAP-94-95-HH0000001',
      'LEAP-94-95-HH0000002',
      'LEAP-94-95-HH0000003',
    ]);
  });

  it('is the same run whether named by cycleNumber and jointWith or by cycleNumbers', async () => {
    const built = await buildLeapCycle(t.db, {
      cycleNumber: 104,
      jointWith: 105,
      builtBy: 'akosua.mensah',
    });
    expect(built.periodKey).toBe('104/105');
    expect(built.total.toFixed(2)).toBe('2460.00');
  });

  it.each([
    ['cycles with a gap', { cycleNumber: 94, jointWith: 96 }],
    ['the same cycle twice', { cycleNumber: 94, jointWith: 94 }],
    ['no cycle', { cycleNumbers: [] }],
    ['seven cycles', { cycleNumbers: [60, 61, 62, 63, 64, 65, 66] }],
  ])('refuses a run of %s with USAGE', async (_what, p) => {
    expect(await codeOf(buildLeapCycle(t.db, { ...p, builtBy: 'akosua.mensah' }))).toBe('USAGE');
  });
});

describe('a cycle paid in a joint cycle is not paid again', () => {
  let jointId = 0;

  beforeAll(async () => {
    await resetData(t.db);
    await addThreeHouseholds();
    jointId = (await buildLeapCycle(t.db, { cycleNumbers: [94, 95], builtBy: 'akosua.mensah' }))
      .cycleId;
    await approveAndSettle(t.db, jointId);
  });

  it.each([
    ['cycle 95 alone', [95]],
    ['cycle 94 alone', [94]],
    ['the joint cycle 95/96', [95, 96]],
    ['the joint cycle 93/94', [93, 94]],
  ])('refuses %s with CYCLE_EXISTS', async (_what, cycles) => {
    expect(
      await codeOf(buildLeapCycle(t.db, { cycleNumbers: cycles, builtBy: 'akosua.mensah' })),
    ).toBe('CYCLE_EXISTS');
  });

  it('builds the next cycle, 96, with its grant only', async () => {
    const built = await buildLeapCycle(t.db, { cycleNumber: 96, builtBy: 'akosua.mensah' });
    expect(built.total.toFixed(2)).toBe('984.00');
    expect(built.arrears.toFixed(2)).toBe('0.00');
  });

  it('refuses, as a database rule, a second grant item for a cycle already paid', async () => {
    const [line] = await rows<{ id: number }>(
      t.db,
      sql`SELECT id FROM payroll_lines WHERE period_key = '96' AND beneficiary_ref = 'HH0000001'`,
    );
    const failure = await pgFailure(
      t.db.execute(sql`INSERT INTO payroll_line_items
        (payroll_line_id, beneficiary_ref, kind, for_cycle, amount)
        VALUES (${line!.id}, 'HH0000001', 'grant', 95, 256)`),
    );
    expect(failure.code).toBe('23505');
    expect(failure.message).toContain('payroll_line_items_entitlement_uq');
  });

  it('seals the joint cycle over its lines and their items', async () => {
    const names = await rows<{ recipient_name: string }>(
      t.db,
      sql`SELECT recipient_name FROM payroll_lines WHERE cycle_id = ${jointId} ORDER BY line_no`,
    );
    const [n1, n2, n3] = names.map((n) => n.recipient_name);
    const canonical =
      `1|HH0000001|LEAP-94-95-HH0000001|${n1}|ezwich|900000001|512.00|` +
      'grant:94:256.00|grant:95:256.00\n' +
      `2|HH0000002|LEAP-94-95-HH0000002|${n2}|ezwich|900000002|608.00|` +
      'grant:94:304.00|grant:95:304.00\n' +
      `3|HH0000003|LEAP-94-95-HH0000003|${n3}|ezwich|900000003|848.00|` +
      'grant:94:424.00|grant:95:424.00\n';
    const seal = createHash('sha256').update(canonical, 'utf8').digest('hex');
    expect((await findCycle(t.db, { cycleId: jointId })).sealSha256).toBe(seal);
    expect(await computeSeal(t.db, jointId)).toBe(seal);
  });

  it.each([
    ['changing an amount', sql`UPDATE payroll_line_items SET amount = amount + 1`],
    ['deleting them', sql`DELETE FROM payroll_line_items`],
  ])('refuses %s on the items of a sealed cycle', async (_what, statement) => {
    const scoped = sql`${statement} WHERE payroll_line_id IN
      (SELECT id FROM payroll_lines WHERE cycle_id = ${jointId})`;
    const failure = await pgFailure(t.db.execute(scoped));
    expect(failure.code).toBe('P0001');
    expect(failure.message).toMatch(/sealed cycle/);
  });

  it('refuses a new item on a line of a sealed cycle', async () => {
    const failure = await pgFailure(
      t.db.execute(sql`INSERT INTO payroll_line_items
        (payroll_line_id, beneficiary_ref, kind, for_cycle, amount)
        SELECT id, beneficiary_ref, 'top_up', 94, 1 FROM payroll_lines
        WHERE cycle_id = ${jointId} AND line_no = 1`),
    );
    expect(failure).toEqual({
      code: 'P0001',
      message: 'line items of a sealed cycle cannot be changed (INSERT)',
    });
  });
});

describe('a rejected joint cycle is replaced by its cycles built apart', () => {
  let jointId = 0;

  beforeAll(async () => {
    await resetData(t.db);
    await addThreeHouseholds();
    jointId = (await buildLeapCycle(t.db, { cycleNumbers: [94, 95], builtBy: 'akosua.mensah' }))
      .cycleId;
    await rejectCycle(t.db, { cycleId: jointId, approver: 'kwame.boateng', reason: 'pay apart' });
  });

  it.each([
    [[94], '94', '984.00'],
    [[95], '95', '984.00'],
  ])('builds cycle %j alone with its own grants', async (cycles, periodKey, total) => {
    const built = await buildLeapCycle(t.db, { cycleNumbers: cycles, builtBy: 'akosua.mensah' });
    expect([built.periodKey, built.lines, built.total.toFixed(2)]).toEqual([periodKey, 3, total]);
  });

  it('removed the rejected joint cycle, audited', async () => {
    expect(await codeOf(findCycle(t.db, { programme: 'LEAP', periodKey: '94/95' }))).toBe(
      'CYCLE_NOT_FOUND',
    );
    const retired = await rows<{ entity_id: string; detail: unknown }>(
      t.db,
      sql`SELECT entity_id, detail FROM audit_events WHERE action = 'cycle.retire'`,
    );
    expect(retired).toEqual([
      {
        entity_id: String(jointId),
        detail: { programme: 'LEAP', periodKey: '94/95', replacedBy: '94' },
      },
    ]);
    const items = await rows<{ for_cycle: number; n: number; total: string }>(
      t.db,
      sql`SELECT for_cycle, count(*)::int AS n, sum(amount)::text AS total
          FROM payroll_line_items GROUP BY for_cycle ORDER BY for_cycle`,
    );
    expect(items).toEqual([
      { for_cycle: 94, n: 3, total: '984.00' },
      { for_cycle: 95, n: 3, total: '984.00' },
    ]);
  });

  it('refuses the joint cycle again once its cycles are built', async () => {
    expect(
      await codeOf(buildLeapCycle(t.db, { cycleNumbers: [94, 95], builtBy: 'akosua.mensah' })),
    ).toBe('CYCLE_EXISTS');
  });
});
