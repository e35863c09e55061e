import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { approveCycle } from '../../src/payroll/approve.js';
import { buildLipwPayroll } from '../../src/payroll/build-lipw.js';
import { findCycle } from '../../src/payroll/cycles.js';
import type { BuildResult } from '../../src/payroll/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addSubproject, addWorker, daysBetween } from './fixtures.js';

// The seeded wage rates: 18.15 from 2024-01-01, 19.97 from 2025-03-01.
let t: TestDatabase;
let built: BuildResult;
let northern = 0;
let ahafo = 0;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof SikaError ? err.code : `not a SikaError: ${String(err)}`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  northern = await addSubproject(t.db, 'SP-NR-01-001', 'NR-01');
  ahafo = await addSubproject(t.db, 'SP-AH-02-001', 'AH-02');
  await addWorker(t.db, {
    ref: 'WK0000001',
    subprojectId: northern,
    days: daysBetween('2025-02-24', '2025-03-07'),
  });
  await addWorker(t.db, {
    ref: 'WK0000002',
    subprojectId: ahafo,
    channel: 'momo',
    account: '0551234567',
    days: ['2025-02-20', '2025-02-26', '2025-02-27', '2025-03-08'],
  });
  await addWorker(t.db, { ref: 'WK0000003', subprojectId: northern, days: ['2025-03-10'] });
  await addWorker(t.db, {
    ref: 'WK0000004',
    subprojectId: ahafo,
    days: daysBetween('2025-03-03', '2025-03-05'),
  });
  await addWorker(t.db, { ref: 'WK0000005', subprojectId: ahafo, days: ['2022-06-01'] });

  built = await buildLipwPayroll(t.db, {
    periodStart: '2025-02-24',
    periodEnd: '2025-03-07',
    builtBy: 'akosua.mensah',
  });
});

afterAll(async () => {
  await t.drop();
});

describe('LIPW pay period spanning the wage change of 1 March 2025', () => {
  it('writes one line per worker with attendance in the period, by site then worker', async () => {
    const lines = await rows<{ line_no: number; beneficiary_ref: string }>(
      t.db,
      sql`SELECT line_no, beneficiary_ref FROM payroll_lines
          WHERE cycle_id = ${built.cycleId} ORDER BY line_no`,
    );
    expect(lines).toEqual([
      { line_no: 1, beneficiary_ref: 'WK0000002' },
      { line_no: 2, beneficiary_ref: 'WK0000004' },
      { line_no: 3, beneficiary_ref: 'WK0000001' },
    ]);
  });

  it.each([
    ['WK0000001', 12, '19.97', '230.54', '5 days at 18.15 and 7 at 19.97'],
    ['WK0000002', 2, '18.15', '36.30', '2 days at 18.15, days outside the period unpaid'],
    ['WK0000004', 3, '19.97', '59.91', '3 days at 19.97'],
  ])('pays %s for %i days, last rate %s, amount %s (%s)', async (ref, days, rate, amount) => {
    const [line] = await rows<Record<string, unknown>>(
      t.db,
      sql`SELECT days_worked, daily_rate::text, base_amount::text, amount::text
          FROM payroll_lines WHERE cycle_id = ${built.cycleId} AND beneficiary_ref = ${ref}`,
    );
    expect(line).toEqual({ days_worked: days, daily_rate: rate, base_amount: amount, amount });
  });

  it('totals the cycle to the pesewa', async () => {
    expect(built.lines).toBe(3);
    expect(built.total.toFixed(2)).toBe('326.75');
    expect(built.excluded + built.withheld).toBe(0);
    const cycle = await findCycle(t.db, { programme: 'LIPW', periodKey: '2025-02-24..2025-03-07' });
    expect(cycle).toMatchObject({
      id: built.cycleId,
      cycleNumber: null,
      periodStart: '2025-02-24',
      periodEnd: '2025-03-07',
      status: 'built',
      lineCount: 3,
      totalAmount: '326.75',
    });
  });

  it("copies the worker's details and the site's district onto the line", async () => {
    const [line] = await rows<Record<string, unknown>>(
      t.db,
      sql`SELECT programme, period_key, recipient_name, recipient_pin, region_code,
            district_code, subproject_id, channel, account_number, eligible_members,
            arrears_amount::text, end_to_end_id, status
          FROM payroll_lines WHERE cycle_id = ${built.cycleId} AND beneficiary_ref = 'WK0000002'`,
    );
    expect(line).toEqual({
      programme: 'LIPW',
      period_key: '2025-02-24..2025-03-07',
      recipient_name: 'Worker WK0000002',
      recipient_pin: 'GHA-500000002-2',
      region_code: 'AH',
      district_code: 'AH-02',
      subproject_id: ahafo,
      channel: 'momo',
      account_number: '0551234567',
      eligible_members: null,
      arrears_amount: '0.00',
      end_to_end_id: 'LIPW-20250224-WK0000002',
      status: 'pending',
    });
  });

  it('can be approved and sealed like a LEAP cycle', async () => {
    const approved = await approveCycle(t.db, {
      cycleId: built.cycleId,
      approver: 'kwame.boateng',
    });
    expect(approved.total.toFixed(2)).toBe('326.75');
    expect(approved.controlTotals.byDistrict).toEqual({
      'AH-02': { lines: 2, amount: '96.21' },
      'NR-01': { lines: 1, amount: '230.54' },
    });
  });
});

describe('LIPW periods refused', () => {
  it.each([
    ['the same period again', '2025-02-24', '2025-03-07', 'CYCLE_EXISTS'],
    ['an overlapping period', '2025-03-01', '2025-03-14', 'CYCLE_EXISTS'],
    ['an end before the start', '2025-04-14', '2025-04-01', 'USAGE'],
    ['a date that does not exist', '2025-02-30', '2025-03-14', 'USAGE'],
    ['days worked before any wage rate', '2022-06-01', '2022-06-14', 'USAGE'],
  ])('refuses %s (%s..%s) with %s', async (_what, periodStart, periodEnd, code) => {
    const build = buildLipwPayroll(t.db, { periodStart, periodEnd, builtBy: 'akosua.mensah' });
    expect(await codeOf(build)).toBe(code);
  });

  it('builds an adjacent period with only its own days', async () => {
    const next = await buildLipwPayroll(t.db, {
      periodStart: '2025-03-08',
      periodEnd: '2025-03-21',
      builtBy: 'akosua.mensah',
    });
    expect(next.lines).toBe(2);
    expect(next.total.toFixed(2)).toBe('39.94');
  });
});
