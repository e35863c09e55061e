import { sql, type SQL } from 'drizzle-orm';
import { REASON_CODES } from '../reference/reason-codes.js';
import { scheduleFor, tierAmount } from './leap-rules.js';

/**
 * What each paid household is owed in a LEAP run, item by item, as SQL common table expressions
 * that follow `evaluated` and `rates` and end in `due` (household_id, household_ref, kind,
 * for_cycle, amount, replaces_line_id). Only households paid in this run get items; anything owed to a household
 * that is not paid now stays owed and is found again by the next run that pays it.
 *
 * Every earlier amount is read from sealed cycles only, and is left out once an item of any other
 * cycle has paid it; the unique indexes on payroll_line_items make "once" a database rule too.
 */

/** Line failure reasons whose amount may be paid again in a later cycle. */
export const ROLLOVER_CODES: readonly string[] = REASON_CODES.filter((c) => c.rollsOver).map(
  (c) => c.code,
);

export const ITEM_KINDS = ['grant', 'arrears_withheld', 'repayment', 'top_up'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export function leapDueItems(p: { firstCycle: number }): SQL {
  const rollover = sql.join(
    ROLLOVER_CODES.map((c) => sql`${c}`),
    sql`, `,
  );
  const earlierSealed = sql`c.programme = 'LEAP' AND c.seal_sha256 IS NOT NULL
    AND c.cycle_number < ${p.firstCycle}`;
  return sql`
  paid_now AS (
    SELECT household_id, household_ref, eligible FROM evaluated WHERE reason_code IS NULL
  ),
  grants AS (
    SELECT pn.household_id, pn.household_ref, 'grant' AS kind, r.for_cycle,
      ${tierAmount('r', sql`pn.eligible`)} AS amount, NULL::bigint AS replaces_line_id
    FROM paid_now pn CROSS JOIN rates r
  ),
  -- Holds of earlier cycles, per cycle they held back; one row per household and cycle.
  released AS (
    SELECT DISTINCT ON (pn.household_id, h.key::int)
      pn.household_id, pn.household_ref, 'arrears_withheld' AS kind, h.key::int AS for_cycle,
      h.value::numeric(14, 2) AS amount, NULL::bigint AS replaces_line_id
    FROM cycle_exclusions x
    JOIN cycles c ON c.id = x.cycle_id
    JOIN paid_now pn ON pn.household_ref = x.beneficiary_ref
    CROSS JOIN LATERAL jsonb_each_text(
      coalesce(x.held_by_cycle, jsonb_build_object(c.cycle_number::text, x.amount_held::text))) h
    WHERE ${earlierSealed} AND x.kind = 'withheld' AND x.amount_held > 0
      AND NOT EXISTS (SELECT 1 FROM payroll_line_items i
                      WHERE i.beneficiary_ref = x.beneficiary_ref AND i.for_cycle = h.key::int
                        AND i.kind IN ('grant', 'arrears_withheld'))
    ORDER BY pn.household_id, h.key::int, x.cycle_id
  ),
  -- Failed or returned lines whose reason allows it, or which finance resolved "pay again",
  -- paid again in full; a schedule raised since adds its top-up below.
  repaid AS (
    SELECT pn.household_id, pn.household_ref, 'repayment' AS kind, c.cycle_number AS for_cycle,
      l.amount, l.id AS replaces_line_id
    FROM payroll_lines l
    JOIN cycles c ON c.id = l.cycle_id
    JOIN paid_now pn ON pn.household_ref = l.beneficiary_ref
    WHERE ${earlierSealed} AND l.programme = 'LEAP' AND l.status IN ('failed', 'returned')
      AND ((l.status_reason IN (${rollover})
            -- Finance's word overrides the reason code: written off or referred is not repaid.
            AND NOT EXISTS (SELECT 1 FROM exceptions e
                            WHERE e.payroll_line_id = l.id
                              AND e.resolution IN ('write_off', 'refer_grievance')))
           OR EXISTS (SELECT 1 FROM exceptions e
                      WHERE e.payroll_line_id = l.id AND e.resolution = 'pay_again'))
      AND NOT EXISTS (SELECT 1 FROM payroll_line_items i WHERE i.replaces_line_id = l.id)
  ),
  -- Cycles a retroactive schedule reaches back to, with the rates known now.
  retro_rates AS (
    SELECT x.for_cycle, s.tier1, s.tier2, s.tier3, s.tier4
    FROM (SELECT DISTINCT gs.n AS for_cycle
          FROM grant_schedules g
          CROSS JOIN LATERAL generate_series(g.applies_retroactively_to_cycle,
                                             g.effective_from_cycle - 1) gs(n)
          WHERE g.applies_retroactively_to_cycle IS NOT NULL
            AND gs.n < ${p.firstCycle}) x
    CROSS JOIN LATERAL ${scheduleFor(sql`x.for_cycle`)} s
  ),
  -- A grant paid (status paid), or paid again now, below the rate now known for its cycle: the
  -- difference, once.
  -- Limitation: a line paid again by an earlier build, before the schedule reached back to its
  -- cycle, gets no top-up; nor does a released hold.
  topped_up AS (
    SELECT pn.household_id, pn.household_ref, 'top_up' AS kind, i.for_cycle,
      ${tierAmount('rr', sql`l.eligible_members`)} - i.amount AS amount,
      NULL::bigint AS replaces_line_id
    FROM payroll_line_items i
    JOIN retro_rates rr ON rr.for_cycle = i.for_cycle
    JOIN payroll_lines l ON l.id = i.payroll_line_id
      AND (l.status = 'paid' OR l.id IN (SELECT replaces_line_id FROM repaid))
    JOIN paid_now pn ON pn.household_ref = i.beneficiary_ref
    WHERE i.kind = 'grant' AND ${tierAmount('rr', sql`l.eligible_members`)} > i.amount
      AND NOT EXISTS (SELECT 1 FROM payroll_line_items t
                      WHERE t.beneficiary_ref = i.beneficiary_ref AND t.for_cycle = i.for_cycle
                        AND t.kind = 'top_up')
  ),
  due AS (
    SELECT * FROM grants
    UNION ALL SELECT * FROM released
    UNION ALL SELECT * FROM repaid
    UNION ALL SELECT * FROM topped_up
  )`;
}

/**
 * What each paid household is owed in `source` besides this run's grants: its line's arrears
 * (households owed none have no row). A line's base is the evaluation's grant_amount, the
 * tiers of the run's cycles summed, which equals the sum of its grant items; aggregating every
 * grant item again cost a hash of all paid households.
 */
export function dueArrears(source: SQL): SQL {
  return sql`due_arrears AS (
    SELECT household_id, sum(amount) AS arrears_amount
    FROM ${source} WHERE kind <> 'grant' GROUP BY household_id
  )`;
}
