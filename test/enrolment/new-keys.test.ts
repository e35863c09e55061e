import { rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { CHAINS } from '../../src/enrolment/import-directory.js';
import { importFile, ruleEnv } from '../../src/enrolment/import-file.js';
import { loadRows } from '../../src/enrolment/load-rows.js';
import { householdRules } from '../../src/enrolment/rules/households.js';
import { inspectSource } from '../../src/enrolment/source.js';
import { IMPORT_KINDS } from '../../src/enrolment/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir, writeCsv } from './helpers.js';

// Rows whose key had no record when the file began are written by a plain insert; a key that
// another load stored in the meantime makes the batch fall back to the upsert.
let t: TestDatabase;
let dir: string;

const HEADER = 'household_ref,region_code,district_code,community,enrolled_on,status';

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('keys new when the file began', () => {
  it('are upserted after all when another load stored one of them meanwhile', async () => {
    const env = ruleEnv({ asOf: AS_OF });
    // The checks' lookups are read before the other load stores HH0000002.
    const ctx = await householdRules.prepare(t.db, env);
    const other = await importFile(t.db, {
      kind: 'households',
      path: await writeCsv(dir, HEADER, ['HH0000002,NR,NR-01,Savelugu,2020-01-15,suspended']),
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect(other.accepted).toBe(1);

    const path = await writeCsv(dir, HEADER, [
      'HH0000001,NR,NR-01,Tolon,2020-01-15,active',
      'HH0000002,NR,NR-01,Tolon,2020-01-15,active',
      'HH0000003,NR,NR-01,Tolon,2020-01-15,exited',
    ]);
    const [file] = await rows<{ id: number }>(
      t.db,
      sql`INSERT INTO import_files (kind, file_name, sha256, loaded_by)
          VALUES ('households', 'late.csv', 'late', ${OFFICER}) RETURNING id`,
    );
    const counts = await loadRows(t.db, {
      fileId: file!.id,
      source: await inspectSource(path),
      rules: householdRules,
      ctx,
      env,
    });
    expect({
      accepted: counts.accepted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      rejected: counts.rejected,
    }).toEqual({ accepted: 3, updated: 1, unchanged: 0, rejected: 0 });

    const stored = await rows<{ ref: string; community: string; status: string; file: number }>(
      t.db,
      sql`SELECT h.household_ref AS ref, h.community, e.status, h.import_file_id AS file
          FROM households h JOIN enrolments e ON e.household_id = h.id
          ORDER BY h.household_ref`,
    );
    expect(stored).toEqual([
      { ref: 'HH0000001', community: 'Tolon', status: 'active', file: file!.id },
      { ref: 'HH0000002', community: 'Tolon', status: 'active', file: file!.id },
      { ref: 'HH0000003', community: 'Tolon', status: 'exited', file: file!.id },
    ]);
    // The other load's version of HH0000002 is kept as history, replaced by this file.
    const history = await rows<{ community: string; by: number }>(
      t.db,
      sql`SELECT community, replaced_by_file_id AS by FROM households_history`,
    );
    expect(history).toEqual([{ community: 'Savelugu', by: file!.id }]);
    const enrolmentHistory = await rows<{ status: string }>(
      t.db,
      sql`SELECT status FROM enrolments_history`,
    );
    expect(enrolmentHistory).toEqual([{ status: 'suspended' }]);
  });

  it('a new household and its enrolment are written by the plain insert', async () => {
    const r = await importFile(t.db, {
      kind: 'households',
      path: await writeCsv(dir, HEADER, [
        'HH0000004,NR,NR-01,Tolon,2020-01-15,active',
        'HH0000005,NR,NR-01,Tolon,2020-02-01,suspended',
      ]),
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect([r.accepted, r.updated, r.unchanged]).toEqual([2, 0, 0]);
    const stored = await rows<{ ref: string; status: string; since: string }>(
      t.db,
      sql`SELECT h.household_ref AS ref, e.status, e.since::text AS since
          FROM households h JOIN enrolments e ON e.household_id = h.id
          WHERE h.household_ref IN ('HH0000004', 'HH0000005') ORDER BY 1`,
    );
    expect(stored).toEqual([
      { ref: 'HH0000004', status: 'active', since: '2020-01-15' },
      { ref: 'HH0000005', status: 'suspended', since: '2020-02-01' },
    ]);
  });
});

describe('loading a folder', () => {
  it('loads every kind once, in one of the chains', () => {
    expect(CHAINS.flat(2).sort()).toEqual([...IMPORT_KINDS].sort());
  });
});
