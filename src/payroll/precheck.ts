import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { money, ZERO, type Money } from '../money.js';
import { findCycle } from './cycles.js';
import { cycleArray, scheduleFor } from './leap-rules.js';

/** Households (or workers) and their amount. */
export interface Count {
  households: number;
  amount: Money;
}

export interface DistrictVariance {
  districtCode: string;
  previous: Count;
  current: Count;
  /** Paid now, not in the previous cycle (amount paid now). */
  new: Count;
  /** In the previous cycle, not paid now (amount paid then). */
  dropped: Count;
  /** In both, with a different amount (amount: now minus then). */
  changed: Count;
}

export interface SharedInstrument {
  channel: string;
  /** Only the last four characters: the approver needs to see the pattern, not the account. */
  maskedAccount: string;
  beneficiaryRefs: string[];
}

export interface PrecheckResult {
  cycleId: number;
  previousCycleId: number | null;
  variance: {
    previous: Count;
    current: Count;
    new: Count;
    dropped: Count;
    changed: Count;
    byDistrict: DistrictVariance[];
  };
  /** Instruments paid on more than one line of the cycle; at most `listLimit` listed. */
  sharedInstruments: { count: number; listed: SharedInstrument[] };
  /** Lines above the threshold, largest first; at most `listLimit` listed. */
  outliers: {
    threshold: Money;
    count: number;
    listed: { beneficiaryRef: string; amount: Money }[];
  };
}

interface VarianceRow {
  district_code: string;
  prev_n: number;
  prev_amount: string;
  cur_n: number;
  cur_amount: string;
  new_n: number;
  new_amount: string;
  dropped_n: number;
  dropped_amount: string;
  changed_n: number;
  changed_amount: string;
}

const count = (n: number, amount: string): Count => ({ households: n, amount: money(amount) });

function addCount(a: Count, b: Count): Count {
  return { households: a.households + b.households, amount: a.amount.plus(b.amount) };
}

/**
 * What an approver checks before approving: the variance against the programme's previous cycle
 * (households new, dropped and changed in amount, by district), instruments shared by several
 * lines, and outlier amounts. LEAP outliers are lines above the largest grant of the run's
 * cycles plus `outlierCycles` cycles of arrears at that grant; LIPW outliers are lines above the
 * highest daily rate times the days of the pay period.
 */
export async function precheckCycle(
  db: Db,
  cycleId: number,
  opts: { outlierCycles?: number; listLimit?: number } = {},
): Promise<PrecheckResult> {
  const cycle = await findCycle(db, { cycleId });
  const listLimit = opts.listLimit ?? 100;
  const outlierCycles = opts.outlierCycles ?? 3;

  // The previous cycle: for LEAP the highest cycle number before this one, for LIPW the latest
  // pay period before it; rejected (draft) cycles do not count.
  const [previous] = await rows<{ id: number }>(
    db,
    sql`SELECT id FROM cycles
        WHERE programme = ${cycle.programme} AND id <> ${cycle.id} AND status <> 'draft'
          AND period_start < ${cycle.periodStart}::date
        ORDER BY period_start DESC LIMIT 1`,
  );
  const previousId = previous?.id ?? null;

  const byDistrict = await rows<VarianceRow>(
    db,
    sql`WITH cur AS (
          SELECT beneficiary_ref, district_code, amount FROM payroll_lines
          WHERE cycle_id = ${cycle.id}),
        prev AS (
          SELECT beneficiary_ref, district_code, amount FROM payroll_lines
          WHERE cycle_id = ${previousId ?? -1}),
        pairs AS (
          SELECT coalesce(c.district_code, p.district_code) AS district_code,
            c.amount AS cur_amount, p.amount AS prev_amount
          FROM cur c FULL JOIN prev p ON p.beneficiary_ref = c.beneficiary_ref)
        SELECT district_code,
          count(prev_amount)::int AS prev_n, coalesce(sum(prev_amount), 0)::text AS prev_amount,
          count(cur_amount)::int AS cur_n, coalesce(sum(cur_amount), 0)::text AS cur_amount,
          count(*) FILTER (WHERE prev_amount IS NULL)::int AS new_n,
          coalesce(sum(cur_amount) FILTER (WHERE prev_amount IS NULL), 0)::text AS new_amount,
          count(*) FILTER (WHERE cur_amount IS NULL)::int AS dropped_n,
          coalesce(sum(prev_amount) FILTER (WHERE cur_amount IS NULL), 0)::text
            AS dropped_amount,
          count(*) FILTER (WHERE cur_amount <> prev_amount)::int AS changed_n,
          coalesce(sum(cur_amount - prev_amount) FILTER (WHERE cur_amount <> prev_amount), 0)::text
            AS changed_amount
        FROM pairs GROUP BY district_code ORDER BY district_code COLLATE "C"`,
  );

  const districts: DistrictVariance[] = byDistrict.map((r) => ({
    districtCode: r.district_code,
    previous: count(r.prev_n, r.prev_amount),
    current: count(r.cur_n, r.cur_amount),
    new: count(r.new_n, r.new_amount),
    dropped: count(r.dropped_n, r.dropped_amount),
    changed: count(r.changed_n, r.changed_amount),
  }));
  const none: Count = { households: 0, amount: ZERO };
  const total = (pick: (d: DistrictVariance) => Count) =>
    districts.map(pick).reduce(addCount, none);

  return {
    cycleId: cycle.id,
    previousCycleId: previousId,
    variance: {
      previous: total((d) => d.previous),
      current: total((d) => d.current),
      new: total((d) => d.new),
      dropped: total((d) => d.dropped),
      changed: total((d) => d.changed),
      byDistrict: districts,
    },
    sharedInstruments: await sharedInstruments(db, cycle.id, listLimit),
    outliers: await outliers(db, cycle, outlierCycles, listLimit),
  };
}

