import { sql, type SQL } from 'drizzle-orm';
import { rows } from '../../db/open.js';
import { geography, storedRefNumbers } from '../lookups.js';
import { recordset } from '../batch-sql.js';
import { checkDuplicate, NumberSet, refNumber, type KindRules } from './rule.js';

const HOUSEHOLD_REF = /^HH(\d{7})$/;
export const ENROLMENT_STATUSES = ['active', 'suspended', 'exited'] as const;

interface HouseholdRow {
  household_ref: string;
  region_code: string;
  district_code: string;
  community: string;
  enrolled_on: string;
  last_assessed_on: string | null;
  status: string;
  status_since: string;
}

interface Ctx {
  regions: Set<string>;
  districts: Map<string, string>;
  seen: NumberSet;
  /** Household numbers on record when the file began. */
  stored: NumberSet;
}

/** LEAP households; each also gets its LEAP enrolment with the status of the file. */
export const householdRules: KindRules<Ctx, HouseholdRow> = {
  required: ['household_ref', 'region_code', 'district_code', 'community', 'enrolled_on', 'status'],
  optional: ['last_assessed_on', 'status_since'],
  stores: {
    household_ref: 'households.household_ref',
    region_code: 'households.region_code',
    district_code: 'households.district_code',
    community: 'households.community',
    enrolled_on: 'households.enrolled_on',
    last_assessed_on: 'households.last_assessed_on',
    status: 'enrolments.status',
    status_since: 'enrolments.since',
  },

  async prepare(db) {
    return {
      ...(await geography(db)),
      seen: new NumberSet(),
      stored: await storedRefNumbers(db, 'households', 'household_ref', HOUSEHOLD_REF),
    };
  },

  check(c, ctx) {
    const ref = c.matches(
      'household_ref',
      c.required('household_ref'),
      HOUSEHOLD_REF,
      'INVALID_REF',
      'HH + 7 digits',
    );
    checkDuplicate(c, ctx.seen, refNumber(ref, HOUSEHOLD_REF), 'household_ref');

    const region = c.required('region_code')?.toUpperCase() ?? null;
    if (region !== null && !ctx.regions.has(region)) {
      c.add('region_code', 'UNKNOWN_REGION', `region_code ${region} is not a region`);
    }
    const district = c.required('district_code')?.toUpperCase() ?? null;
    const districtRegion = district === null ? undefined : ctx.districts.get(district);
    if (district !== null && districtRegion === undefined) {
      c.add('district_code', 'UNKNOWN_DISTRICT', `district_code ${district} is not a district`);
    } else if (
      districtRegion !== undefined &&
      region !== null &&
      ctx.regions.has(region) &&
      districtRegion !== region
    ) {
      c.add(
        'district_code',
        'DISTRICT_NOT_IN_REGION',
        `district ${district} is in region ${districtRegion}, not ${region}`,
      );
    }

    const community = c.required('community');
    const enrolled = c.date('enrolled_on', c.required('enrolled_on'));
    const assessed = c.date('last_assessed_on', c.optional('last_assessed_on'));
    const status = c.oneOf('status', c.required('status'), ENROLMENT_STATUSES, 'INVALID_STATUS');
    const since = c.date('status_since', c.optional('status_since'));

    return {
      household_ref: ref!,
      region_code: region!,
      district_code: district!,
      community: community!,
      enrolled_on: enrolled!,
      last_assessed_on: assessed,
      status: status!,
      status_since: since ?? enrolled!,
    };
  },

  isNew(value, ctx) {
    return !ctx.stored.has(refNumber(value.household_ref, HOUSEHOLD_REF)!);
  },

  insert(values, fileId) {
    // A new household has no enrolment yet: both are plain inserts, in one statement, the
    // enrolments finding their household's id in the insert's RETURNING.
    return sql`WITH r AS (SELECT * FROM ${householdInput(values)}),
        saved AS (
          INSERT INTO households
            (household_ref, region_code, district_code, community, enrolled_on, last_assessed_on,
             import_file_id)
          SELECT household_ref, region_code, district_code, community, enrolled_on,
            last_assessed_on, ${fileId}
          FROM r
          RETURNING id, household_ref)
      INSERT INTO enrolments (household_id, programme, status, since)
      SELECT saved.id, 'LEAP', r.status, r.status_since
      FROM saved JOIN r ON r.household_ref = saved.household_ref`;
  },

  write(values, fileId) {
    const input = householdInput(values);
    // import_file_id names the file that last changed the household, so it is not compared.
    const upsertHouseholds = sql`INSERT INTO households
            (household_ref, region_code, district_code, community, enrolled_on, last_assessed_on,
             import_file_id)
          SELECT household_ref, region_code, district_code, community, enrolled_on,
            last_assessed_on, ${fileId}
          FROM ${input}
          ON CONFLICT (household_ref) DO UPDATE SET
            region_code = EXCLUDED.region_code,
            district_code = EXCLUDED.district_code,
            community = EXCLUDED.community,
            enrolled_on = EXCLUDED.enrolled_on,
            last_assessed_on = EXCLUDED.last_assessed_on,
            import_file_id = EXCLUDED.import_file_id
          WHERE (households.region_code, households.district_code, households.community,
                 households.enrolled_on, households.last_assessed_on)
            IS DISTINCT FROM (EXCLUDED.region_code, EXCLUDED.district_code, EXCLUDED.community,
                 EXCLUDED.enrolled_on, EXCLUDED.last_assessed_on)
          RETURNING household_ref, (xmax = 0) AS inserted`;
    // A second statement: the first one's new households are not visible inside it. Every
    // row's household is there now, found by a scalar subquery: it is always an index probe,
    // where a join of a batch to the whole table is planned as a scan of it, which made each
    // batch slower than the one before.
    const upsertEnrolments = sql`WITH saved AS (
            INSERT INTO enrolments (household_id, programme, status, since)
            SELECT (SELECT h.id FROM households h WHERE h.household_ref = r.household_ref),
              'LEAP', r.status, r.status_since
            FROM ${input}
            ON CONFLICT (household_id, programme) DO UPDATE SET
              status = EXCLUDED.status,
              since = EXCLUDED.since
            WHERE (enrolments.status, enrolments.since)
              IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.since)
            RETURNING household_id)
          SELECT (SELECT h.household_ref FROM households h WHERE h.id = saved.household_id)
            AS household_ref
          FROM saved`;
    return async (db) => {
      const saved = await rows<{ household_ref: string; inserted: boolean }>(db, upsertHouseholds);
      const statusChanged = await rows<{ household_ref: string }>(db, upsertEnrolments);
      const inserted = new Set(saved.filter((r) => r.inserted).map((r) => r.household_ref));
      const updated = new Set(
        [...saved.map((r) => r.household_ref), ...statusChanged.map((r) => r.household_ref)].filter(
          (ref) => !inserted.has(ref),
        ),
      );
      return { inserted: inserted.size, updated: updated.size };
    };
  },
};

function householdInput(values: HouseholdRow[]): SQL {
  return recordset(
    values,
    `household_ref text, region_code text, district_code text, community text,
       enrolled_on date, last_assessed_on date, status text, status_since date`,
  );
}
