import { sql } from 'drizzle-orm';
import { countedUpsert, recordset } from '../batch-sql.js';
import { geography } from '../lookups.js';
import { checkDuplicate, type KindRules } from './rule.js';

const SUBPROJECT_CODE = /^SP-([A-Z]{2}-\d{2})-\d{3}$/;
export const ASSET_TYPES = [
  'road',
  'dam',
  'dugout',
  'tree_crops',
  'soil_conservation',
  'sanitation',
  'irrigation',
  'other',
] as const;

interface SubprojectRow {
  code: string;
  name: string;
  district_code: string;
  asset_type: string;
}

interface Ctx {
  districts: Map<string, string>;
  seen: Set<string>;
}

/** LIPW sites; the code carries the district (SP-NR-04-002 is a site in NR-04). */
export const subprojectRules: KindRules<Ctx, SubprojectRow> = {
  required: ['subproject_code', 'name', 'district_code', 'asset_type'],
  optional: [],
  stores: {
    subproject_code: 'lipw_subprojects.code',
    name: 'lipw_subprojects.name',
    district_code: 'lipw_subprojects.district_code',
    asset_type: 'lipw_subprojects.asset_type',
  },

  async prepare(db) {
    return { districts: (await geography(db)).districts, seen: new Set() };
  },

  check(c, ctx) {
    const code = c.matches(
      'subproject_code',
      c.required('subproject_code')?.toUpperCase() ?? null,
      SUBPROJECT_CODE,
      'INVALID_REF',
      'SP- + district code + - + 3 digits',
    );
    checkDuplicate(c, ctx.seen, code, 'subproject_code');

    const name = c.required('name');
    const district = c.required('district_code')?.toUpperCase() ?? null;
    if (district !== null && !ctx.districts.has(district)) {
      c.add('district_code', 'UNKNOWN_DISTRICT', `district_code ${district} is not a district`);
    } else if (code !== null && district !== null && SUBPROJECT_CODE.exec(code)![1] !== district) {
      c.add(
        'subproject_code',
        'INVALID_REF',
        `subproject_code ${code} is not in district ${district}`,
      );
    }
    const asset = c.oneOf(
      'asset_type',
      c.required('asset_type'),
      ASSET_TYPES,
      'INVALID_ASSET_TYPE',
    );

    return { code: code!, name: name!, district_code: district!, asset_type: asset! };
  },

  write(values) {
    return countedUpsert(
      sql`
      INSERT INTO lipw_subprojects (code, name, district_code, asset_type)
      SELECT code, name, district_code, asset_type
      FROM ${recordset(values, 'code text, name text, district_code text, asset_type text')}
      ON CONFLICT (code) DO UPDATE SET
        name = EXCLUDED.name,
        district_code = EXCLUDED.district_code,
        asset_type = EXCLUDED.asset_type
      WHERE (lipw_subprojects.name, lipw_subprojects.district_code, lipw_subprojects.asset_type)
        IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.district_code, EXCLUDED.asset_type)
      RETURNING (xmax = 0) AS inserted`,
    );
  },
};
