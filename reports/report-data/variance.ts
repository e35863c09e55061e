import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import { money, ZERO, type Money } from '../../src/money.js';
import type { RowCursor } from './snapshot.js';

export interface PreviousCycle {
  id: number;
  periodKey: string;
  /** "LEAP cycle 105" or "LIPW period 2026-10-19 to 2026-11-01". */
  label: string;
}

/**
 * Limitation: LIPW compares the whole previous pay period, not each sub-project's own previous
 * payroll, and beneficiaries are matched by reference only (a moved household counts as changed
 * only if its amount changed).
 *
 * The cycle this one is compared with: LEAP, the highest cycle number below it; LIPW, the pay
 * period that ended last before this one starts. A rejected build (draft) is never compared.
 */
export async function previousCycle(db: Db, cycleId: number): Promise<PreviousCycle | null> {
  const [prev] = await rows<{ id: number; period_key: string; label: string }>(
    db,
    sql`SELECT p.id, p.period_key,
               CASE WHEN p.programme = 'LEAP' THEN 'LEAP cycle ' || p.cycle_number
                    ELSE p.programme || ' period ' || p.period_start || ' to ' || p.period_end
               END AS label
        FROM cycles c
        JOIN cycles p ON p.programme = c.programme AND p.id <> c.id AND p.status <> 'draft'
          AND CASE WHEN c.programme = 'LEAP' THEN p.cycle_number < c.cycle_number
                   ELSE p.period_end < c.period_start END
        WHERE c.id = ${cycleId}
        ORDER BY p.cycle_number DESC NULLS LAST, p.period_end DESC
        LIMIT 1`,
  );
  return prev ? { id: prev.id, periodKey: prev.period_key, label: prev.label } : null;
}

export interface VarianceSums {
  newCount: number;
  newAmount: Money;
  droppedCount: number;
  droppedAmount: Money;
  changedCount: number;
  /** Changed beneficiaries: this cycle's amount minus the previous one, summed. */
  changedDifference: Money;
  previousLines: number;
  previousAmount: Money;
  currentLines: number;
  currentAmount: Money;
}

export interface DistrictVariance extends VarianceSums {
  regionCode: string;
  region: string;
  districtCode: string;
  district: string;
}

export interface VarianceLine {
  change: 'new' | 'dropped' | 'changed';
  beneficiaryRef: string;
  recipientName: string;
  previousAmount: Money | null;
  currentAmount: Money | null;
  regionCode: string;
  districtCode: string;
}

// Each beneficiary of either cycle, matched by reference; unchanged ones are kept for the totals.
const joined = (cycleId: number, previousId: number) => sql`
  SELECT coalesce(c.beneficiary_ref, p.beneficiary_ref) AS ref,
         coalesce(c.recipient_name, p.recipient_name) AS name,
         coalesce(c.region_code, p.region_code) AS region_code,
         coalesce(c.district_code, p.district_code) AS district_code,
         p.amount AS prev_amount, c.amount AS cur_amount,
         CASE WHEN p.beneficiary_ref IS NULL THEN 'new'
              WHEN c.beneficiary_ref IS NULL THEN 'dropped'
              WHEN p.amount <> c.amount THEN 'changed' END AS change
  FROM (SELECT * FROM payroll_lines WHERE cycle_id = ${cycleId}) c
  FULL JOIN (SELECT * FROM payroll_lines WHERE cycle_id = ${previousId}) p
    ON p.beneficiary_ref = c.beneficiary_ref`;

const AREA = sql`LEFT JOIN regions r ON r.code = j.region_code
  LEFT JOIN districts d ON d.code = j.district_code`;
const AREA_ORDER = sql`r.name COLLATE "C" NULLS LAST, j.region_code COLLATE "C",
  d.name COLLATE "C" NULLS LAST, j.district_code COLLATE "C"`;

type Raw = Record<string, string | number | null>;

