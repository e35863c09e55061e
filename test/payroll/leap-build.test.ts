import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { findCycle, listCycles } from '../../src/payroll/cycles.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addHousehold, eligibleMembers, resetData } from './fixtures.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function amountsByHousehold(cycleId: number): Promise<Record<string, string>> {
  const lines = await rows<{ beneficiary_ref: string; amount: string }>(
    t.db,
    sql`SELECT beneficiary_ref, amount::text AS amount FROM payroll_lines
        WHERE cycle_id = ${cycleId} ORDER BY beneficiary_ref`,
  );
  return Object.fromEntries(lines.map((l) => [l.beneficiary_ref, l.amount]));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof SikaError ? err.code : `not a SikaError: ${String(err)}`;
}

describe('grant by tier and schedule', () => {
  beforeAll(async () => {
    await resetData(t.db);
    // Enrolled before cycle 39 (September 2015), the oldest cycle built here.
    const enrolledOn = '2015-01-15';
    for (let n = 1; n <= 5; n++) {
      await addHousehold(t.db, { ref: `HH000000${n}`, members: eligibleMembers(n), enrolledOn });
    }
    // Members outside the eligible categories do not raise the tier.
    await addHousehold(t.db, {
      ref: 'HH0000006',
      enrolledOn,
      members: [...eligibleMembers(2), { category: 'none' }, { category: 'none' }],
    });
  });

  it.each([
    [106, '320.00', '380.00', '440.00', '530.00', '2580.00'],
    [97, '320.00', '380.00', '440.00', '530.00', '2580.00'],
    // 96 is paid at its own rates; the cycle-97 schedule's difference comes as a top-up in 97.
    [96, '256.00', '304.00', '352.00', '424.00', '2064.00'],
    [90, '256.00', '304.00', '352.00', '424.00', '2064.00'],
    [89, '256.00', '304.00', '352.00', '424.00', '2064.00'],
    [88, '128.00', '152.00', '176.00', '212.00', '1032.00'],
    [83, '128.00', '152.00', '176.00', '212.00', '1032.00'],
    [82, '64.00', '76.00', '88.00', '106.00', '516.00'],
    [39, '64.00', '76.00', '88.00', '106.00', '516.00'],
  ])(
    'cycle %i pays %s / %s / %s / %s for 1 / 2 / 3 / 4+ eligible members',
    async (cycle, t1, t2, t3, t4, total) => {
      const result = await buildLeapCycle(t.db, { cycleNumber: cycle, builtBy: 'akosua.mensah' });

      expect(await amountsByHousehold(result.cycleId)).toEqual({
        HH0000001: t1,
        HH0000002: t2,
        HH0000003: t3,
        HH0000004: t4,
        HH0000005: t4,
        HH0000006: t2,
      });
      expect(result.lines).toBe(6);
      expect(result.total.toFixed(2)).toBe(total);
      expect(result.excluded + result.withheld).toBe(0);
    },
  );

  it('refuses a cycle before any grant schedule was in force', async () => {
    expect(await codeOf(buildLeapCycle(t.db, { cycleNumber: 38, builtBy: 'akosua.mensah' }))).toBe(
      'USAGE',
    );
    expect(await codeOf(findCycle(t.db, { programme: 'LEAP', periodKey: '38' }))).toBe(
      'CYCLE_NOT_FOUND',
    );
  });
});

