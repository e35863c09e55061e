import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { approveCycle } from '../../src/payroll/approve.js';
import { buildLipwPayroll, type LipwBuildParams } from '../../src/payroll/build-lipw.js';
import { defaultSeasonStart } from '../../src/payroll/lipw-rules.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addSubproject, addWorker, daysBetween, resetData } from './fixtures.js';

// Every day here is in February 2025, paid at the seeded 18.15 a day.
let t: TestDatabase;
let site = 0;

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

async function build(from: string, to: string, extra: Partial<LipwBuildParams> = {}) {
  const built = await buildLipwPayroll(t.db, {
    periodStart: from,
    periodEnd: to,
    builtBy: 'akosua.mensah',
    ...extra,
  });
  await approveCycle(t.db, { cycleId: built.cycleId, approver: 'kwame.boateng' });
  const lines = await rows<{ ref: string; days: number; amount: string }>(
    t.db,
    sql`SELECT beneficiary_ref AS ref, days_worked AS days, amount::text AS amount
        FROM payroll_lines WHERE cycle_id = ${built.cycleId} ORDER BY line_no`,
  );
  const left = await rows<{
    ref: string;
    kind: string;
    code: string;
    held: string;
    detail: string;
  }>(
    t.db,
    sql`SELECT beneficiary_ref AS ref, kind, reason_code AS code, amount_held::text AS held, detail
        FROM cycle_exclusions WHERE cycle_id = ${built.cycleId}
        ORDER BY beneficiary_ref, reason_code`,
  );
  return { built, lines, left };
}

describe('the days cap per season', () => {
  beforeAll(async () => {
    await resetData(t.db);
    site = await addSubproject(t.db, 'SP-NR-01-001', 'NR-01');
    await addWorker(t.db, {
      ref: 'WK0000001',
      subprojectId: site,
      days: daysBetween('2025-02-03', '2025-02-19'),
    });
  });

  it.each([
    ['2025-02-03', '2025-02-09', 7, '127.05', null],
    ['2025-02-10', '2025-02-16', 3, '54.45', '4 day(s) over the cap of 10 a season'],
    ['2025-02-17', '2025-02-18', null, null, '2 day(s) over the cap of 10 a season'],
  ])('period %s..%s pays %s days (%s) of a 10-day cap', async (from, to, days, amount, detail) => {
    const { lines, left } = await build(from, to, { maxDaysPerSeason: 10 });
    expect(lines).toEqual(days ? [{ ref: 'WK0000001', days, amount }] : []);
    expect(left).toEqual(
      detail
        ? [{ ref: 'WK0000001', kind: 'excluded', code: 'SEASON_DAYS_CAP', held: '0.00', detail }]
        : [],
    );
  });

  it('counts again from a new season', async () => {
    const { lines } = await build('2025-02-19', '2025-02-19', {
      maxDaysPerSeason: 10,
      seasonStart: '2025-02-19',
    });
    expect(lines).toEqual([{ ref: 'WK0000001', days: 1, amount: '18.15' }]);
  });

  it.each([
    ['2025-02-24', '2024-10-01'],
    ['2025-10-06', '2025-10-01'],
    ['2025-09-30', '2024-10-01'],
  ])('puts a period starting %s in the season from %s by default', (start, season) => {
    expect(defaultSeasonStart(start)).toBe(season);
  });

  it.each([
    ['a season starting after the period', { seasonStart: '2025-03-01' }],
    ['a cap of zero days', { maxDaysPerSeason: 0 }],
  ])('refuses %s with USAGE', async (_what, extra) => {
    expect(
      await codeOf(
        buildLipwPayroll(t.db, {
          periodStart: '2025-02-24',
          periodEnd: '2025-02-28',
          builtBy: 'akosua.mensah',
          ...extra,
        }),
      ),
    ).toBe('USAGE');
  });
});

describe('exit dates', () => {
  it('pays no day after the exit, and records the days left out', async () => {
    await resetData(t.db);
    site = await addSubproject(t.db, 'SP-NR-01-001', 'NR-01');
    const days = daysBetween('2025-02-10', '2025-02-14');
    await addWorker(t.db, { ref: 'WK0000001', subprojectId: site, days, exitedOn: '2025-02-12' });
    await addWorker(t.db, { ref: 'WK0000002', subprojectId: site, days, exitedOn: '2025-02-01' });
    await addWorker(t.db, { ref: 'WK0000003', subprojectId: site, days, exitedOn: '2025-02-14' });

    const { lines, left, built } = await build('2025-02-10', '2025-02-14');

    expect(lines).toEqual([
      { ref: 'WK0000001', days: 3, amount: '54.45' },
      { ref: 'WK0000003', days: 5, amount: '90.75' },
    ]);
    expect(left).toEqual([
      {
        ref: 'WK0000001',
        kind: 'excluded',
        code: 'AFTER_EXIT',
        held: '0.00',
        detail: '2 day(s) after exit on 2025-02-12',
      },
      {
        ref: 'WK0000002',
        kind: 'excluded',
        code: 'AFTER_EXIT',
        held: '0.00',
        detail: '5 day(s) after exit on 2025-02-01',
      },
    ]);
    expect(built.total.toFixed(2)).toBe('145.20');
  });
});

describe('one worker per household per season', () => {
  beforeAll(async () => {
    await resetData(t.db);
    site = await addSubproject(t.db, 'SP-NR-01-001', 'NR-01');
    const days = daysBetween('2025-02-03', '2025-02-05');
    for (const ref of ['WK0000002', 'WK0000001']) {
      await addWorker(t.db, { ref, subprojectId: site, days, household: 'HH0000100' });
    }
    await addWorker(t.db, { ref: 'WK0000003', subprojectId: site, days: ['2025-02-10'] });
    await t.db.execute(sql`INSERT INTO lipw_attendance (worker_id, subproject_id, work_date)
      SELECT id, subproject_id, '2025-02-11' FROM lipw_workers WHERE worker_ref = 'WK0000002'`);
  });

  it('pays the first worker of the household and withholds the second', async () => {
    const { lines, left } = await build('2025-02-03', '2025-02-09');
    expect(lines).toEqual([{ ref: 'WK0000001', days: 3, amount: '54.45' }]);
    expect(left).toEqual([
      {
        ref: 'WK0000002',
        kind: 'withheld',
        code: 'ONE_WORKER_PER_HOUSEHOLD',
        held: '54.45',
        detail: 'household paid through WK0000001',
      },
    ]);
  });

  it('keeps the household with its worker for the rest of the season', async () => {
    const { lines, left } = await build('2025-02-10', '2025-02-16');
    expect(lines).toEqual([{ ref: 'WK0000003', days: 1, amount: '18.15' }]);
    expect(left.map((l) => [l.ref, l.code, l.held])).toEqual([
      ['WK0000002', 'ONE_WORKER_PER_HOUSEHOLD', '18.15'],
    ]);
  });
});
