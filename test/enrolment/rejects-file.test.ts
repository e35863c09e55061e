import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { importFile } from '../../src/enrolment/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir, writeCsv } from './helpers.js';

let t: TestDatabase;
let dir: string;

const MEMBER_HEADER =
  'member_ref,household_ref,full_name,sex,date_of_birth,ghana_card_pin,category,role';

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
  const households = await writeCsv(
    dir,
    'household_ref,region_code,district_code,community,enrolled_on,status',
    ['HH0000001,NR,NR-04,Kumbungu,2020-01-15,active'],
  );
  await importFile(t.db, { kind: 'households', path: households, loadedBy: OFFICER, asOf: AS_OF });
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

const load = (path: string, rejectsDir?: string) =>
  importFile(t.db, { kind: 'members', path, loadedBy: OFFICER, asOf: AS_OF, rejectsDir });

async function xlsx(path: string, table: string[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('members');
  for (const r of table) sheet.addRow(r);
  await wb.xlsx.writeFile(path);
  return path;
}

/** When an import file was loaded, as rejects file names spell it: YYYYMMDD-HHMMSS, UTC. */
async function loadedAt(fileId: number): Promise<string> {
  const [f] = await rows<{ ms: number }>(
    t.db,
    sql`SELECT (extract(epoch FROM created_at) * 1000)::float8 AS ms FROM import_files
        WHERE id = ${fileId}`,
  );
  const d = new Date(Math.floor(Number(f!.ms)));
  return d.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

async function sheetOf(path: string): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb.worksheets[0]!;
}

describe('the rejects file of a CSV import', () => {
  it('holds the rejected rows as read, with every reason first, and loads once corrected', async () => {
    const path = await writeCsv(dir, MEMBER_HEADER, [
      'MB00000001,HH0000001,Ama Mensah,F,1980-05-01,GHA-123456789-0,none,caregiver',
      'MB00000002,HH0000001,,F,1982-05-01,GHA-12345678-9,none,member',
      'MB00000003,HH0000001,"Kofi, Jnr",M,1990-02-30,,none,member',
    ]);
    const rejectsDir = join(dir, 'rejects');
    const r = await load(path, rejectsDir);
    expect([r.accepted, r.rejected, r.rejectsFile]).toEqual([
      1,
      2,
      join(
        rejectsDir,
        `${path.split('/').pop()!.replace('.csv', '')}.import-${r.fileId}-${await loadedAt(r.fileId)}.rejects.csv`,
      ),
    ]);
    const text = await readFile(r.rejectsFile!, 'utf8');
    expect(text).toBe(
      '\uFEFFreasons,' +
        MEMBER_HEADER +
        '\n' +
        'MISSING_FIELD(full_name); INVALID_GHANA_CARD(ghana_card_pin),MB00000002,HH0000001,,F,1982-05-01,GHA-12345678-9,none,member\n' +
        'INVALID_DATE(date_of_birth),MB00000003,HH0000001,"Kofi, Jnr",M,1990-02-30,,none,member\n',
    );

    const fixed = join(dir, 'members.fixed.csv');
    await writeFile(
      fixed,
      text
        .replace(',,F,1982', ',Abena Mensah,F,1982')
        .replace('GHA-12345678-9', 'GHA-123456780-9')
        .replace('1990-02-30', '1990-02-28'),
    );
    const again = await load(fixed, rejectsDir);
    expect([again.accepted, again.rejected, again.rejectsFile]).toEqual([2, 0, null]);
  });

  it('guards a value starting with = + - @ tab or CR in the file, and loads it back unguarded', async () => {
    const path = await writeCsv(dir, MEMBER_HEADER, [
      'MB00000011,HH0000001,"=HYPERLINK(""x"")",F,1980-05-01,,none,member',
      'MB00000012,HH0000001,@Ama,X,1980-05-01,,none,member',
      'MB00000013,HH0000001,"=HYPERLINK(""http://x"",""y"")",X,1980-05-01,,none,member',
      'MB00000014,HH0000001,+Kofi,M,1980-05-01,,none,-boss',
      'MB00000015,HH0000001,"\tYaw",M,1980-05-01,,none,x',
      "MB00000016,HH0000001,'Esi,F,1980-05-01,,none,y",
    ]);
    const r = await load(path, join(dir, 'rejects'));
    expect([r.accepted, r.rejected]).toEqual([1, 5]);
    const [m] = await rows<{ full_name: string }>(
      t.db,
      sql`SELECT full_name FROM members WHERE member_ref = 'MB00000011'`,
    );
    expect(m!.full_name).toBe('=HYPERLINK("x")');
    const text = await readFile(r.rejectsFile!, 'utf8');
    expect(text.split('\n').slice(1, 6)).toEqual([
      "INVALID_SEX(sex),MB00000012,HH0000001,'@Ama,X,1980-05-01,,none,member",
      'INVALID_SEX(sex),MB00000013,HH0000001,"\'=HYPERLINK(""http://x"",""y"")",X,1980-05-01,,none,member',
      "INVALID_ROLE(role),MB00000014,HH0000001,'+Kofi,M,1980-05-01,,none,'-boss",
      "INVALID_ROLE(role),MB00000015,HH0000001,'\tYaw,M,1980-05-01,,none,x",
      // An apostrophe before anything else is the value's own and stays.
      "INVALID_ROLE(role),MB00000016,HH0000001,'Esi,F,1980-05-01,,none,y",
    ]);

    const fixed = join(dir, 'guarded.fixed.csv');
    await writeFile(
      fixed,
      text
        .replaceAll(',X,1980', ',F,1980')
        .replace("'-boss", 'member')
        .replace('none,x', 'none,member')
        .replace('none,y', 'none,member'),
    );
    const again = await load(fixed, join(dir, 'rejects'));
    expect([again.accepted, again.rejected]).toEqual([5, 0]);
    const names = await rows<{ member_ref: string; full_name: string }>(
      t.db,
      sql`SELECT member_ref, full_name FROM members
          WHERE member_ref BETWEEN 'MB00000012' AND 'MB00000016' ORDER BY member_ref`,
    );
    expect(names.map((n) => n.full_name)).toEqual([
      '@Ama',
      '=HYPERLINK("http://x","y")',
      '+Kofi',
      // Names are trimmed on load; the guard came off first, or the apostrophe would remain.
      'Yaw',
      "'Esi",
    ]);
  });

  it('round-trips a +233 mobile number through the rejects file', async () => {
    const header = 'household_ref,channel,account_number,holder_name,verified';
    const path = await writeCsv(dir, header, ['HH0000001,momo,+233241234568,Ama Mensah,maybe']);
    const r = await importFile(t.db, {
      kind: 'instruments',
      path,
      loadedBy: OFFICER,
      asOf: AS_OF,
      rejectsDir: join(dir, 'rejects'),
    });
    expect(r.rejected).toBe(1);
    const text = await readFile(r.rejectsFile!, 'utf8');
    expect(text.split('\n')[1]).toBe(
      "INVALID_BOOLEAN(verified),HH0000001,momo,'+233241234568,Ama Mensah,maybe",
    );
    const fixed = join(dir, 'instruments.fixed.csv');
    await writeFile(fixed, text.replace(',maybe', ',true'));
    const again = await importFile(t.db, {
      kind: 'instruments',
      path: fixed,
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect([again.accepted, again.rejected]).toEqual([1, 0]);
    const [p] = await rows<{ account: string }>(
      t.db,
      sql`SELECT account_number AS account FROM payment_instruments
          WHERE household_id = (SELECT id FROM households WHERE household_ref = 'HH0000001')`,
    );
    expect(p!.account).toBe('+233241234568');
  });

  it('keeps the semicolon of a semicolon file and reuses the reasons column of a rejects file', async () => {
    const path = await writeCsv(dir, `reasons;${MEMBER_HEADER.replaceAll(',', ';')}`, [
      'OLD;MB00000021;HH0000001;Yaw Dery;M;1980-05-01;;none;boss',
    ]);
    const r = await load(path, join(dir, 'rejects'));
    expect(r.rejected).toBe(1);
    expect((await readFile(r.rejectsFile!, 'utf8')).split('\n').slice(0, 2)).toEqual([
      `\uFEFFreasons;${MEMBER_HEADER.replaceAll(',', ';')}`,
      'INVALID_ROLE(role);MB00000021;HH0000001;Yaw Dery;M;1980-05-01;;none;boss',
    ]);
  });

  it('is written again for a file loaded before, from its quarantine', async () => {
    const path = await writeCsv(dir, MEMBER_HEADER, [
      'MB00000031,HH0000001,Esi Ofori,F,1980-05-01,,none,chief',
    ]);
    await load(path);
    const again = await load(path, join(dir, 'later'));
    expect(again.alreadyLoaded).toBe(true);
    expect((await readFile(again.rejectsFile!, 'utf8')).split('\n')[1]).toBe(
      'INVALID_ROLE(role),MB00000031,HH0000001,Esi Ofori,F,1980-05-01,,none,chief',
    );
  });

  it('keeps the rejects file of an earlier run of a file of the same name', async () => {
    const rejectsDir = join(dir, 'rejects-runs');
    const results = [];
    for (const [run, ref] of [
      ['run-1', 'MB00000071'],
      ['run-2', 'MB00000072'],
    ] as const) {
      await mkdir(join(dir, run));
      const path = join(dir, run, 'members.csv');
      await writeFile(path, `${MEMBER_HEADER}\n${ref},HH0000001,Ama,F,1980-05-01,,none,chief\n`);
      results.push(await load(path, rejectsDir));
    }
    const names = [];
    for (const r of results) {
      names.push(`members.import-${r.fileId}-${await loadedAt(r.fileId)}.rejects.csv`);
    }
    expect((await readdir(rejectsDir)).sort()).toEqual(names.sort());
    expect((await readFile(results[0]!.rejectsFile!, 'utf8')).split('\n')[1]).toBe(
      'INVALID_ROLE(role),MB00000071,HH0000001,Ama,F,1980-05-01,,none,chief',
    );
  });

  it('writes no file when no row is rejected or no folder is given', async () => {
    const path = await writeCsv(dir, MEMBER_HEADER, [
      'MB00000041,HH0000001,Efua Owusu,F,1980-05-01,,none,member',
    ]);
    expect((await load(path, join(dir, 'rejects'))).rejectsFile).toBeNull();
    const bad = await writeCsv(dir, MEMBER_HEADER, [
      'MB00000042,HH0000001,Efua,F,1980,,none,member',
    ]);
    expect((await load(bad)).rejectsFile).toBeNull();
  });
});

describe('an XLSX import', () => {
  it('reads the first worksheet by column name, numbering rows as the sheet does', async () => {
    const path = await xlsx(join(dir, 'members.xlsx'), [
      [
        'Role',
        'Member_Ref',
        'Household_Ref',
        'Full_Name',
        'Sex',
        'Date_Of_Birth',
        'Ghana_Card_Pin',
        'Category',
        'Notes',
      ],
      ['member', 'MB00000051', 'HH0000001', 'Nyamekyɛ Ɔkyeame', 'F', '1980-05-01', '', 'none', 'x'],
      [],
      ['member', 'MB00000052', 'HH0000001', '=1+1', 'F', '1980-05-01', 'GHA-1', 'none', ''],
      ['member', 'MB00000053', 'HH0000001', 'Ama', 'F', '1980-05-01', '', 'teacher', ''],
    ]);
    const rejectsDir = join(dir, 'rejects-xlsx');
    const r = await load(path, rejectsDir);
    expect([r.format, r.encoding, r.rowsTotal, r.accepted, r.rejected]).toEqual([
      'xlsx',
      null,
      3,
      1,
      2,
    ]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.field])).toEqual([
      [4, 'INVALID_GHANA_CARD', 'ghana_card_pin'],
      [5, 'INVALID_CATEGORY', 'category'],
    ]);
    const [m] = await rows<{ full_name: string }>(
      t.db,
      sql`SELECT full_name FROM members WHERE member_ref = 'MB00000051'`,
    );
    expect(m!.full_name).toBe('Nyamekyɛ Ɔkyeame');

    expect(r.rejectsFile).toBe(
      join(rejectsDir, `members.import-${r.fileId}-${await loadedAt(r.fileId)}.rejects.xlsx`),
    );
    const sheet = await sheetOf(r.rejectsFile!);
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'reasons',
      'Role',
      'Member_Ref',
      'Household_Ref',
      'Full_Name',
      'Sex',
      'Date_Of_Birth',
      'Ghana_Card_Pin',
      'Category',
      'Notes',
    ]);
    expect(sheet.getCell('A2').value).toBe('INVALID_GHANA_CARD(ghana_card_pin)');
    expect([sheet.getCell('E2').value, sheet.getCell('E2').type]).toEqual([
      '=1+1',
      ExcelJS.ValueType.String,
    ]);
    expect(sheet.getCell('A3').value).toBe('INVALID_CATEGORY(category)');

    sheet.getCell('H2').value = 'GHA-123456789-1';
    sheet.getCell('I3').value = 'ovc';
    sheet.getCell('G3').value = '2015-01-01';
    const fixed = join(dir, 'members-fixed.xlsx');
    await sheet.workbook.xlsx.writeFile(fixed);
    const again = await load(fixed, rejectsDir);
    expect([again.accepted, again.rejected]).toEqual([2, 0]);
  });

  it('reads numbers and dates typed into cells as text', async () => {
    const path = await xlsx(join(dir, 'typed.xlsx'), [
      [
        'member_ref',
        'household_ref',
        'full_name',
        'sex',
        'date_of_birth',
        'ghana_card_pin',
        'category',
        'role',
      ],
      [
        'MB00000061',
        'HH0000001',
        'Kojo Badu',
        'M',
        new Date(Date.UTC(1975, 2, 9)) as never,
        '',
        'none',
        'member',
      ],
    ]);
    const r = await load(path);
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
    const [m] = await rows<{ born: string }>(
      t.db,
      sql`SELECT date_of_birth::text AS born FROM members WHERE member_ref = 'MB00000061'`,
    );
    expect(m!.born).toBe('1975-03-09');
  });

  it('keeps the leading zeros of a number cell formatted with zeros, as Excel shows it', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('instruments');
    sheet.addRow(['household_ref', 'channel', 'account_number', 'holder_name', 'verified']);
    sheet.addRow(['HH0000001', 'momo', 241234567, 'Ama Mensah', 'true']);
    sheet.getCell('C2').numFmt = '0000000000';
    const path = join(dir, 'zeros.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await importFile(t.db, { kind: 'instruments', path, loadedBy: OFFICER, asOf: AS_OF });
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
    const [p] = await rows<{ account: string }>(
      t.db,
      sql`SELECT account_number AS account FROM payment_instruments`,
    );
    expect(p!.account).toBe('+233241234567');

    // Without the format the zero is gone, and the number is not a mobile number.
    sheet.getCell('C2').numFmt = 'General';
    sheet.getCell('A2').value = 'HH0000001';
    await wb.xlsx.writeFile(join(dir, 'no-zeros.xlsx'));
    const plain = await importFile(t.db, {
      kind: 'instruments',
      path: join(dir, 'no-zeros.xlsx'),
      loadedBy: OFFICER,
      asOf: AS_OF,
    });
    expect(plain.rejects.map((x) => x.reason)).toEqual(['INVALID_ACCOUNT']);
  });

  it('reads only the first worksheet of a workbook', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('members').addRows([
      [
        'member_ref',
        'household_ref',
        'full_name',
        'sex',
        'date_of_birth',
        'ghana_card_pin',
        'category',
        'role',
      ],
      ['MB00000071', 'HH0000001', 'Adwoa Sarpong', 'F', '1981-01-01', '', 'none', 'member'],
    ]);
    wb.addWorksheet('notes').addRows([['anything'], ['else']]);
    const path = join(dir, 'two-sheets.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await load(path);
    expect([r.rowsTotal, r.accepted, r.rejected]).toEqual([1, 1, 0]);
  });

  it('refuses a workbook whose first sheet is empty as BAD_INPUT_FILE', async () => {
    const path = await xlsx(join(dir, 'empty.xlsx'), []);
    await expect(load(path)).rejects.toMatchObject({ code: 'BAD_INPUT_FILE' });
  });
});
