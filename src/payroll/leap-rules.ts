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

const sqlList = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
const categories = sqlList(ELIGIBLE_CATEGORIES);
const excludedCodes = sqlList(LEAP_REASONS.filter((r) => r.kind === 'excluded').map((r) => r.code));

/**
 * Columns of `evaluated`: household_id, household_ref, region_code, district_code, status,
 * eligible, recipient_name, recipient_pin, channel, account_number, bank_sort_code, grant_amount,
 * reason_code (null when paid), reason_kind, detail.
 *
 * A member is living for the cycle unless deceased on or before its first day. The recipient is
 * the first living caregiver (by member id), else the first living alternate. Any enrolment
 * status other than active or exited is treated as a suspension, so no household drops out
 * unrecorded.
 */
export function leapEvaluation(p: { cycleNumber: number; periodStart: string }): SQL {
  const alive = sql`(m.deceased_on IS NULL OR m.deceased_on > ${p.periodStart}::date)`;
  return sql`
  schedule AS (
    SELECT tier1, tier2, tier3, tier4 FROM grant_schedules
    WHERE effective_from_cycle <= ${p.cycleNumber}
    ORDER BY effective_from_cycle DESC LIMIT 1
  ),
  -- Limitation: enrolments.since is not compared with the cycle period, so rebuilding an old
  -- cycle would include households enrolled after it.
  hh AS (
    SELECT h.id, h.household_ref, h.region_code, h.district_code, e.status
    FROM households h
    JOIN enrolments e ON e.household_id = h.id AND e.programme = 'LEAP'
  ),
  -- One pass over the members: eligible count, first living caregiver, first living alternate.
  member_summary AS (
    SELECT m.household_id,
      (count(*) FILTER (WHERE ${alive} AND m.category IN (${categories})))::int AS eligible,
      bool_or(m.role = 'caregiver') AS has_caregiver,
      min(m.id) FILTER (WHERE ${alive} AND m.role = 'caregiver') AS caregiver_id,
      min(m.id) FILTER (WHERE ${alive} AND m.role = 'alternate') AS alternate_id
    FROM members m
    GROUP BY m.household_id
  ),
  base AS (
    SELECT hh.id AS household_id, hh.household_ref, hh.region_code, hh.district_code, hh.status,
      coalesce(ms.eligible, 0) AS eligible,
      coalesce(ms.has_caregiver, false) AS has_caregiver,
      r.id AS recipient_id, r.full_name AS recipient_name, r.ghana_card_pin AS recipient_pin,
      pi.channel, pi.account_number, pi.bank_sort_code, coalesce(pi.verified, false) AS verified
    FROM hh
    LEFT JOIN member_summary ms ON ms.household_id = hh.id
    LEFT JOIN members r ON r.id = coalesce(ms.caregiver_id, ms.alternate_id)
    LEFT JOIN payment_instruments pi ON pi.household_id = hh.id
  ),
  -- Caregiver and alternate cards held in households still in the programme (an exited
  -- household no longer claims its members).
  card_claims AS (
    SELECT m.ghana_card_pin AS pin, m.household_id
    FROM members m JOIN hh ON hh.id = m.household_id
    WHERE hh.status <> 'exited' AND m.role IN ('caregiver', 'alternate')
      AND m.ghana_card_pin IS NOT NULL
  ),
  cards_in_two_households AS (
    SELECT pin FROM card_claims GROUP BY pin HAVING count(DISTINCT household_id) > 1
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
      CASE least(b.eligible, 4)
        WHEN 1 THEN s.tier1 WHEN 2 THEN s.tier2 WHEN 3 THEN s.tier3 WHEN 4 THEN s.tier4
        ELSE 0 END AS grant_amount,
      CASE
        WHEN b.status = 'exited' THEN 'EXITED'
        WHEN b.status <> 'active' THEN 'SUSPENDED'
        WHEN b.eligible = 0 THEN 'NO_ELIGIBLE_MEMBERS'
        WHEN b.recipient_id IS NULL AND b.has_caregiver THEN 'DECEASED_CAREGIVER'
        WHEN b.recipient_id IS NULL THEN 'NO_CAREGIVER'
        WHEN NOT b.verified THEN 'NO_VERIFIED_INSTRUMENT'
        WHEN sc.household_id IS NOT NULL THEN 'DUPLICATE_GHANA_CARD'
      END AS reason_code,
      CASE WHEN b.status NOT IN ('active', 'suspended', 'exited')
        THEN 'enrolment status ' || b.status END AS detail
    FROM base b
    CROSS JOIN schedule s
    LEFT JOIN shared_card sc ON sc.household_id = b.household_id
  ),
  evaluated AS (
    SELECT d.*,
      CASE WHEN d.reason_code IN (${excludedCodes}) THEN 'excluded'
        WHEN d.reason_code IS NOT NULL THEN 'withheld' END AS reason_kind
    FROM decided d
  )`;
}
