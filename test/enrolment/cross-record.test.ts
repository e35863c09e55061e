import { rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import {
  formatImportSummary,
  importFile,
  type ImportFileParams,
  type ImportKind,
} from '../../src/enrolment/index.js';
import { FILE_COLUMNS } from '../../src/sample/file-layout.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir, writeCsv } from './helpers.js';

let t: TestDatabase;
let dir: string;

/** Loads rows written as CSV lines in the generator's column order. */
async function load(kind: ImportKind, lines: string[], extra: Partial<ImportFileParams> = {}) {
  const path = await writeCsv(dir, FILE_COLUMNS[kind].join(','), lines);
  return importFile(t.db, { kind, path, loadedBy: OFFICER, asOf: AS_OF, ...extra });
}

const reasons = (r: { rejects: { line: number; reason: string }[] }) =>
  r.rejects.map((x) => [x.line, x.reason]);

async function findings(fileId: number) {
  return rows<{ kind: string; refs: string[]; detail: string }>(
    t.db,
    sql`SELECT kind, refs, detail FROM import_findings WHERE import_file_id = ${fileId} ORDER BY id`,
  );
}

const household = (ref: string, community = 'Kumbungu', status = 'active') =>
  `${ref},NR,NR-04,${community},2020-01-15,,${status},`;
const member = (ref: string, hh: string, role: string, pin = '', extra = { deceased: '' }) =>
  `${ref},${hh},Ama Mensah,F,1980-05-01,${pin},none,${role},${extra.deceased}`;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
  await load(
    'households',
    ['HH0000001', 'HH0000002', 'HH0000003'].map((h) => household(h)),
  );
  await load('subprojects', [
    'SP-NR-04-001,Kumbungu dam,NR-04,dam',
    'SP-NR-04-002,Dalun road,NR-04,road',
  ]);
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('one living caregiver per household', () => {
  it('rejects a second caregiver of a household in the same file as SECOND_CAREGIVER', async () => {
    const r = await load('members', [
      member('MB00000001', 'HH0000001', 'caregiver', 'GHA-000000001-1'),
      member('MB00000002', 'HH0000001', 'caregiver', 'GHA-000000002-2'),
      member('MB00000003', 'HH0000001', 'caregiver', 'GHA-000000003-3', { deceased: '2025-01-01' }),
      member('MB00000004', 'HH0000001', 'alternate', 'GHA-000000004-4'),
    ]);
    expect([r.accepted, r.rejected]).toEqual([3, 1]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.field])).toEqual([
      [3, 'SECOND_CAREGIVER', 'role'],
    ]);
  });

  it('rejects a new caregiver beside the one on record, unless an earlier row moves that one', async () => {
    const beside = await load('members', [
      member('MB00000005', 'HH0000001', 'caregiver', 'GHA-000000005-5'),
    ]);
    expect(reasons(beside)).toEqual([[2, 'SECOND_CAREGIVER']]);

    const handover = await load('members', [
      member('MB00000001', 'HH0000001', 'member', 'GHA-000000001-1'),
      member('MB00000005', 'HH0000001', 'caregiver', 'GHA-000000005-5'),
    ]);
    expect([handover.accepted, handover.rejected, handover.updated]).toEqual([2, 0, 1]);
  });
});

