import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';

/** "Today" for the DATE_IN_FUTURE rule in these tests. */
export const AS_OF = '2026-12-01';
export const OFFICER = 'akosua.mensah';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sika-import-'));
}

let fileNo = 0;

/** Writes a CSV file from a header and rows (values joined as given: quote them yourself). */
export async function writeCsv(dir: string, header: string, lines: string[]): Promise<string> {
  const path = join(dir, `file-${++fileNo}.csv`);
  await writeFile(path, [header, ...lines].join('\n') + '\n', 'utf8');
  return path;
}

/** Row counts of the tables an import writes. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const [counts] = await rows<Record<string, number>>(
    db,
    sql`SELECT
      (SELECT count(*)::int FROM import_files) AS import_files,
      (SELECT count(*)::int FROM import_rejects) AS import_rejects,
      (SELECT count(*)::int FROM households) AS households,
      (SELECT count(*)::int FROM enrolments) AS enrolments,
      (SELECT count(*)::int FROM members) AS members,
      (SELECT count(*)::int FROM payment_instruments) AS instruments,
      (SELECT count(*)::int FROM lipw_subprojects) AS subprojects,
      (SELECT count(*)::int FROM lipw_workers) AS workers,
      (SELECT count(*)::int FROM lipw_attendance) AS attendance,
      (SELECT count(*)::int FROM audit_events) AS audit_events`,
  );
  return counts!;
}
