import { sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { toAmountString } from '../money.js';
import { requireBuilder } from './authorise.js';
import { claimCycle, finishBuild, lockProgramme, tuneForBuild } from './build-cycle.js';
import { defaultSeasonStart, lipwEvaluation } from './lipw-rules.js';
import type { BuildResult } from './types.js';

const log = logger('payroll');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

export interface LipwBuildParams {
  periodStart: string;
  periodEnd: string;
  builtBy: string;
  /** Days a worker may be paid for in one season (90). */
  maxDaysPerSeason?: number;
  /** First day of the season; by default the 1 October on or before periodStart. */
  seasonStart?: string;
}

/** Days a worker may be paid for in a season unless the build says otherwise. */
export const DEFAULT_MAX_DAYS_PER_SEASON = 90;

/**
 * Builds the LIPW payroll for one pay period: one line per worker with attendance in it, paying
 * each day attended at the daily rate in force on that day. Attendance outside the period or
 * after the worker's exit is not paid, nor days over the season's cap; a second worker of a
 * household in the same season is withheld. The line's daily_rate is the rate of the worker's
 * last day paid; amount is the exact sum over the days, so a period spanning a rate change pays
 * each day at its own rate.
 */
export async function buildLipwPayroll(db: Db, p: LipwBuildParams): Promise<BuildResult> {
  const started = Date.now();
  if (!validDate(p.periodStart) || !validDate(p.periodEnd) || p.periodStart > p.periodEnd) {
    throw new SikaError('USAGE', 'a pay period needs two ISO dates, the first not after the last', {
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
    });
  }
  const seasonStart = p.seasonStart ?? defaultSeasonStart(p.periodStart);
  const maxDaysPerSeason = p.maxDaysPerSeason ?? DEFAULT_MAX_DAYS_PER_SEASON;
  if (!validDate(seasonStart) || seasonStart > p.periodStart) {
    throw new SikaError('USAGE', 'the season must start on or before the pay period', {
      seasonStart,
    });
  }
  if (!Number.isInteger(maxDaysPerSeason) || maxDaysPerSeason < 1) {
    throw new SikaError('USAGE', 'maxDaysPerSeason must be at least 1');
  }
  const periodKey = `${p.periodStart}..${p.periodEnd}`;
  const refDay = p.periodStart.replaceAll('-', '');
  await requireBuilder(db, p.builtBy);

  const result = await db.transaction(async (tx) => {
    await lockProgramme(tx, 'LIPW');

    // Limitation: pay periods may not overlap, even for different sites; staggered site periods
    // would need the check to work per sub-project and day instead.
    const [overlap] = await rows<{ id: number; period_key: string }>(
      tx,
      sql`SELECT id, period_key FROM cycles
          WHERE programme = 'LIPW' AND period_key <> ${periodKey}
            AND period_start <= ${p.periodEnd}::date AND period_end >= ${p.periodStart}::date
          LIMIT 1`,
    );
    if (overlap) {
      throw new SikaError('CYCLE_EXISTS', 'the pay period overlaps another LIPW cycle', {
        cycleId: overlap.id,
        periodKey: overlap.period_key,
      });
    }

    const [unrated] = await rows<{ work_date: string }>(
      tx,
      sql`SELECT min(a.work_date)::text AS work_date FROM lipw_attendance a
          WHERE a.work_date BETWEEN ${p.periodStart}::date AND ${p.periodEnd}::date
            AND NOT EXISTS (SELECT 1 FROM wage_rates w WHERE w.effective_from <= a.work_date)
          HAVING count(*) > 0`,
    );
    if (unrated) {
      throw new SikaError('USAGE', 'no wage rate is in force for a day worked', {
        workDate: unrated.work_date,
      });
    }

    await tuneForBuild(tx);
    const { cycleId, rebuilt } = await claimCycle(tx, {
      programme: 'LIPW',
      cycleNumber: null,
      periodKey,
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
      builtBy: p.builtBy,
    });

    await tx.execute(sql`
      WITH ${lipwEvaluation({ cycleId, periodStart: p.periodStart, periodEnd: p.periodEnd, seasonStart, maxDaysPerSeason })},
      exited AS (
        INSERT INTO cycle_exclusions (cycle_id, beneficiary_ref, kind, reason_code, detail)
        SELECT ${cycleId}, w.worker_ref, 'excluded', 'AFTER_EXIT',
          x.days || ' day(s) after exit on ' || w.exited_on::text
        FROM after_exit x JOIN lipw_workers w ON w.id = x.worker_id
        RETURNING 1
      ),
      capped AS (
        INSERT INTO cycle_exclusions (cycle_id, beneficiary_ref, kind, reason_code, detail)
        SELECT ${cycleId}, w.worker_ref, 'excluded', 'SEASON_DAYS_CAP',
          x.days || ' day(s) over the cap of ' || ${maxDaysPerSeason}::int || ' a season'
        FROM over_cap x JOIN lipw_workers w ON w.id = x.worker_id
        RETURNING 1
      ),
      second_worker AS (
        INSERT INTO cycle_exclusions
          (cycle_id, beneficiary_ref, kind, reason_code, amount_held, detail)
        SELECT ${cycleId}, worker_ref, 'withheld', 'ONE_WORKER_PER_HOUSEHOLD', amount,
          'household paid through ' || household_worker
        FROM decided WHERE worker_ref <> household_worker
        RETURNING 1
      )
      -- A line belongs to the worker's registered sub-project, even for days logged at another.
      INSERT INTO payroll_lines
        (cycle_id, line_no, programme, period_key, beneficiary_ref, worker_id, subproject_id,
         recipient_name, recipient_pin, region_code, district_code, channel, account_number,
         days_worked, daily_rate, base_amount, arrears_amount, amount, end_to_end_id, status)
      SELECT ${cycleId},
        row_number() OVER (ORDER BY sp.code COLLATE "C", w.worker_ref COLLATE "C"),
        'LIPW', ${periodKey}, w.worker_ref, w.id, sp.id,
        w.full_name, w.ghana_card_pin, d.region_code, d.code, w.channel, w.account_number,
        pw.days_worked, pw.last_rate, pw.amount, 0, pw.amount,
        'LIPW-' || ${refDay}::text || '-' || w.worker_ref,
        'pending'
      FROM decided pw
      JOIN lipw_workers w ON w.id = pw.worker_id
      JOIN lipw_subprojects sp ON sp.id = w.subproject_id
      JOIN districts d ON d.code = sp.district_code
      WHERE pw.worker_ref = pw.household_worker`);

    const built = await finishBuild(tx, cycleId, 'LIPW', periodKey);
    await appendAudit(tx, {
      actor: p.builtBy,
      action: 'cycle.build',
      entity: 'cycle',
      entityId: cycleId,
      detail: {
        programme: 'LIPW',
        periodKey,
        rebuilt,
        lines: String(built.lines),
        total: toAmountString(built.total),
        excluded: String(built.excluded),
        withheld: String(built.withheld),
      },
    });
    return built;
  });

  log.info(
    { cycleId: result.cycleId, periodKey, lines: result.lines, duration_ms: Date.now() - started },
    'lipw payroll built',
  );
  return result;
}