describe('findings that reject nothing', () => {
  it('flags a Ghana Card PIN held in two households, and loads both members', async () => {
    const r = await load('members', [
      member('MB00000011', 'HH0000002', 'caregiver', 'GHA-111111111-1'),
      member('MB00000012', 'HH0000003', 'caregiver', 'GHA-111111111-1'),
    ]);
    expect([r.accepted, r.rejected, r.findings]).toEqual([2, 0, 1]);
    expect(await findings(r.fileId)).toEqual([
      {
        kind: 'SHARED_GHANA_CARD',
        refs: ['HH0000002', 'HH0000003'],
        detail: 'one Ghana Card PIN is held by members MB00000011, MB00000012 of 2 households',
      },
    ]);
  });

  it('flags a mobile number whose prefix no network issues, and loads the worker', async () => {
    const r = await load('workers', [
      'WK0000001,SP-NR-04-001,HH5000001,Yaw Dery,GHA-222222222-2,momo,0241234567',
      'WK0000002,SP-NR-04-002,HH5000002,Ama Dery,GHA-333333333-3,momo,+233311234567',
    ]);
    expect([r.accepted, r.rejected]).toEqual([2, 0]);
    expect(await findings(r.fileId)).toEqual([
      {
        kind: 'UNKNOWN_MOBILE_PREFIX',
        refs: ['WK0000002'],
        detail: 'mobile prefix 031 is not in the network table',
      },
    ]);
  });
});

describe('LIPW attendance', () => {
  it('rejects days outside the pay period when one is given, and only then', async () => {
    const lines = ['WK0000001,SP-NR-04-001,2026-10-30', 'WK0000001,SP-NR-04-001,2026-11-02'];
    const period = { start: '2026-11-02', end: '2026-11-15' };
    const r = await load('attendance', lines, { payPeriod: period });
    expect(reasons(r)).toEqual([[2, 'OUTSIDE_PAY_PERIOD']]);
    const unchecked = await load('attendance', [...lines, 'WK0000002,SP-NR-04-002,2026-11-02']);
    expect([unchecked.accepted, unchecked.rejected]).toEqual([3, 0]);
  });

  it('flags a worker past the day cap of the season, counting every day on record', async () => {
    const r = await load(
      'attendance',
      ['2026-11-03', '2026-11-04'].map((d) => `WK0000001,SP-NR-04-001,${d}`),
      { seasonDayCap: 3 },
    );
    expect(await findings(r.fileId)).toEqual([
      {
        kind: 'SEASON_DAY_CAP',
        refs: ['WK0000001'],
        detail: '4 days worked in season 2026, over the cap of 3',
      },
    ]);
    const season = { start: '2026-11-03', end: '2027-04-30' };
    const inSeason = await load('attendance', ['WK0000001,SP-NR-04-001,2026-11-05'], {
      seasonDayCap: 3,
      season,
    });
    expect(inSeason.findings).toBe(0);
  });
});

describe('the summary of an import', () => {
  it('counts new, updated and unchanged rows and stores them on the import', async () => {
    await load(
      'households',
      ['HH0000101', 'HH0000102', 'HH0000103'].map((h) => household(h)),
    );
    const r = await load('households', [
      household('HH0000101'),
      household('HH0000102', 'Dalun'),
      household('HH0000103', 'Kumbungu', 'suspended'),
      household('HH0000104'),
      household('HH01', 'Tolon'),
    ]);
    expect([r.rowsTotal, r.accepted, r.updated, r.unchanged, r.rejected]).toEqual([5, 4, 2, 1, 1]);
    const [stored] = await rows<Record<string, number>>(
      t.db,
      sql`SELECT rows_total, accepted, updated, unchanged, rejected FROM import_files
          WHERE id = ${r.fileId}`,
    );
    expect(stored).toEqual({ rows_total: 5, accepted: 4, updated: 2, unchanged: 1, rejected: 1 });
    expect(formatImportSummary(r)).toBe(
      `households ${r.fileName} [csv, utf-8]: 5 rows, 4 accepted (1 new, 2 updated, 1 unchanged), 1 rejected, 0 findings`,
    );
  });

  it('keeps the file that last changed a household, not the last that repeated it', async () => {
    const first = await load('households', [household('HH0000201')]);
    await load('households', [household('HH0000201'), household('HH0000202')]);
    const [h] = await rows<{ import_file_id: number }>(
      t.db,
      sql`SELECT import_file_id FROM households WHERE household_ref = 'HH0000201'`,
    );
    expect(h!.import_file_id).toBe(first.fileId);
  });
});
