import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { importFiles, importRejects } from '../../src/db/schema.js';
import {
  formatImportSummary,
  importDirectory,
  importFile,
  type ImportResult,
} from '../../src/enrolment/index.js';
import { SikaError } from '../../src/errors.js';
import { FILE_COLUMNS } from '../../src/sample/file-layout.js';
import { generateSample, type SampleFiles } from '../../src/sample/generate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tableCounts, tempDir, writeCsv } from './helpers.js';

let t: TestDatabase;
let dir: string;
let sample: SampleFiles;
let results: ImportResult[];

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
  sample = await generateSample({
    seed: 11,
    households: 400,
    workers: 50,
    dir: join(dir, 'sample'),
    lipwPeriod: { start: '2026-11-02', end: '2026-11-15' },
  });
  results = await importDirectory(t.db, {
    dir: join(dir, 'sample'),
    loadedBy: OFFICER,
    asOf: AS_OF,
  });
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

const summary = (r: ImportResult[]) =>
  r.map((x) => [x.kind, x.rowsTotal, x.accepted, x.rejected, x.alreadyLoaded]);

describe('importing a generated sample of 400 households', () => {
  it('accepts and rejects exactly the rows the generator planted', () => {
    expect(summary(results)).toEqual([
      ['households', 400, 399, 1, false],
      ['members', 1763, 1758, 5, false],
      ['instruments', 396, 395, 1, false],
      ['subprojects', 2, 2, 0, false],
      ['workers', 50, 50, 0, false],
      ['attendance', 402, 402, 0, false],
    ]);
    for (const r of results) expect(r.rejected).toBe(sample.problems[`rejects.${r.kind}`]);
  });

  it('quarantines each rejected row with its line, field and reason', async () => {
    const reasons = await rows<{ kind: string; reason_code: string; field: string; n: number }>(
      t.db,
      sql`SELECT f.kind, r.reason_code, r.field, count(*)::int AS n
          FROM import_rejects r JOIN import_files f ON f.id = r.import_file_id
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    expect(reasons).toEqual([
      { kind: 'households', reason_code: 'UNKNOWN_DISTRICT', field: 'district_code', n: 1 },
      { kind: 'instruments', reason_code: 'UNKNOWN_HOUSEHOLD', field: 'household_ref', n: 1 },
      { kind: 'members', reason_code: 'INVALID_DATE', field: 'date_of_birth', n: 1 },
      { kind: 'members', reason_code: 'INVALID_GHANA_CARD', field: 'ghana_card_pin', n: 1 },
      { kind: 'members', reason_code: 'UNKNOWN_HOUSEHOLD', field: 'household_ref', n: 3 },
    ]);
    const households = results[0]!;
    const [stored] = await rows<{ line_no: number; raw: Record<string, string> }>(
      t.db,
      sql`SELECT line_no, raw FROM import_rejects WHERE import_file_id = ${households.fileId}`,
    );
    expect(stored!.line_no).toBe(households.rejects[0]!.line);
    expect(stored!.raw.district_code).toMatch(/^[A-Z]{2}-99$/);
  });

  it('writes a LEAP enrolment for each household, with the status of the file', async () => {
    const statuses = await rows<{ status: string; n: number }>(
      t.db,
      sql`SELECT status, count(*)::int AS n FROM enrolments WHERE programme = 'LEAP'
          GROUP BY status ORDER BY status`,
    );
    expect(statuses).toEqual([
      { status: 'active', n: 395 },
      { status: 'exited', n: 2 },
      { status: 'suspended', n: 2 },
    ]);
  });

  it('records each file in the audit trail with its counts', async () => {
    const events = await rows<{ detail: Record<string, unknown> }>(
      t.db,
      sql`SELECT detail FROM audit_events WHERE action = 'import.file' ORDER BY id`,
    );
    expect(events.map((e) => e.detail)).toContainEqual({
      kind: 'members',
      rows: 1763,
      accepted: 1758,
      updated: 0,
      unchanged: 0,
      rejected: 5,
      findings: 2,
    });
    expect(events).toHaveLength(6);
  });

  it('changes nothing when the same files are loaded again', async () => {
    const before = await tableCounts(t.db);
    const again = await importDirectory(t.db, {
      dir: join(dir, 'sample'),
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect(await tableCounts(t.db)).toEqual(before);
    expect(again.map((r) => r.alreadyLoaded)).toEqual([true, true, true, true, true, true]);
    expect(again.map((r) => [r.fileId, r.accepted, r.rejected])).toEqual(
      results.map((r) => [r.fileId, r.accepted, r.rejected]),
    );
    expect(again[1]!.rejects).toEqual(results[1]!.rejects);
  });

  it('treats a copy of a loaded file under another name as already loaded', async () => {
    const copy = join(dir, 'copy-of-households.csv');
    await copyFile(sample.households, copy);
    const r = await importFile(t.db, {
      kind: 'households',
      path: copy,
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect([r.alreadyLoaded, r.fileId]).toEqual([true, results[0]!.fileId]);
    const [first] = await rows<{ at: string }>(
      t.db,
      sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at
          FROM import_files WHERE id = ${r.fileId}`,
    );
    expect(formatImportSummary(r)).toBe(
      `households copy-of-households.csv [csv, utf-8]: already loaded on ${first!.at} UTC: ` +
        'nothing changed',
    );
  });
});

