import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';

const PAGE = 50_000;

/**
 * A natural key -> id map of a whole table, read once per import in pages, so that checking a
 * row's reference costs a map lookup instead of a query.
 */
export async function idsByKey(
  db: Db,
  table: 'households' | 'lipw_subprojects' | 'lipw_workers',
  keyColumn: 'household_ref' | 'code' | 'worker_ref',
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  let after = 0;
  for (;;) {
    const page = await rows<{ id: number; key: string }>(
      db,
      sql`SELECT id, ${sql.identifier(keyColumn)} AS key FROM ${sql.identifier(table)}
          WHERE id > ${after} ORDER BY id LIMIT ${PAGE}`,
    );
    for (const r of page) ids.set(r.key, r.id);
    if (page.length < PAGE) return ids;
    after = page[page.length - 1]!.id;
  }
}

/** District code -> region code, and the set of region codes, from the reference tables. */
export async function geography(
  db: Db,
): Promise<{ regions: Set<string>; districts: Map<string, string> }> {
  const regions = await rows<{ code: string }>(db, sql`SELECT code FROM regions`);
  const districts = await rows<{ code: string; region_code: string }>(
    db,
    sql`SELECT code, region_code FROM districts`,
  );
  return {
    regions: new Set(regions.map((r) => r.code)),
    districts: new Map(districts.map((d) => [d.code, d.region_code])),
  };
}
