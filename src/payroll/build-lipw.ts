import { sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { toAmountString } from '../money.js';
import { requireBuilder } from './authorise.js';
import { claimCycle, finishBuild, lockProgramme, tuneForBuild } from './build-cycle.js';
import type { BuildResult } from './types.js';

const log = logger('payroll');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

/**
 * Builds the LIPW payroll for one pay period: one line per worker with attendance in it, paying
 * each day attended at the daily rate in force on that day. Attendance outside the period is not
 * paid. The line's daily_rate is the rate of the worker's last day in the period; amount is the
 * exact sum over the days, so a period spanning a rate change pays each day at its own rate.
 */
export async function buildLipwPayroll(
  db: Db,
  p: { periodStart: string; periodEnd: string; builtBy: string },
): Promise<BuildResult> {
  const started = Date.now();
  if (!validDate(p.periodStart) || !validDate(p.periodEnd) || p.periodStart > p.periodEnd) {
    throw new SikaError('USAGE', 'a pay period needs two ISO dates, the first not after the last', {
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
    });
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
      WITH rates AS (
        SELECT effective_from,
          lead(effective_from) OVER (ORDER BY effective_from) AS until, daily_rate
        FROM wage_rates
      ),
      days AS (
        SELECT a.worker_id, a.work_date, r.daily_rate
        FROM lipw_attendance a
        JOIN rates r ON a.work_date >= r.effective_from
          AND (r.until IS NULL OR a.work_date < r.until)
        WHERE a.work_date BETWEEN ${p.periodStart}::date AND ${p.periodEnd}::date
      ),
      per_worker AS (
        SELECT worker_id, count(*)::int AS days_worked, sum(daily_rate) AS amount,
          (array_agg(daily_rate ORDER BY work_date DESC))[1] AS last_rate
        FROM days GROUP BY worker_id
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
      FROM per_worker pw
      JOIN lipw_workers w ON w.id = pw.worker_id
      JOIN lipw_subprojects sp ON sp.id = w.subproject_id
      JOIN districts d ON d.code = sp.district_code`);

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