async function sharedInstruments(
  db: Db,
  cycleId: number,
  listLimit: number,
): Promise<PrecheckResult['sharedInstruments']> {
  const shared = await rows<{ channel: string; tail: string; refs: string[]; total: number }>(
    db,
    sql`SELECT channel, right(account_number, 4) AS tail,
          array_agg(beneficiary_ref ORDER BY beneficiary_ref COLLATE "C") AS refs,
          (count(*) OVER ())::int AS total
        FROM payroll_lines WHERE cycle_id = ${cycleId}
        GROUP BY channel, account_number, coalesce(bank_sort_code, '')
        HAVING count(*) > 1
        ORDER BY channel, min(beneficiary_ref COLLATE "C") LIMIT ${listLimit}`,
  );
  return {
    count: shared[0]?.total ?? 0,
    listed: shared.map((s) => ({
      channel: s.channel,
      maskedAccount: `****${s.tail}`,
      beneficiaryRefs: s.refs,
    })),
  };
}

async function outliers(
  db: Db,
  cycle: {
    id: number;
    programme: string;
    periodKey: string;
    periodStart: string;
    periodEnd: string;
  },
  outlierCycles: number,
  listLimit: number,
): Promise<PrecheckResult['outliers']> {
  const [limit] =
    cycle.programme === 'LEAP'
      ? await rows<{ threshold: string }>(
          db,
          sql`SELECT (max(s.tier4) * (count(*) + ${outlierCycles}))::text AS threshold
              FROM unnest(${cycleArray(cycle.periodKey.split('/').map(Number))}) cv
              CROSS JOIN LATERAL ${scheduleFor(sql`cv`)} s`,
        )
      : await rows<{ threshold: string }>(
          db,
          sql`SELECT (coalesce(max(daily_rate), 0)
                      * (${cycle.periodEnd}::date - ${cycle.periodStart}::date + 1))::text
                AS threshold
              FROM wage_rates WHERE effective_from <= ${cycle.periodEnd}::date`,
        );
  const threshold = money(limit?.threshold ?? '0');

  const over = await rows<{ beneficiary_ref: string; amount: string; total: number }>(
    db,
    sql`SELECT beneficiary_ref, amount::text AS amount, (count(*) OVER ())::int AS total
        FROM payroll_lines WHERE cycle_id = ${cycle.id} AND amount > ${threshold.toFixed(2)}::numeric
        ORDER BY amount DESC, beneficiary_ref COLLATE "C" LIMIT ${listLimit}`,
  );
  return {
    threshold,
    count: over[0]?.total ?? 0,
    listed: over.map((o) => ({ beneficiaryRef: o.beneficiary_ref, amount: money(o.amount) })),
  };
}
