import { sql, type SQL } from 'drizzle-orm';

/**
 * The LIPW payment rules as SQL common table expressions: days attended in the pay period, less
 * days after the worker's exit and days over the season's cap, paid at the rate in force on each
 * day; one worker per household per season.
 */

/** Reasons a worker, or some of a worker's days, are not paid. */
export const LIPW_REASONS = [
  { code: 'AFTER_EXIT', kind: 'excluded' },
  { code: 'SEASON_DAYS_CAP', kind: 'excluded' },
  { code: 'ONE_WORKER_PER_HOUSEHOLD', kind: 'withheld' },
] as const;

export interface LipwRuleParams {
  cycleId: number;
  periodStart: string;
  periodEnd: string;
  /** First day of the season the period belongs to. */
  seasonStart: string;
  /** Days a worker may be paid for in one season. */
  maxDaysPerSeason: number;
}

/**
 * The season of a pay period when none is given: the twelve months from the 1 October on or
 * before its first day, so one dry-season campaign (October to April) is one season.
 */
export function defaultSeasonStart(periodStart: string): string {
  const year = Number(periodStart.slice(0, 4));
  const month = Number(periodStart.slice(5, 7));
  return `${month >= 10 ? year : year - 1}-10-01`;
}

/**
 * Ends in `per_worker` (worker_id, days_worked, amount, last_rate), `decided` (per_worker with
 * worker_ref, household_ref and household_worker: the one worker of the household paid this
 * season), `after_exit` and `over_cap` (worker_id, days).
 */
export function lipwEvaluation(p: LipwRuleParams): SQL {
  // Earlier, non-rejected pay periods of the same season.
  const earlierInSeason = sql`c.programme = 'LIPW' AND c.status <> 'draft' AND c.id <> ${p.cycleId}
    AND c.period_start >= ${p.seasonStart}::date AND c.period_end < ${p.periodStart}::date`;
  return sql`
  rates AS (
    SELECT effective_from,
      lead(effective_from) OVER (ORDER BY effective_from) AS until, daily_rate
    FROM wage_rates
  ),
  attended AS (
    SELECT a.worker_id, a.work_date, r.daily_rate,
      (w.exited_on IS NOT NULL AND a.work_date > w.exited_on) AS after_exit
    FROM lipw_attendance a
    JOIN lipw_workers w ON w.id = a.worker_id
    JOIN rates r ON a.work_date >= r.effective_from
      AND (r.until IS NULL OR a.work_date < r.until)
    WHERE a.work_date BETWEEN ${p.periodStart}::date AND ${p.periodEnd}::date
  ),
  prior_days AS (
    SELECT l.worker_id, sum(l.days_worked)::int AS days
    FROM payroll_lines l JOIN cycles c ON c.id = l.cycle_id
    WHERE ${earlierInSeason}
    GROUP BY l.worker_id
  ),
  -- Days count towards the cap in date order: the earliest days of the period are paid.
  ranked AS (
    SELECT d.worker_id, d.work_date, d.daily_rate,
      coalesce(pd.days, 0) + row_number() OVER (PARTITION BY d.worker_id ORDER BY d.work_date)
        AS season_day
    FROM attended d LEFT JOIN prior_days pd ON pd.worker_id = d.worker_id
    WHERE NOT d.after_exit
  ),
  after_exit AS (
    SELECT worker_id, count(*)::int AS days FROM attended WHERE after_exit GROUP BY worker_id
  ),
  over_cap AS (
    SELECT worker_id, count(*)::int AS days FROM ranked
    WHERE season_day > ${p.maxDaysPerSeason} GROUP BY worker_id
  ),
  per_worker AS (
    SELECT worker_id, count(*)::int AS days_worked, sum(daily_rate) AS amount,
      (array_agg(daily_rate ORDER BY work_date DESC))[1] AS last_rate
    FROM ranked WHERE season_day <= ${p.maxDaysPerSeason} GROUP BY worker_id
  ),
  -- The worker a household already had paid this season keeps the place; otherwise the first
  -- by worker reference.
  -- Limitation: a withheld second worker's wages are recorded (amount_held) but never paid
  -- later; the household's worker can only be changed by a new season.
  season_worker AS (
    SELECT DISTINCT ON (w.household_ref) w.household_ref, w.worker_ref
    FROM payroll_lines l
    JOIN cycles c ON c.id = l.cycle_id
    JOIN lipw_workers w ON w.id = l.worker_id
    WHERE ${earlierInSeason}
    ORDER BY w.household_ref, c.period_start, w.worker_ref COLLATE "C"
  ),
  decided AS (
    SELECT pw.*, w.worker_ref, w.household_ref,
      coalesce(sw.worker_ref,
               min(w.worker_ref COLLATE "C") OVER (PARTITION BY w.household_ref))
        AS household_worker
    FROM per_worker pw
    JOIN lipw_workers w ON w.id = pw.worker_id
    LEFT JOIN season_worker sw ON sw.household_ref = w.household_ref
  )`;
}
