import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database, type Db } from '../../src/db/open.js';
import { importDirectory } from '../../src/enrolment/index.js';
import { seedReferenceData } from '../../src/reference/seed.js';
import { generateSample } from '../../src/sample/generate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir } from './helpers.js';

// The same extract loaded into the embedded database and into PostgreSQL gives the same
// counts, rejects and stored rows: the batch statements read their arrays alike on both.
let lite: Database;
let pg: TestDatabase;
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  await generateSample({
    seed: 7,
    households: 300,
    workers: 20,
    dir: join(dir, 'sample'),
    lipwPeriod: { start: '2026-11-02', end: '2026-11-15' },
  });
  lite = await openDatabase({ dbDir: join(dir, 'pglite') });
  await lite.migrate();
  await seedReferenceData(lite.db);
  pg = await createTestDatabase();
});
afterAll(async () => {
  await lite.close();
  await pg.drop();
  await rm(dir, { recursive: true, force: true });
});

async function load(db: Db) {
  const results = await importDirectory(db, {
    dir: join(dir, 'sample'),
    loadedBy: OFFICER,
    asOf: AS_OF,
  });
  return results.map((r) => ({
    kind: r.kind,
    rows: r.rowsTotal,
    accepted: r.accepted,
    rejected: r.rejected,
    findings: r.findings,
    rejects: r.rejects,
  }));
}

/** A digest of what was stored, the same whatever ids the rows got. */
async function stored(db: Db) {
  const [s] = await rows<Record<string, string>>(
    db,
    sql`SELECT
      (SELECT md5(string_agg(h.household_ref || h.district_code || e.status || e.since, ','
         ORDER BY h.household_ref)) FROM households h JOIN enrolments e ON e.household_id = h.id)
        AS households,
      (SELECT md5(string_agg(m.member_ref || h.household_ref || m.date_of_birth
         || coalesce(m.ghana_card_pin, '-') || m.role, ',' ORDER BY m.member_ref))
         FROM members m JOIN households h ON h.id = m.household_id) AS members,
      (SELECT md5(string_agg(h.household_ref || p.channel || p.account_number || p.verified, ','
         ORDER BY h.household_ref))
         FROM payment_instruments p JOIN households h ON h.id = p.household_id) AS instruments,
      (SELECT md5(string_agg(w.worker_ref || a.work_date, ',' ORDER BY w.worker_ref, a.work_date))
         FROM lipw_attendance a JOIN lipw_workers w ON w.id = a.worker_id) AS attendance,
      (SELECT md5(string_agg(kind || array_to_string(refs, ' ') || detail, ','
         ORDER BY kind, refs)) FROM import_findings) AS findings`,
  );
  return s;
}

describe('import on the embedded database', () => {
  it('loads a sample extract as PostgreSQL does, and loading it again changes nothing', async () => {
    const onLite = await load(lite.db);
    const onPg = await load(pg.db);
    expect(onLite).toEqual(onPg);
    expect(onLite.map((r) => r.rows)).toEqual([300, 1311, 297, 1, 20, 160]);
    expect(onLite.every((r) => r.accepted + r.rejected === r.rows)).toBe(true);
    expect(await stored(lite.db)).toEqual(await stored(pg.db));

    const again = await importDirectory(lite.db, {
      dir: join(dir, 'sample'),
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect(again.every((r) => r.alreadyLoaded)).toBe(true);
  });
});
