import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { importFile, type ImportKind } from '../../src/enrolment/index.js';
import { FILE_COLUMNS } from '../../src/sample/file-layout.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir, writeCsv } from './helpers.js';

let t: TestDatabase;
let dir: string;

/** Loads rows given as objects, columns in the generator's order. */
async function load(kind: ImportKind, records: Record<string, string>[]) {
  const columns = FILE_COLUMNS[kind];
  const path = await writeCsv(
    dir,
    columns.join(','),
    records.map((r) => columns.map((c) => r[c] ?? '').join(',')),
  );
  return importFile(t.db, { kind, path, loadedBy: OFFICER, asOf: AS_OF });
}

const GOOD = {
  households: {
    household_ref: 'HH0000101',
    region_code: 'NR',
    district_code: 'NR-04',
    community: 'Kumbungu',
    enrolled_on: '2020-01-15',
    status: 'active',
  },
  members: {
    member_ref: 'MB00000101',
    household_ref: 'HH0000001',
    full_name: 'Nyamekyɛ Ɔkyeame',
    sex: 'F',
    date_of_birth: '1980-05-01',
    ghana_card_pin: 'GHA-123456789-0',
    category: 'none',
    role: 'caregiver',
  },
  instruments: {
    household_ref: 'HH0000001',
    channel: 'ezwich',
    account_number: '1234567890',
    holder_name: 'Ama Mensah',
    verified: 'true',
  },
  subprojects: {
    subproject_code: 'SP-NR-04-009',
    name: 'Kumbungu small earth dam',
    district_code: 'NR-04',
    asset_type: 'dam',
  },
  workers: {
    worker_ref: 'WK0000101',
    subproject_code: 'SP-NR-04-001',
    household_ref: 'HH5000101',
    full_name: 'Yaw Dery',
    ghana_card_pin: 'GHA-987654321-5',
    channel: 'momo',
    account_number: '0241234567',
  },
  attendance: { worker_ref: 'WK0000001', subproject_code: 'SP-NR-04-001', work_date: '2026-11-03' },
} satisfies Record<ImportKind, Record<string, string>>;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
  await load('households', [{ ...GOOD.households, household_ref: 'HH0000001' }]);
  await load('subprojects', [{ ...GOOD.subprojects, subproject_code: 'SP-NR-04-001' }]);
  await load('subprojects', [GOOD.subprojects]);
  await load('workers', [{ ...GOOD.workers, worker_ref: 'WK0000001' }]);
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('row rules', () => {
  it.each<[ImportKind, Record<string, string>, string, string | null]>([
    ['households', { household_ref: '' }, 'MISSING_FIELD', 'household_ref'],
    ['households', { household_ref: 'HH12' }, 'INVALID_REF', 'household_ref'],
    ['households', { community: '' }, 'MISSING_FIELD', 'community'],
    ['households', { region_code: 'XX' }, 'UNKNOWN_REGION', 'region_code'],
    ['households', { district_code: 'NR-99' }, 'UNKNOWN_DISTRICT', 'district_code'],
    ['households', { district_code: 'UE-01' }, 'DISTRICT_NOT_IN_REGION', 'district_code'],
    ['households', { enrolled_on: '2020-02-30' }, 'INVALID_DATE', 'enrolled_on'],
    ['households', { enrolled_on: '15/01/2020' }, 'INVALID_DATE', 'enrolled_on'],
    ['households', { enrolled_on: '2026-12-02' }, 'DATE_IN_FUTURE', 'enrolled_on'],
    ['households', { status: 'graduated' }, 'INVALID_STATUS', 'status'],
    ['members', { member_ref: 'MB123' }, 'INVALID_REF', 'member_ref'],
    ['members', { household_ref: 'HH0999999' }, 'UNKNOWN_HOUSEHOLD', 'household_ref'],
    ['members', { full_name: '' }, 'MISSING_FIELD', 'full_name'],
    ['members', { sex: 'X' }, 'INVALID_SEX', 'sex'],
    ['members', { ghana_card_pin: 'GHA-12345678-9' }, 'INVALID_GHANA_CARD', 'ghana_card_pin'],
    ['members', { ghana_card_pin: 'GHA1234567890' }, 'INVALID_GHANA_CARD', 'ghana_card_pin'],
    ['members', { ghana_card_pin: '' }, 'MISSING_FIELD', 'ghana_card_pin'],
    ['members', { role: 'alternate', ghana_card_pin: '' }, 'MISSING_FIELD', 'ghana_card_pin'],
    ['members', { date_of_birth: '1990-13-05' }, 'INVALID_DATE', 'date_of_birth'],
    ['members', { date_of_birth: '2027-01-01' }, 'DATE_IN_FUTURE', 'date_of_birth'],
    ['members', { deceased_on: '2026-02-29' }, 'INVALID_DATE', 'deceased_on'],
    ['members', { category: 'orphan' }, 'INVALID_CATEGORY', 'category'],
    ['members', { role: 'head' }, 'INVALID_ROLE', 'role'],
    [
      'members',
      { category: 'elderly', date_of_birth: '1961-12-02' },
      'AGE_CATEGORY_MISMATCH',
      'category',
    ],
    [
      'members',
      { category: 'ovc', date_of_birth: '2008-12-01' },
      'AGE_CATEGORY_MISMATCH',
      'category',
    ],
    ['instruments', { household_ref: 'HH0999999' }, 'UNKNOWN_HOUSEHOLD', 'household_ref'],
    ['instruments', { channel: 'cash' }, 'INVALID_CHANNEL', 'channel'],
    ['instruments', { account_number: '12345' }, 'INVALID_ACCOUNT', 'account_number'],
    [
      'instruments',
      { channel: 'momo', account_number: '+23324123' },
      'INVALID_ACCOUNT',
      'account_number',
    ],
    [
      'instruments',
      { channel: 'momo', account_number: '233241234567' },
      'INVALID_ACCOUNT',
      'account_number',
    ],
    [
      'instruments',
      { channel: 'bank', account_number: 'ABC', bank_sort_code: '130101' },
      'INVALID_ACCOUNT',
      'account_number',
    ],
    [
      'instruments',
      { channel: 'bank', account_number: '1234567890123', bank_sort_code: '12345' },
      'INVALID_ACCOUNT',
      'bank_sort_code',
    ],
    [
      'instruments',
      { channel: 'bank', account_number: '1234567890123' },
      'MISSING_FIELD',
      'bank_sort_code',
    ],
    [
      'instruments',
      { channel: 'bank', account_number: '1234567890123', bank_sort_code: '123456' },
      'UNKNOWN_SORT_CODE',
      'bank_sort_code',
    ],
    ['instruments', { verified: 'maybe' }, 'INVALID_BOOLEAN', 'verified'],
    ['subprojects', { subproject_code: 'SP-NR-4-1' }, 'INVALID_REF', 'subproject_code'],
    ['subprojects', { subproject_code: 'SP-UE-01-001' }, 'INVALID_REF', 'subproject_code'],
    ['subprojects', { district_code: 'NR-77' }, 'UNKNOWN_DISTRICT', 'district_code'],
    ['subprojects', { asset_type: 'bridge' }, 'INVALID_ASSET_TYPE', 'asset_type'],
    ['workers', { worker_ref: 'W1' }, 'INVALID_REF', 'worker_ref'],
    ['workers', { subproject_code: 'SP-NR-04-999' }, 'UNKNOWN_SUBPROJECT', 'subproject_code'],
    ['workers', { household_ref: '' }, 'MISSING_FIELD', 'household_ref'],
    ['workers', { ghana_card_pin: 'GHA-ABCDEFGHI-1' }, 'INVALID_GHANA_CARD', 'ghana_card_pin'],
    ['workers', { channel: 'bank' }, 'INVALID_CHANNEL', 'channel'],
    [
      'workers',
      { channel: 'ezwich', account_number: '02412' },
      'INVALID_ACCOUNT',
      'account_number',
    ],
    ['attendance', { worker_ref: 'WK0009999' }, 'UNKNOWN_WORKER', 'worker_ref'],
    ['attendance', { subproject_code: 'SP-NR-04-999' }, 'UNKNOWN_SUBPROJECT', 'subproject_code'],
    ['attendance', { work_date: '2026-11-31' }, 'INVALID_DATE', 'work_date'],
    ['attendance', { work_date: '2027-01-04' }, 'DATE_IN_FUTURE', 'work_date'],
    ['attendance', { subproject_code: 'SP-NR-04-009' }, 'WRONG_SITE', 'subproject_code'],
  ])('rejects a row of %s with %j as %s on %s', async (kind, change, reason, field) => {
    const r = await load(kind, [{ ...GOOD[kind], ...change }]);
    expect([r.accepted, r.rejected]).toEqual([0, 1]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.field])).toEqual([[2, reason, field]]);
  });

  it.each(Object.keys(GOOD) as ImportKind[])('accepts a good row of %s', async (kind) => {
    const r = await load(kind, [GOOD[kind]]);
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
  });

  it('records every reason of a row, one quarantine row each, and counts the row once', async () => {
    const r = await load('members', [
      { ...GOOD.members, member_ref: 'MB00000201', sex: '?', category: 'x', role: 'y' },
    ]);
    expect(r.rejected).toBe(1);
    expect(r.rejects.map((x) => x.reason)).toEqual([
      'INVALID_SEX',
      'INVALID_CATEGORY',
      'INVALID_ROLE',
    ]);
    const [n] = await rows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM import_rejects WHERE import_file_id = ${r.fileId}`,
    );
    expect(n!.n).toBe(3);
  });

  it('rejects the second row with the same reference as DUPLICATE_KEY', async () => {
    const row = { ...GOOD.members, member_ref: 'MB00000301', role: 'member' };
    const r = await load('members', [row, { ...row, full_name: 'Ama Boateng' }]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.field])).toEqual([
      [3, 'DUPLICATE_KEY', 'member_ref'],
    ]);
  });

  it('rejects the same worker on the same day twice as DUPLICATE_ATTENDANCE', async () => {
    const day = { ...GOOD.attendance, work_date: '2026-11-04' };
    const r = await load('attendance', [day, { ...GOOD.attendance, work_date: '2026-11-05' }, day]);
    expect([r.accepted, r.rejected]).toEqual([2, 1]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.field])).toEqual([
      [4, 'DUPLICATE_ATTENDANCE', 'work_date'],
    ]);
  });

  it('rejects a row with a value too many or too few as WRONG_COLUMN_COUNT', async () => {
    const path = await writeCsv(dir, 'worker_ref,subproject_code,work_date', [
      'WK0000001,SP-NR-04-001,2026-11-09,extra',
      'WK0000001,SP-NR-04-001',
    ]);
    const r = await importFile(t.db, { kind: 'attendance', path, loadedBy: OFFICER, asOf: AS_OF });
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([
      [2, 'WRONG_COLUMN_COUNT'],
      [3, 'WRONG_COLUMN_COUNT'],
      [3, 'MISSING_FIELD'],
    ]);
  });

  it('reports physical line numbers across blank lines and quoted line breaks', async () => {
    const path = await writeCsv(
      dir,
      'household_ref,region_code,district_code,community,enrolled_on,status',
      [
        'HH0000401,NR,NR-04,"Kumbungu',
        'North",2020-01-15,active',
        '',
        'HH0000402,NR,NR-04,Tolon,2020-01-15,dormant',
      ],
    );
    const r = await importFile(t.db, { kind: 'households', path, loadedBy: OFFICER, asOf: AS_OF });
    expect([r.rowsTotal, r.accepted]).toEqual([2, 1]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[5, 'INVALID_STATUS']]);
  });

  it('reads columns by name in any order, ignores extra columns and a byte order mark', async () => {
    const path = await writeCsv(
      dir,
      '\uFEFFnotes,status,enrolled_on,community,district_code,region_code,household_ref',
      ['new,active,2021-03-01,Savelugu,NR-11,NR,HH0000501'],
    );
    const r = await importFile(t.db, { kind: 'households', path, loadedBy: OFFICER, asOf: AS_OF });
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
  });

  it('reads Windows line ends and column names in capitals', async () => {
    const path = join(dir, 'crlf.csv');
    const text = 'Worker_Ref, SUBPROJECT_CODE ,Work_Date\r\nWK0000001,SP-NR-04-001,2026-11-10\r\n';
    await writeFile(path, text, 'utf8');
    const r = await importFile(t.db, { kind: 'attendance', path, loadedBy: OFFICER, asOf: AS_OF });
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
  });

  it('stores a mobile number in +233 form and the e-zwich rule from its parameter', async () => {
    await load('households', [{ ...GOOD.households, household_ref: 'HH0000601' }]);
    await load('instruments', [
      {
        ...GOOD.instruments,
        household_ref: 'HH0000601',
        channel: 'MoMo',
        account_number: '024 123 4567',
      },
    ]);
    const [pi] = await rows<{ channel: string; account_number: string }>(
      t.db,
      sql`SELECT channel, account_number FROM payment_instruments pi
          JOIN households h ON h.id = pi.household_id WHERE h.household_ref = 'HH0000601'`,
    );
    expect(pi).toEqual({ channel: 'momo', account_number: '+233241234567' });

    const path = await writeCsv(dir, FILE_COLUMNS.instruments.join(','), [
      'HH0000601,e-zwich,12345678,,Ama Mensah,yes',
    ]);
    const r = await importFile(t.db, {
      kind: 'instruments',
      path,
      loadedBy: OFFICER,
      ezwichPattern: '^\\d{8}$',
    });
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
  });

  it('updates a household from a newer extract, with its enrolment status', async () => {
    await load('households', [{ ...GOOD.households, household_ref: 'HH0000701' }]);
    await load('households', [
      {
        ...GOOD.households,
        household_ref: 'HH0000701',
        community: 'Dalun',
        status: 'suspended',
        status_since: '2026-10-01',
      },
    ]);
    const [h] = await rows<{ community: string; status: string; since: string; n: number }>(
      t.db,
      sql`SELECT h.community, e.status, e.since::text AS since,
            (SELECT count(*)::int FROM enrolments x WHERE x.household_id = h.id) AS n
          FROM households h JOIN enrolments e ON e.household_id = h.id
          WHERE h.household_ref = 'HH0000701'`,
    );
    expect(h).toEqual({ community: 'Dalun', status: 'suspended', since: '2026-10-01', n: 1 });
  });
});