describe('a file whose earlier load stopped part way', () => {
  it('is loaded again under the same id, its old quarantine replaced', async () => {
    const path = await writeCsv(dir, FILE_COLUMNS.households.join(','), [
      'HH0000901,NR,NR-04,Kumbungu,2020-01-15,,active,',
      'HH0000902,NR,NR-99,Kumbungu,2020-01-15,,active,',
    ]);
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    const [stopped] = await t.db
      .insert(importFiles)
      .values({ kind: 'households', fileName: 'x.csv', sha256, loadedBy: OFFICER })
      .returning({ id: importFiles.id });
    await t.db.insert(importRejects).values(
      [1, 2].map((n) => ({
        importFileId: stopped!.id,
        lineNo: n,
        reasonCode: 'MISSING_FIELD',
        message: 'left over',
        raw: {},
      })),
    );

    const r = await importFile(t.db, { kind: 'households', path, loadedBy: OFFICER, asOf: AS_OF });
    expect([r.fileId, r.alreadyLoaded, r.accepted, r.rejected]).toEqual([stopped!.id, false, 1, 1]);
    const left = await rows<{ reason_code: string }>(
      t.db,
      sql`SELECT reason_code FROM import_rejects WHERE import_file_id = ${stopped!.id}`,
    );
    expect(left).toEqual([{ reason_code: 'UNKNOWN_DISTRICT' }]);
  });
});

describe('a file that cannot be used', () => {
  it('is refused as FILE_NOT_FOUND when it does not exist, naming the path', async () => {
    const path = join(dir, 'nowhere', 'households.csv');
    const err = await importFile(t.db, { kind: 'households', path, loadedBy: OFFICER }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(SikaError);
    expect([err.code, err.message]).toEqual([
      'FILE_NOT_FOUND',
      `folder ${join(dir, 'nowhere')} does not exist (for ${path})`,
    ]);
  });

  it('says a folder named as a file is a folder', async () => {
    const folder = join(dir, 'sample');
    await expect(
      importFile(t.db, { kind: 'households', path: folder, loadedBy: OFFICER }),
    ).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message:
        `${folder} is a folder, not a file: name a CSV or XLSX file in it, or load the whole ` +
        `folder with --dir ${folder}`,
    });
  });

  it('says a folder given with --dir that does not exist does not exist', async () => {
    const missing = join(dir, 'no-such-folder');
    await expect(importDirectory(t.db, { dir: missing, loadedBy: OFFICER })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: `folder ${missing} does not exist (for ${join(missing, 'households.csv')})`,
    });
  });

  it('still says no such file for a missing file in a folder that exists', async () => {
    const path = join(dir, 'sample', 'nothing.csv');
    await expect(
      importFile(t.db, { kind: 'households', path, loadedBy: OFFICER }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: `no such file: ${path}` });
  });

  it('refuses a folder with a file missing before loading any of them', async () => {
    const before = await tableCounts(t.db);
    const partial = join(dir, 'partial');
    await mkdir(partial);
    await writeFile(join(partial, 'households.csv'), 'household_ref\nHH0000999\n');
    await expect(importDirectory(t.db, { dir: partial, loadedBy: OFFICER })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining('members.csv'),
    });
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it.each([
    ['an empty file', ''],
    [
      'a header with no rows',
      'household_ref,region_code,district_code,community,enrolled_on,status\n',
    ],
    ['blank lines only', '\n\n\n'],
    ['missing required columns', 'household_ref,region_code\nHH0000901,NR\n'],
    [
      'a column named twice',
      'household_ref,region_code,district_code,community,enrolled_on,status,status\n',
    ],
    [
      'an unclosed quote',
      'household_ref,region_code,district_code,community,enrolled_on,status\n"HH1,NR\n',
    ],
  ])('refuses %s as BAD_INPUT_FILE and writes nothing', async (_what, content) => {
    const before = await tableCounts(t.db);
    const path = join(dir, 'bad.csv');
    await writeFile(path, content, 'utf8');
    const err = await importFile(t.db, { kind: 'households', path, loadedBy: OFFICER }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(SikaError);
    expect([err.code, err.message.startsWith('bad.csv')]).toEqual(['BAD_INPUT_FILE', true]);
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it('names the missing columns', async () => {
    const path = await writeCsv(dir, 'household_ref,community,status', ['HH0000901,Tolon,active']);
    await expect(importFile(t.db, { kind: 'households', path, loadedBy: OFFICER })).rejects.toThrow(
      /missing columns region_code, district_code, enrolled_on/,
    );
  });
});