/** New, dropped and changed beneficiaries per district (in print order) and in all. */
export async function varianceByDistrict(
  db: Db,
  p: { cycleId: number; previousId: number },
): Promise<{ districts: DistrictVariance[]; total: VarianceSums }> {
  const found = await rows<Raw>(
    db,
    sql`SELECT GROUPING(j.district_code)::int AS g_all, j.region_code, r.name AS region_name,
               j.district_code, d.name AS district_name,
               count(*) FILTER (WHERE change = 'new')::int AS new_count,
               coalesce(sum(cur_amount) FILTER (WHERE change = 'new'), 0)::text AS new_amount,
               count(*) FILTER (WHERE change = 'dropped')::int AS dropped_count,
               coalesce(sum(prev_amount) FILTER (WHERE change = 'dropped'), 0)::text AS dropped_amount,
               count(*) FILTER (WHERE change = 'changed')::int AS changed_count,
               coalesce(sum(cur_amount - prev_amount) FILTER (WHERE change = 'changed'), 0)::text
                 AS changed_difference,
               count(prev_amount)::int AS previous_lines,
               coalesce(sum(prev_amount), 0)::text AS previous_amount,
               count(cur_amount)::int AS current_lines,
               coalesce(sum(cur_amount), 0)::text AS current_amount
        FROM (${joined(p.cycleId, p.previousId)}) j ${AREA}
        GROUP BY GROUPING SETS ((j.region_code, r.name, j.district_code, d.name), ())
        ORDER BY GROUPING(j.district_code), ${AREA_ORDER}`,
  );
  const sums = (g: Raw): VarianceSums => ({
    newCount: Number(g.new_count),
    newAmount: money(String(g.new_amount)),
    droppedCount: Number(g.dropped_count),
    droppedAmount: money(String(g.dropped_amount)),
    changedCount: Number(g.changed_count),
    changedDifference: money(String(g.changed_difference)),
    previousLines: Number(g.previous_lines),
    previousAmount: money(String(g.previous_amount)),
    currentLines: Number(g.current_lines),
    currentAmount: money(String(g.current_amount)),
  });
  const districts = found
    .filter((g) => Number(g.g_all) === 0)
    .map((g) => ({
      regionCode: String(g.region_code),
      region: `${g.region_name ?? ''} (${g.region_code})`,
      districtCode: String(g.district_code),
      district: `${g.district_name ?? ''} (${g.district_code})`,
      ...sums(g),
    }));
  const all = found.find((g) => Number(g.g_all) === 1);
  return { districts, total: all ? sums(all) : NO_VARIANCE };
}

export const NO_VARIANCE: VarianceSums = {
  newCount: 0,
  newAmount: ZERO,
  droppedCount: 0,
  droppedAmount: ZERO,
  changedCount: 0,
  changedDifference: ZERO,
  previousLines: 0,
  previousAmount: ZERO,
  currentLines: 0,
  currentAmount: ZERO,
};

/** The beneficiaries that differ, district by district in the order of varianceByDistrict. */
export function varianceLines(
  cursor: <T>(query: ReturnType<typeof sql>) => RowCursor<T>,
  p: { cycleId: number; previousId: number },
): RowCursor<VarianceLine> {
  const raw = cursor<Raw>(
    sql`SELECT j.change, j.ref, j.name, j.prev_amount::text AS prev_amount,
               j.cur_amount::text AS cur_amount, j.region_code, j.district_code
        FROM (${joined(p.cycleId, p.previousId)}) j ${AREA}
        WHERE j.change IS NOT NULL
        ORDER BY ${AREA_ORDER}, array_position(ARRAY['new', 'dropped', 'changed'], j.change),
                 j.ref COLLATE "C"`,
  );
  return {
    async next() {
      const r = await raw.next();
      if (!r) return undefined;
      return {
        change: r.change as VarianceLine['change'],
        beneficiaryRef: String(r.ref),
        recipientName: String(r.name),
        previousAmount: r.prev_amount === null ? null : money(String(r.prev_amount)),
        currentAmount: r.cur_amount === null ? null : money(String(r.cur_amount)),
        regionCode: String(r.region_code),
        districtCode: String(r.district_code),
      };
    },
  };
}
