import { rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { importFile } from '../../src/enrolment/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir, writeCsv } from './helpers.js';

// A file of several batches: batches are written several at a time, so this checks that
// counts, quarantine, history and the reload come out as for a file read in one piece.
let t: TestDatabase;
let dir: string;

const HEADER = 'household_ref,region_code,district_code,community,enrolled_on,status';
const HOUSEHOLDS = 25_000;

const ref = (n: number) => `HH${String(n).padStart(7, '0')}`;

/** Every household once, with three bad rows in different batches; `edit` changes some rows. */
function lines(edit: (n: number, line: string) => string = (_n, l) => l): string[] {
  const out: string[] = [];
  for (let n = 1; n <= HOUSEHOLDS; n++) {
    out.push(edit(n, `${ref(n)},NR,NR-01,Tolon,2020-01-15,active`));
    if (n === 7_000) out.push(`${ref(30_001)},NR,NR-01,Tolon,2020-13-01,active`);
    if (n === 15_000) out.push(`${ref(5)},NR,NR-01,Tolon,2020-01-15,active`);
    if (n === 24_000) out.push(`${ref(30_002)},XX,NR-01,Tolon,2020-01-15,active`);
  }
  return out;
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('a file of several batches', () => {
  it('loads every row once, quarantines the bad ones by line, and reloads only the changes', async () => {
    const first = await importFile(t.db, {
      kind: 'households',
      path: await writeCsv(dir, HEADER, lines()),
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect({
      rows: first.rowsTotal,
      accepted: first.accepted,
      updated: first.updated,
      unchanged: first.unchanged,
      rejected: first.rejected,
    }).toEqual({ rows: 25_003, accepted: 25_000, updated: 0, unchanged: 0, rejected: 3 });
    // Line 1 is the header; a bad row comes right after household n, so at line n + 2 (+ the
    // bad rows before it).
    expect(first.rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [7_002, 'enrolled_on', 'INVALID_DATE'],
      [15_003, 'household_ref', 'DUPLICATE_KEY'],
      [24_004, 'region_code', 'UNKNOWN_REGION'],
    ]);
    const [stored] = await rows<Record<string, number>>(
      t.db,
      sql`SELECT
        (SELECT count(*)::int FROM households) AS households,
        (SELECT count(DISTINCT household_ref)::int FROM households) AS refs,
        (SELECT count(*)::int FROM enrolments WHERE status = 'active') AS active,
        (SELECT count(*)::int FROM import_rejects WHERE import_file_id = ${first.fileId}) AS rejects`,
    );
    expect(stored).toEqual({ households: 25_000, refs: 25_000, active: 25_000, rejects: 3 });

    // Three communities and two statuses change, in different batches.
    const renamed = new Set([100, 12_000, 24_999]);
    const suspended = new Set([200, 18_000]);
    const second = await importFile(t.db, {
      kind: 'households',
      path: await writeCsv(
        dir,
        HEADER,
        lines((n, l) =>
          renamed.has(n)
            ? l.replace('Tolon', 'Savelugu')
            : suspended.has(n)
              ? l.replace('active', 'suspended')
              : l,
        ),
      ),
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect({
      accepted: second.accepted,
      updated: second.updated,
      unchanged: second.unchanged,
      rejected: second.rejected,
    }).toEqual({ accepted: 25_000, updated: 5, unchanged: 24_995, rejected: 3 });
    const history = await rows<{ table: string; ref: string; replaced_by: number }>(
      t.db,
      sql`SELECT 'households' AS table, household_ref AS ref, replaced_by_file_id AS replaced_by
          FROM households_history
          UNION ALL
          SELECT 'enrolments', h.household_ref, e.replaced_by_file_id
          FROM enrolments_history e JOIN households h ON h.id = e.household_id
          ORDER BY 1, 2`,
    );
    expect(history).toEqual([
      { table: 'enrolments', ref: ref(200), replaced_by: second.fileId },
      { table: 'enrolments', ref: ref(18_000), replaced_by: second.fileId },
      { table: 'households', ref: ref(100), replaced_by: second.fileId },
      { table: 'households', ref: ref(12_000), replaced_by: second.fileId },
      { table: 'households', ref: ref(24_999), replaced_by: second.fileId },
    ]);
  }, 120_000);
});
