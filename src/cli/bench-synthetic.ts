import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';

/**
 * Fills the LEAP enrolment tables directly in SQL for `bench build --synthetic`, so a build can
 * be measured at national scale (millions of households) without generating and importing CSV.
 * The shape follows src/sample: household sizes 1 to 9 (about 4.4 members), caregiver, an
 * alternate in 35% of larger households, member categories 70% ovc, about 1% suspended or
 * exited, 1% without and 0.5% with an unverified instrument, 0.3% deceased caregivers and
 * caregivers sharing a card in 0.3% of households, 70% assessed since enrolment. Names, places
 * and numbers are placeholders. Not an import: no import files, findings or rejects.
 */
export async function fillSynthetic(db: Db, households: number): Promise<void> {
  // One connection throughout: the seed and the temporary table belong to it.
  await db.transaction(async (txn) => fill(txn as unknown as Db, households));
}

async function fill(db: Db, households: number): Promise<void> {
  const asOf = sql`DATE '2026-11-02'`;
  await db.execute(sql`SELECT setseed(0.2026)`);
  await db.execute(sql`
    CREATE TEMP TABLE synthetic_hh ON COMMIT DROP AS
    SELECT g, r_district, r_size, r_alt, r_status, r_assessed, r_enrolled, r_instrument,
      r_channel, r_deceased
    FROM (SELECT g, random() AS r_district, random() AS r_size, random() AS r_alt,
            random() AS r_status, random() AS r_assessed, random() AS r_enrolled,
            random() AS r_instrument, random() AS r_channel, random() AS r_deceased
          FROM generate_series(1, ${households}) g) x`);

  await db.execute(sql`
    WITH d AS (SELECT code, region_code, row_number() OVER (ORDER BY code) - 1 AS n,
                 count(*) OVER () AS nd
               FROM districts WHERE code NOT LIKE '%-99')
    INSERT INTO households (household_ref, region_code, district_code, community, enrolled_on,
      last_assessed_on)
    SELECT 'HH' || lpad(s.g::text, 7, '0'), d.region_code, d.code, 'Community ' || (s.g % 40),
      e.enrolled,
      CASE WHEN s.r_assessed < 0.7
        THEN e.enrolled + (s.r_assessed / 0.7 * least(1461, ${asOf} - 1 - e.enrolled))::int END
    FROM synthetic_hh s
    CROSS JOIN LATERAL (SELECT DATE '2010-01-01'
      + (s.r_enrolled * (${asOf} - 60 - DATE '2010-01-01'))::int AS enrolled) e
    JOIN d ON d.n = floor(s.r_district * d.nd)
    ORDER BY s.g`);

  await db.execute(sql`
    INSERT INTO enrolments (household_id, programme, status, since)
    SELECT h.id, 'LEAP',
      CASE WHEN s.r_status < 0.005 THEN 'suspended' WHEN s.r_status < 0.01 THEN 'exited'
        ELSE 'active' END,
      h.enrolled_on
    FROM households h JOIN synthetic_hh s ON 'HH' || lpad(s.g::text, 7, '0') = h.household_ref`);

  // Sizes 1..9 weighted 6, 11, 15, 20, 20, 13, 8, 5, 2 (per hundred).
  await db.execute(sql`
    WITH hh AS (
      SELECT h.id, s.g, s.r_deceased,
        CASE WHEN s.r_size < 0.06 THEN 1 WHEN s.r_size < 0.17 THEN 2 WHEN s.r_size < 0.32 THEN 3
          WHEN s.r_size < 0.52 THEN 4 WHEN s.r_size < 0.72 THEN 5 WHEN s.r_size < 0.85 THEN 6
          WHEN s.r_size < 0.93 THEN 7 WHEN s.r_size < 0.98 THEN 8 ELSE 9 END AS size,
        s.r_alt < 0.35 AS with_alternate
      FROM households h JOIN synthetic_hh s ON 'HH' || lpad(s.g::text, 7, '0') = h.household_ref
    ),
    people AS (
      SELECT hh.id AS household_id, hh.g, hh.size, hh.r_deceased, hh.with_alternate, p.n,
        CASE WHEN p.n = 1 THEN 'caregiver'
          WHEN p.n = 2 AND hh.with_alternate THEN 'alternate' ELSE 'member' END AS role,
        random() AS r_cat, random() AS r_pin, random() AS r_age, random() AS r_sex
      FROM hh CROSS JOIN LATERAL generate_series(1, hh.size) p(n)
    ),
    typed AS (
      SELECT p.*,
        CASE p.role
          WHEN 'caregiver' THEN CASE
            WHEN p.size = 1 THEN CASE WHEN p.r_cat < 0.8 THEN 'elderly' ELSE 'disability' END
            WHEN p.r_cat < 0.2 THEN 'elderly' WHEN p.r_cat < 0.25 THEN 'disability'
            ELSE 'none' END
          WHEN 'alternate' THEN CASE WHEN p.r_cat < 0.7 THEN 'none'
            WHEN p.r_cat < 0.85 THEN 'elderly' ELSE 'disability' END
          ELSE CASE WHEN p.r_cat < 0.7 THEN 'ovc' WHEN p.r_cat < 0.78 THEN 'elderly'
            WHEN p.r_cat < 0.85 THEN 'disability' WHEN p.r_cat < 0.9 THEN 'pregnant'
            ELSE 'none' END
        END AS category
      FROM people p
    ),
    -- As the sample does, a household of no eligible category gets one: its last member
    -- becomes a child, or else its caregiver elderly.
    fixed AS (
      SELECT t.*,
        CASE WHEN bool_or(t.category <> 'none') OVER (PARTITION BY t.household_id) THEN t.category
          WHEN t.role = 'member' AND t.n = t.size THEN 'ovc'
          WHEN t.role = 'caregiver' AND (t.size = 1 OR (t.size = 2 AND t.with_alternate))
            THEN 'elderly'
          ELSE t.category END AS final_category
      FROM typed t
    )
    INSERT INTO members (member_ref, household_id, full_name, sex, date_of_birth,
      ghana_card_pin, category, role, deceased_on)
    SELECT 'MB' || lpad((row_number() OVER (ORDER BY t.household_id, t.n))::text, 8, '0'),
      t.household_id, 'Member ' || t.g || '-' || t.n,
      CASE WHEN t.final_category = 'pregnant' OR t.r_sex < 0.6 THEN 'F' ELSE 'M' END,
      ${asOf} - (365.25 * CASE t.final_category WHEN 'ovc' THEN 1 + t.r_age * 15
        WHEN 'elderly' THEN 65 + t.r_age * 30 WHEN 'pregnant' THEN 16 + t.r_age * 28
        ELSE 20 + t.r_age * 44 END)::int,
      CASE
        -- Every 333rd household's caregiver holds the card of the household before it.
        WHEN t.role = 'caregiver' THEN 'GHA-' || lpad((CASE WHEN t.g % 333 = 0 THEN t.g - 1
          ELSE t.g END)::text, 9, '0') || '-1'
        WHEN t.role = 'alternate' OR (t.final_category <> 'ovc' AND t.r_pin < 0.85)
          THEN 'GHA-' || lpad((t.g * 10 + t.n)::text, 9, '0') || '-2'
      END,
      t.final_category, t.role,
      CASE WHEN t.role = 'caregiver' AND t.r_deceased < 0.003 THEN ${asOf} - 100 END
    FROM fixed t`);

  await db.execute(sql`
    INSERT INTO payment_instruments (household_id, channel, account_number, bank_sort_code,
      holder_name, verified)
    SELECT h.id,
      CASE WHEN s.r_channel < 0.8 THEN 'ezwich' WHEN s.r_channel < 0.97 THEN 'momo'
        ELSE 'bank' END,
      CASE WHEN s.r_channel < 0.8 THEN '5' || lpad(s.g::text, 9, '0')
        WHEN s.r_channel < 0.97 THEN '024' || lpad(s.g::text, 7, '0')
        ELSE '10' || lpad(s.g::text, 11, '0') END,
      CASE WHEN s.r_channel >= 0.97 THEN '030100' END,
      'Caregiver ' || s.g, s.r_instrument >= 0.005
    FROM households h JOIN synthetic_hh s ON 'HH' || lpad(s.g::text, 7, '0') = h.household_ref
    WHERE s.r_instrument >= 0.015 OR s.r_instrument < 0.005`);
}
