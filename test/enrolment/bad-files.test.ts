import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { importFile } from '../../src/enrolment/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir } from './helpers.js';

let t: TestDatabase;
let dir: string;
let n = 0;

const HEADER = 'household_ref,region_code,district_code,community,enrolled_on,status';

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

async function loadBytes(bytes: Buffer, extra: { maxFieldLength?: number } = {}) {
  const path = join(dir, `bad-${++n}.csv`);
  await writeFile(path, bytes);
  return importFile(t.db, { kind: 'households', path, loadedBy: OFFICER, asOf: AS_OF, ...extra });
}

async function community(ref: string): Promise<string | undefined> {
  const [h] = await rows<{ community: string }>(
    t.db,
    sql`SELECT community FROM households WHERE household_ref = ${ref}`,
  );
  return h?.community;
}

async function storedFile(id: number) {
  const [f] = await rows<{ format: string; encoding: string | null }>(
    t.db,
    sql`SELECT format, encoding FROM import_files WHERE id = ${id}`,
  );
  return f;
}

describe('files as offices really send them', () => {
  it('reads a file that is not UTF-8 as Windows-1252 and records the encoding', async () => {
    const text = `${HEADER}\r\nHH0000001,AS,AS-01,Asankragwa – Bɛkwai é,2020-01-15,active\r\n`;
    // ɛ has no Windows-1252 byte: iconv writes "?" for it, as Excel would.
    const r = await loadBytes(iconv.encode(text, 'win1252'));
    expect([r.encoding, r.accepted, r.rejected]).toEqual(['windows-1252', 1, 0]);
    expect(await community('HH0000001')).toBe('Asankragwa – B?kwai é');
    expect(await storedFile(r.fileId)).toEqual({ format: 'csv', encoding: 'windows-1252' });
  });

  it('reads a UTF-8 file with a byte order mark as UTF-8', async () => {
    const r = await loadBytes(
      Buffer.from(`\uFEFF${HEADER}\nHH0000002,NR,NR-04,Nyamekyɛ,2020-01-15,active\n`, 'utf8'),
    );
    expect([r.encoding, r.accepted]).toEqual(['utf-8', 1]);
    expect(await community('HH0000002')).toBe('Nyamekyɛ');
  });

  it('numbers the lines of a CRLF file as they are, read quickly or by the full parser', async () => {
    const rows = [
      'HH0000011,NR,NR-04,Tolon,2020-01-15,active',
      'HH0000012,NR,NR-04,Tolon,2020-13-15,active',
      'HH0000013,NR,NR-04,"Dalun\r\nNorth",2020-01-15,active',
      'HH0000014,NR,NR-04,Tolon,2020-01-15,dormant',
    ];
    const regular = await loadBytes(Buffer.from(`${HEADER}\r\n${rows.join('\r\n')}\r\n`));
    // A quote inside an unquoted value sends the file to the full parser.
    const irregular = await loadBytes(
      Buffer.from(`${HEADER}\r\n${rows.join('\r\n').replace('HH0000011', 'HH"0000011')}\r\n`),
    );
    const lines = (r: { rejects: { line: number; reason: string }[] }) =>
      r.rejects.map((x) => `${x.line} ${x.reason}`);
    expect(lines(regular)).toEqual(['3 INVALID_DATE', '6 INVALID_STATUS']);
    expect(lines(irregular)).toEqual(['2 INVALID_REF', '3 INVALID_DATE', '6 INVALID_STATUS']);
    expect(await community('HH0000013')).toBe('Dalun\r\nNorth');
  });

  it('finds a semicolon delimiter from the header line', async () => {
    const r = await loadBytes(
      Buffer.from(
        `${HEADER.replaceAll(',', ';')}\nHH0000003;NR;NR-04;"Dalun, North";2020-01-15;active\n`,
      ),
    );
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
    expect(await community('HH0000003')).toBe('Dalun, North');
  });

  it('rejects a row with a field of a megabyte as FIELD_TOO_LONG and loads the others', async () => {
    const huge = 'x'.repeat(1_048_576);
    const r = await loadBytes(
      Buffer.from(
        `${HEADER}\nHH0000004,NR,NR-04,${huge},2020-01-15,active\nHH0000005,NR,NR-04,Tolon,2020-01-15,active\n`,
      ),
    );
    expect([r.rowsTotal, r.accepted, r.rejected]).toEqual([2, 1, 1]);
    expect(r.rejects).toEqual([
      {
        line: 2,
        field: 'community',
        reason: 'FIELD_TOO_LONG',
        message: '1048576 characters, at most 1000',
      },
    ]);
    const [q] = await rows<{ len: number }>(
      t.db,
      sql`SELECT length(raw->>'community')::int AS len FROM import_rejects
          WHERE import_file_id = ${r.fileId}`,
    );
    expect(q!.len).toBe(1001);
  });

  it.each([
    [20, 0, 1],
    [21, 1, 0],
  ])('applies a maximum field length of %i', async (max, accepted, rejected) => {
    const r = await loadBytes(
      Buffer.from(`${HEADER}\nHH00000${max},NR,NR-04,${'y'.repeat(21)},2020-01-15,active\n`),
      { maxFieldLength: max },
    );
    expect([r.accepted, r.rejected]).toEqual([accepted, rejected]);
  });

  it('skips lines holding only delimiters, as spreadsheets write them', async () => {
    const r = await loadBytes(
      Buffer.from(`${HEADER}\n,,,,,\nHH0000006,NR,NR-04,Tolon,2020-01-15,active\n,,,,,\n`),
    );
    expect([r.rowsTotal, r.accepted, r.rejected]).toEqual([1, 1, 0]);
  });
});
