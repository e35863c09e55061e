import { sql, type SQL } from 'drizzle-orm';

/**
 * The LEAP eligibility and payment rules, as one set of SQL common table expressions ending in
 * `evaluated`: one row per LEAP household with its recipient, instrument, eligible members,
 * grant and, when it is not paid, the first reason by precedence.
 */

/** Reasons a household is left out of a cycle, in order of precedence. */
export const LEAP_REASONS = [
  { code: 'EXITED', kind: 'excluded' },
  { code: 'SUSPENDED', kind: 'excluded' },
  { code: 'NO_ELIGIBLE_MEMBERS', kind: 'excluded' },
  { code: 'DECEASED_CAREGIVER', kind: 'withheld' },
  { code: 'NO_CAREGIVER', kind: 'withheld' },
  { code: 'NO_VERIFIED_INSTRUMENT', kind: 'withheld' },
  { code: 'DUPLICATE_GHANA_CARD', kind: 'withheld' },
  { code: 'NON_COLLECTION', kind: 'withheld' },
] as const;

/** Flags on households that are still paid; kept in cycle_flags. */
export const LEAP_FLAGS = ['REASSESSMENT_OVERDUE'] as const;
export type LeapFlag = (typeof LEAP_FLAGS)[number];

/** What the evaluation needs to know about the run. */
export interface LeapEvaluationParams {
  /** The cycle numbers paid by the run, ascending: one, or several for a joint cycle. */
  cycles: number[];
  /** First day of the first cycle: members deceased before it do not count. */
  periodStart: string;
  /** Last day of the last cycle: a household enrolled after it is not part of the run. */
  periodEnd: string;
  /** Withhold for review after this many LEAP cycles in a row with an uncollected payment. */
  nonCollectionCycles: number;
  /** A household last assessed longer ago than this (years) is flagged, still paid. */
  reassessmentYears: number;
}

export type LeapReason = (typeof LEAP_REASONS)[number]['code'];

/** Member categories that count towards the grant tier. */
export const ELIGIBLE_CATEGORIES = ['ovc', 'elderly', 'disability', 'pregnant'] as const;

const sqlList = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
const categories = sqlList(ELIGIBLE_CATEGORIES);
const excludedCodes = sqlList(LEAP_REASONS.filter((r) => r.kind === 'excluded').map((r) => r.code));

/** The cycle numbers of a run as a PostgreSQL int[] expression. */
export function cycleArray(cycles: number[]): SQL {
  return sql`string_to_array(${cycles.join('/')}, '/')::int[]`;
}

/**
 * The grant schedule known now for the LEAP cycle number `cycleExpr`, as a LATERAL subquery
 * (tier1..tier4): the latest schedule in force from it, counting a retroactive schedule from the
 * first cycle it reaches back to.
 */
export function scheduleFor(cycleExpr: SQL): SQL {
  return sql`(SELECT g.tier1, g.tier2, g.tier3, g.tier4 FROM grant_schedules g
    WHERE coalesce(g.applies_retroactively_to_cycle, g.effective_from_cycle) <= ${cycleExpr}
    ORDER BY g.effective_from_cycle DESC LIMIT 1)`;
}

/** The tiers per cycle of a run: for_cycle, tier1..tier4. */
export function leapRates(cycles: number[]): SQL {
  return sql`SELECT cv.for_cycle, s.tier1, s.tier2, s.tier3, s.tier4
    FROM unnest(${cycleArray(cycles)}) AS cv(for_cycle)
    CROSS JOIN LATERAL ${scheduleFor(sql`cv.for_cycle`)} s`;
}

/** The tier amount of `s` for `eligible` members (1, 2, 3, 4+); 0 for none. */
export function tierAmount(s: string, eligible: SQL): SQL {
  const t = (n: number) => sql.raw(`${s}.tier${n}`);
  return sql`CASE least(${eligible}, 4) WHEN 1 THEN ${t(1)} WHEN 2 THEN ${t(2)}
    WHEN 3 THEN ${t(3)} WHEN 4 THEN ${t(4)} ELSE 0 END`;
}

/**
 * Columns of `evaluated`: household_id, household_ref, region_code, district_code, status,
 * eligible, recipient_name, recipient_pin, channel, account_number, bank_sort_code, grant_amount
 * (summed over the run's cycles), reassessment_overdue, assessed_on, reason_code (null when
 * paid), reason_kind, detail. `rates` holds the tiers per cycle of the run (for_cycle, tier1..4).
 *
 * A member is living for the cycle unless deceased on or before its first day. The recipient is
 * the first living caregiver (by member id), else the first living alternate. Any enrolment
 * status other than active or exited is treated as a suspension, so no household drops out
 * unrecorded.
 */
