import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { NumberSet, refNumber } from './rules/rule.js';

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

/** Every row of a query, read in pages by id so that no single result is large. */
async function paged<T extends { id: number }>(
  db: Db,
  page: (after: number) => ReturnType<typeof sql>,
  each: (row: T) => void,
): Promise<void> {
  let after = 0;
  for (;;) {
    const batch = await rows<T>(db, page(after));
    batch.forEach(each);
    if (batch.length < PAGE) return;
    after = batch[batch.length - 1]!.id;
  }
}

/** Living caregivers on record: household id -> the digits of the caregiver's member_ref. */
export async function caregiversByHousehold(db: Db): Promise<Map<number, number>> {
  const caregivers = new Map<number, number>();
  await paged<{ id: number; household_id: number; ref: string }>(
    db,
    (after) => sql`SELECT id, household_id, member_ref AS ref FROM members
      WHERE role = 'caregiver' AND deceased_on IS NULL AND id > ${after}
      ORDER BY id LIMIT ${PAGE}`,
    (r) => caregivers.set(r.household_id, Number(r.ref.slice(2))),
  );
  return caregivers;
}

/** LIPW workers by worker_ref, with the site each is registered on. */
export async function workersWithSites(
  db: Db,
): Promise<Map<string, { id: number; subprojectId: number }>> {
  const workers = new Map<string, { id: number; subprojectId: number }>();
  await paged<{ id: number; ref: string; subproject_id: number }>(
    db,
    (after) => sql`SELECT id, worker_ref AS ref, subproject_id FROM lipw_workers
      WHERE id > ${after} ORDER BY id LIMIT ${PAGE}`,
    (r) => workers.set(r.ref, { id: r.id, subprojectId: r.subproject_id }),
  );
  return workers;
}

/**
 * The digits of every reference of a table on record (see refNumber), for telling a file's new
 * records from the ones it changes. A stored reference of another shape is left out: no valid
 * one in a file can equal it.
 */
export async function storedRefNumbers(
  db: Db,
  table: 'households' | 'members',
  keyColumn: 'household_ref' | 'member_ref',
  re: RegExp,
): Promise<NumberSet> {
  const numbers = new NumberSet();
  await paged<{ id: number; ref: string }>(
    db,
    (after) => sql`SELECT id, ${sql.identifier(keyColumn)} AS ref FROM ${sql.identifier(table)}
      WHERE id > ${after} ORDER BY id LIMIT ${PAGE}`,
    (r) => {
      const n = refNumber(r.ref, re);
      if (n !== null) numbers.add(n);
    },
  );
  return numbers;
}