describe('payroll lines of a small cycle', () => {
  let cycleId = 0;

  beforeAll(async () => {
    await resetData(t.db);
    await addHousehold(t.db, {
      ref: 'HH0000010',
      district: 'UE-04',
      members: [
        { category: 'elderly', role: 'caregiver', name: 'Ama Ɔforiwaa', pin: 'GHA-100000010-1' },
        { category: 'ovc' },
      ],
      instrument: { channel: 'momo', account: '0241234567' },
    });
    await addHousehold(t.db, {
      ref: 'HH0000011',
      district: 'AH-02',
      members: eligibleMembers(1),
      instrument: { channel: 'bank', account: '1001234567', sortCode: '030100' },
    });
    await addHousehold(t.db, { ref: 'HH0000012', district: 'AH-01', members: eligibleMembers(3) });
    await addHousehold(t.db, { ref: 'HH0000009', district: 'AH-02', members: eligibleMembers(4) });
    cycleId = (await buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' })).cycleId;
  });

  it('numbers the lines by region, district and household', async () => {
    const lines = await rows<{ line_no: number; beneficiary_ref: string; amount: string }>(
      t.db,
      sql`SELECT line_no, beneficiary_ref, amount::text AS amount FROM payroll_lines
          WHERE cycle_id = ${cycleId} ORDER BY line_no`,
    );
    expect(lines).toEqual([
      { line_no: 1, beneficiary_ref: 'HH0000012', amount: '440.00' },
      { line_no: 2, beneficiary_ref: 'HH0000009', amount: '530.00' },
      { line_no: 3, beneficiary_ref: 'HH0000011', amount: '320.00' },
      { line_no: 4, beneficiary_ref: 'HH0000010', amount: '380.00' },
    ]);
  });

  it('stores the line count and total on the cycle', async () => {
    const cycle = await findCycle(t.db, { cycleId });
    expect(cycle).toMatchObject({
      programme: 'LEAP',
      cycleNumber: 106,
      periodKey: '106',
      periodStart: '2026-11-01',
      periodEnd: '2026-12-31',
      status: 'built',
      builtBy: 'akosua.mensah',
      lineCount: 4,
      totalAmount: '1670.00',
      sealSha256: null,
    });
    expect((await listCycles(t.db)).map((c) => c.id)).toEqual([cycleId]);
  });

  it('copies recipient, place and instrument onto the line', async () => {
    const [line] = await rows<Record<string, unknown>>(
      t.db,
      sql`SELECT programme, period_key, recipient_name, recipient_pin, region_code, district_code,
            channel, account_number, bank_sort_code, eligible_members, base_amount::text,
            arrears_amount::text, amount::text, end_to_end_id, status
          FROM payroll_lines WHERE cycle_id = ${cycleId} AND beneficiary_ref = 'HH0000010'`,
    );
    expect(line).toEqual({
      programme: 'LEAP',
      period_key: '106',
      recipient_name: 'Ama Ɔforiwaa',
      recipient_pin: 'GHA-100000010-1',
      region_code: 'UE',
      district_code: 'UE-04',
      channel: 'momo',
      account_number: '0241234567',
      bank_sort_code: null,
      eligible_members: 2,
      base_amount: '380.00',
      arrears_amount: '0.00',
      amount: '380.00',
      end_to_end_id: 'LEAP-106-HH0000010',
      status: 'pending',
    });
  });

  it('keeps the bank sort code of a bank instrument', async () => {
    const [line] = await rows<{ bank_sort_code: string }>(
      t.db,
      sql`SELECT bank_sort_code FROM payroll_lines
          WHERE cycle_id = ${cycleId} AND beneficiary_ref = 'HH0000011'`,
    );
    expect(line?.bank_sort_code).toBe('030100');
  });

  it('writes one audit event with counts and total as strings', async () => {
    const events = await rows<{ actor: string; entity_id: string; detail: unknown }>(
      t.db,
      sql`SELECT actor, entity_id, detail FROM audit_events WHERE action = 'cycle.build'
          AND entity_id = ${String(cycleId)} ORDER BY id DESC LIMIT 1`,
    );
    expect(events[0]).toEqual({
      actor: 'akosua.mensah',
      entity_id: String(cycleId),
      detail: {
        programme: 'LEAP',
        periodKey: '106',
        rebuilt: false,
        lines: '4',
        total: '1670.00',
        excluded: '0',
        withheld: '0',
      },
    });
  });

  it('refuses to build a cycle that is already built', async () => {
    expect(await codeOf(buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'admin' }))).toBe(
      'CYCLE_EXISTS',
    );
  });

  it.each([
    ['an approver', 'kwame.boateng', 'ROLE_NOT_ALLOWED'],
    ['a finance officer', 'efua.owusu', 'ROLE_NOT_ALLOWED'],
    ['an auditor', 'yaw.darko', 'ROLE_NOT_ALLOWED'],
    ['an unknown user', 'ghost', 'UNKNOWN_USER'],
  ])('refuses a build by %s with %s', async (_who, user, code) => {
    expect(await codeOf(buildLeapCycle(t.db, { cycleNumber: 105, builtBy: user }))).toBe(code);
  });

  it('lets an administrator build', async () => {
    const result = await buildLeapCycle(t.db, { cycleNumber: 105, builtBy: 'admin' });
    expect(result.lines).toBe(4);
  });
});

describe('payment references', () => {
  it.each([
    ['a space', 'HH 000001'],
    ['a reference too long for 35 characters', 'HH00000010000000000000000000'],
  ])('refuses the whole build when a household reference holds %s', async (_what, ref) => {
    await resetData(t.db);
    await addHousehold(t.db, { ref: 'HH0000001' });
    await addHousehold(t.db, { ref });

    expect(await codeOf(buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' }))).toBe(
      'PAYMENT_FILE_INVALID',
    );
    expect(await listCycles(t.db)).toEqual([]);
  });
});