export function leapEvaluation(p: LeapEvaluationParams): SQL {
  const alive = sql`(m.deceased_on IS NULL OR m.deceased_on > ${p.periodStart}::date)`;
  const first = p.cycles[0]!;
  return sql`
  rates AS (${leapRates(p.cycles)}),
  schedule AS (
    SELECT sum(tier1) AS tier1, sum(tier2) AS tier2, sum(tier3) AS tier3, sum(tier4) AS tier4
    FROM rates
  ),
  -- The last K sealed LEAP cycles before this run, and the households whose payment failed or
  -- came back in every one of them.
  -- Limitation: there is no review step; a household held here has no line in this cycle, so
  -- the next cycle no longer sees K failures in a row and pays it, with this cycle's hold as
  -- arrears (and its failed payments again where their reason rolls over).
  recent_cycles AS (
    SELECT id FROM cycles
    WHERE programme = 'LEAP' AND seal_sha256 IS NOT NULL AND cycle_number < ${first}
    ORDER BY cycle_number DESC LIMIT ${p.nonCollectionCycles}
  ),
  uncollected AS (
    SELECT l.household_id FROM payroll_lines l JOIN recent_cycles rc ON rc.id = l.cycle_id
    WHERE l.status IN ('failed', 'returned')
    GROUP BY l.household_id
    HAVING count(DISTINCT l.cycle_id) = ${p.nonCollectionCycles}
  ),
  -- A household enrolled after the run's period is not part of it, so a cycle built late for a
  -- past period pays only those enrolled by then.
  -- Limitation: the enrolment status is today's; a past status needs the enrolment history.
  hh AS (
    SELECT h.id, h.household_ref, h.region_code, h.district_code, e.status,
      coalesce(h.last_assessed_on, h.enrolled_on) AS assessed_on
    FROM households h
    JOIN enrolments e ON e.household_id = h.id AND e.programme = 'LEAP'
    WHERE h.enrolled_on <= ${p.periodEnd}::date
  ),
  -- Eligible members counted per household; caregivers and alternates read once, for the
  -- recipient and for the card check, so the recipient is found among them and not by a lookup
  -- into every member.
  eligible_counts AS (
    SELECT m.household_id, count(*)::int AS eligible
    FROM members m
    WHERE ${alive} AND m.category IN (${categories})
    GROUP BY m.household_id
  ),
  carers AS MATERIALIZED (
    SELECT m.household_id, m.id, m.role, m.full_name, m.ghana_card_pin, ${alive} AS alive
    FROM members m
    WHERE m.role IN ('caregiver', 'alternate')
  ),
  member_summary AS (
    SELECT c.household_id,
      bool_or(c.role = 'caregiver') AS has_caregiver,
      min(c.id) FILTER (WHERE c.alive AND c.role = 'caregiver') AS caregiver_id,
      min(c.id) FILTER (WHERE c.alive AND c.role = 'alternate') AS alternate_id
    FROM carers c
    GROUP BY c.household_id
  ),
  base AS (
    SELECT hh.id AS household_id, hh.household_ref, hh.region_code, hh.district_code, hh.status,
      hh.assessed_on,
      -- Never reassessed counts from enrolment.
      hh.assessed_on < ${p.periodStart}::date - make_interval(years => ${p.reassessmentYears})
        AS reassessment_overdue,
      coalesce(ec.eligible, 0) AS eligible,
      coalesce(ms.has_caregiver, false) AS has_caregiver,
      r.id AS recipient_id, r.full_name AS recipient_name, r.ghana_card_pin AS recipient_pin,
      pi.channel, pi.account_number, pi.bank_sort_code, coalesce(pi.verified, false) AS verified
    FROM hh
    LEFT JOIN eligible_counts ec ON ec.household_id = hh.id
    LEFT JOIN member_summary ms ON ms.household_id = hh.id
    LEFT JOIN carers r ON r.id = coalesce(ms.caregiver_id, ms.alternate_id)
    LEFT JOIN payment_instruments pi ON pi.household_id = hh.id
  ),
  -- Caregiver and alternate cards held in households still in the programme (an exited
  -- household no longer claims its members).
  card_claims AS (
    SELECT c.ghana_card_pin AS pin, c.household_id
    FROM carers c JOIN hh ON hh.id = c.household_id
    WHERE hh.status <> 'exited' AND c.ghana_card_pin IS NOT NULL
  ),
  cards_in_two_households AS (
    SELECT pin FROM card_claims GROUP BY pin HAVING min(household_id) <> max(household_id)
  ),
  -- A card is disputed when it is some household's recipient card and is held elsewhere too;
  -- every household holding it is then withheld.
  disputed_cards AS (
    SELECT DISTINCT b.recipient_pin AS pin
    FROM base b JOIN cards_in_two_households c ON c.pin = b.recipient_pin
    WHERE b.status <> 'exited'
  ),
  shared_card AS (
    SELECT DISTINCT cc.household_id FROM card_claims cc JOIN disputed_cards d ON d.pin = cc.pin
  ),
  decided AS (
    SELECT b.*,
      ${tierAmount('s', sql`b.eligible`)} AS grant_amount,
      CASE
        WHEN b.status = 'exited' THEN 'EXITED'
        WHEN b.status <> 'active' THEN 'SUSPENDED'
        WHEN b.eligible = 0 THEN 'NO_ELIGIBLE_MEMBERS'
        WHEN b.recipient_id IS NULL AND b.has_caregiver THEN 'DECEASED_CAREGIVER'
        WHEN b.recipient_id IS NULL THEN 'NO_CAREGIVER'
        WHEN NOT b.verified THEN 'NO_VERIFIED_INSTRUMENT'
        WHEN sc.household_id IS NOT NULL THEN 'DUPLICATE_GHANA_CARD'
        WHEN u.household_id IS NOT NULL THEN 'NON_COLLECTION'
      END AS reason_code,
      CASE WHEN b.status NOT IN ('active', 'suspended', 'exited')
        THEN 'enrolment status ' || b.status END AS detail
    FROM base b
    CROSS JOIN schedule s
    LEFT JOIN shared_card sc ON sc.household_id = b.household_id
    LEFT JOIN uncollected u ON u.household_id = b.household_id
  ),
  evaluated AS (
    SELECT d.*,
      CASE WHEN d.reason_code IN (${excludedCodes}) THEN 'excluded'
        WHEN d.reason_code IS NOT NULL THEN 'withheld' END AS reason_kind
    FROM decided d
  )`;
}
