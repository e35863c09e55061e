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
] as const;

export type LeapReason = (typeof LEAP_REASONS)[number]['code'];

/** Member categories that count towards the grant tier. */
export const ELIGIBLE_CATEGORIES = ['ovc', 'elderly', 'disability', 'pregnant'] as const;

const categories = sql.join(
  ELIGIBLE_CATEGORIES.map((c) => sql`${c}`),
  sql`, `,
);

/**
 * Columns of `evaluated`: household_id, household_ref, region_code, district_code, status,
 * eligible, recipient_name, recipient_pin, channel, account_number, bank_sort_code, grant_amount,
 * reason_code (null when paid), reason_kind, detail.
 *
 * A member is living for the cycle unless deceased on or before its first day. A household whose
 * caregiver is deceased is paid through its first living alternate. Any enrolment status other
 * than active or exited is treated as a suspension, so no household drops out unrecorded.
 */
export function leapEvaluation(p: { cycleNumber: number; periodStart: string }): SQL {
  return sql`
  schedule AS (
    SELECT tier1, tier2, tier3, tier4 FROM grant_schedules
    WHERE effective_from_cycle <= ${p.cycleNumber}
    ORDER BY effective_from_cycle DESC LIMIT 1
  ),
  hh AS (
    SELECT h.id, h.household_ref, h.region_code, h.district_code, e.status
    FROM households h
    JOIN enrolments e ON e.household_id = h.id AND e.programme = 'LEAP'
  ),
  mx AS (
    SELECT m.id, m.household_id, m.full_name, m.ghana_card_pin, m.role, m.category,
      (m.deceased_on IS NULL OR m.deceased_on > ${p.periodStart}::date) AS alive
    FROM members m
  ),
  eligible_counts AS (
    SELECT household_id,
      (count(*) FILTER (WHERE alive AND category IN (${categories})))::int AS eligible
    FROM mx GROUP BY household_id
  ),
  caregiver AS (
    SELECT DISTINCT ON (household_id) household_id, id, full_name, ghana_card_pin, alive
    FROM mx WHERE role = 'caregiver' ORDER BY household_id, id
  ),
  alternate AS (
    SELECT DISTINCT ON (household_id) household_id, id, full_name, ghana_card_pin
    FROM mx WHERE role = 'alternate' AND alive ORDER BY household_id, id
  ),
  base AS (
    SELECT hh.id AS household_id, hh.household_ref, hh.region_code, hh.district_code, hh.status,
      coalesce(ec.eligible, 0) AS eligible,
      cg.id AS caregiver_id,
      (cg.alive IS TRUE OR alt.id IS NOT NULL) AS has_recipient,
      CASE WHEN cg.alive THEN cg.full_name ELSE alt.full_name END AS recipient_name,
      CASE WHEN cg.alive THEN cg.ghana_card_pin ELSE alt.ghana_card_pin END AS recipient_pin,
      pi.channel, pi.account_number, pi.bank_sort_code, coalesce(pi.verified, false) AS verified
    FROM hh
    LEFT JOIN eligible_counts ec ON ec.household_id = hh.id
    LEFT JOIN caregiver cg ON cg.household_id = hh.id
    LEFT JOIN alternate alt ON alt.household_id = hh.id
    LEFT JOIN payment_instruments pi ON pi.household_id = hh.id
  ),
  -- A household that has exited no longer claims its caregiver or alternate.
  card_claims AS (
    SELECT DISTINCT mx.ghana_card_pin AS pin, mx.household_id
    FROM mx JOIN hh ON hh.id = mx.household_id
    WHERE hh.status <> 'exited' AND mx.role IN ('caregiver', 'alternate')
      AND mx.ghana_card_pin IS NOT NULL
  ),
  card_pairs AS (
    SELECT b.household_id AS paid_to, cc.household_id AS also_on
    FROM base b JOIN card_claims cc ON cc.pin = b.recipient_pin AND cc.household_id <> b.household_id
    WHERE b.status <> 'exited'
  ),
  shared_card AS (
    SELECT paid_to AS household_id FROM card_pairs
    UNION SELECT also_on FROM card_pairs
  ),
  decided AS (
    SELECT b.*,
      CASE least(b.eligible, 4)
        WHEN 1 THEN s.tier1 WHEN 2 THEN s.tier2 WHEN 3 THEN s.tier3 WHEN 4 THEN s.tier4
        ELSE 0 END AS grant_amount,
      CASE
        WHEN b.status = 'exited' THEN 'EXITED'
        WHEN b.status <> 'active' THEN 'SUSPENDED'
        WHEN b.eligible = 0 THEN 'NO_ELIGIBLE_MEMBERS'
        WHEN NOT b.has_recipient AND b.caregiver_id IS NOT NULL THEN 'DECEASED_CAREGIVER'
        WHEN NOT b.has_recipient THEN 'NO_CAREGIVER'
        WHEN NOT b.verified THEN 'NO_VERIFIED_INSTRUMENT'
        WHEN sc.household_id IS NOT NULL THEN 'DUPLICATE_GHANA_CARD'
      END AS reason_code,
      CASE WHEN b.status NOT IN ('active', 'suspended', 'exited') THEN 'enrolment status ' || b.status
      END AS detail
    FROM base b
    CROSS JOIN schedule s
    LEFT JOIN shared_card sc ON sc.household_id = b.household_id
  ),
  evaluated AS (
    SELECT d.*,
      CASE WHEN d.reason_code IN ('EXITED', 'SUSPENDED', 'NO_ELIGIBLE_MEMBERS') THEN 'excluded'
        WHEN d.reason_code IS NOT NULL THEN 'withheld' END AS reason_kind
    FROM decided d
  )`;
}
