import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import { precheckCycle, type Count } from '../../src/payroll/precheck.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addHousehold, approveAndSettle, eligibleMembers } from './fixtures.js';

/**
 * Cycle 105 pays HH1 (NR-01, 320), HH2 (NR-01, 380) and HH3 (UE-04, 440) and withholds HH6.
 * Before 106: HH3 exits, HH2 gains a member (440), HH4 (UE-04, 530) and HH5 (NR-01, 320, on
 * HH1's wallet) join, HH6 (NR-02) is released with its 105 grant: 320 + 320.
 */
let t: TestDatabase;
let previousId = 0;
let currentId = 0;

const c = (households: number, amount: string) => ({ households, amount });
const plain = (x: Count) => c(x.households, x.amount.toFixed(2));

beforeAll(async () => {
  t = await createTestDatabase();
  const wallet = { channel: 'momo', account: '0241234567' };
  await addHousehold(t.db, { ref: 'HH0000001', instrument: wallet });
  await addHousehold(t.db, { ref: 'HH0000002', members: eligibleMembers(2) });
  await addHousehold(t.db, { ref: 'HH0000003', district: 'UE-04', members: eligibleMembers(3) });
  await addHousehold(t.db, {
    ref: 'HH0000006',
    district: 'NR-02',
    instrument: { verified: false },
  });
  previousId = (await buildLeapCycle(t.db, { cycleNumber: 105, builtBy: 'akosua.mensah' })).cycleId;
  await approveAndSettle(t.db, previousId);

  await t.db.execute(sql`UPDATE enrolments SET status = 'exited' WHERE household_id =
    (SELECT id FROM households WHERE household_ref = 'HH0000003')`);
  await t.db.execute(sql`INSERT INTO members (member_ref, household_id, full_name, sex,
      date_of_birth, category, role)
    SELECT 'MB90000001', id, 'New child', 'M', '2025-01-01', 'ovc', 'member'
    FROM households WHERE household_ref = 'HH0000002'`);
  await t.db.execute(sql`UPDATE payment_instruments SET verified = true`);
  await addHousehold(t.db, { ref: 'HH0000004', district: 'UE-04', members: eligibleMembers(4) });
  await addHousehold(t.db, { ref: 'HH0000005', instrument: wallet });
  currentId = (await buildLeapCycle(t.db, { cycleNumber: 106, builtBy: 'akosua.mensah' })).cycleId;
});

afterAll(async () => {
  await t.drop();
});

describe('variance against the previous cycle', () => {
  it('compares cycle 106 with cycle 105 in totals', async () => {
    const check = await precheckCycle(t.db, currentId);
    const v = check.variance;

    expect(check.previousCycleId).toBe(previousId);
    expect({
      previous: plain(v.previous),
      current: plain(v.current),
      new: plain(v.new),
      dropped: plain(v.dropped),
      changed: plain(v.changed),
    }).toEqual({
      previous: c(3, '1140.00'),
      current: c(5, '2250.00'),
      new: c(3, '1490.00'),
      dropped: c(1, '440.00'),
      changed: c(1, '60.00'),
    });
  });

  it('breaks the variance down by district', async () => {
    const { byDistrict } = (await precheckCycle(t.db, currentId)).variance;
    expect(
      byDistrict.map((d) => [
        d.districtCode,
        plain(d.previous),
        plain(d.current),
        plain(d.new),
        plain(d.dropped),
        plain(d.changed),
      ]),
    ).toEqual([
      ['NR-01', c(2, '700.00'), c(3, '1080.00'), c(1, '320.00'), c(0, '0.00'), c(1, '60.00')],
      ['NR-02', c(0, '0.00'), c(1, '640.00'), c(1, '640.00'), c(0, '0.00'), c(0, '0.00')],
      ['UE-04', c(1, '440.00'), c(1, '530.00'), c(1, '530.00'), c(1, '440.00'), c(0, '0.00')],
    ]);
  });

  it('has no previous cycle for the first cycle: everything is new', async () => {
    const check = await precheckCycle(t.db, previousId);
    expect(check.previousCycleId).toBeNull();
    expect([plain(check.variance.new), plain(check.variance.dropped)]).toEqual([
      c(3, '1140.00'),
      c(0, '0.00'),
    ]);
  });
});

describe('instruments and outliers', () => {
  it('lists a wallet paid on two lines, masked', async () => {
    expect((await precheckCycle(t.db, currentId)).sharedInstruments).toEqual({
      count: 1,
      listed: [
        { channel: 'momo', maskedAccount: '****4567', beneficiaryRefs: ['HH0000001', 'HH0000005'] },
      ],
    });
  });

  it.each([
    [0, '530.00', [['HH0000006', '640.00']]],
    [1, '1060.00', []],
    [undefined, '2120.00', []],
  ])(
    'with %s cycles of arrears allowed, flags lines above %s',
    async (outlierCycles, threshold, listed) => {
      const { outliers } = await precheckCycle(t.db, currentId, { outlierCycles });
      expect({
        threshold: outliers.threshold.toFixed(2),
        count: outliers.count,
        listed: outliers.listed.map((o) => [o.beneficiaryRef, o.amount.toFixed(2)]),
      }).toEqual({ threshold, count: listed.length, listed });
    },
  );
});
