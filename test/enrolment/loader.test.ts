import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { importFile } from '../../src/enrolment/index.js';
import { SikaError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir } from './helpers.js';

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

async function file(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, body);
  return path;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SikaError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('who may load files', () => {
  it.each([
    ['nobody', 'UNKNOWN_USER'],
    ['yaw.darko', 'ROLE_NOT_ALLOWED'],
    ['kwame.boateng', 'ROLE_NOT_ALLOWED'],
  ])('refuses %s with %s and records nothing', async (user, code) => {
    const path = await file(
      `h-${user}.csv`,
      `${HEADER}\nHH0000001,NR,NR-01,Tolon,2020-01-01,active\n`,
    );
    expect(
      await codeOf(importFile(t.db, { kind: 'households', path, loadedBy: user, asOf: AS_OF })),
    ).toBe(code);
    const [n] = await rows<{ files: number }>(
      t.db,
      sql`SELECT count(*)::int AS files FROM import_files`,
    );
    expect(n!.files).toBe(0);
  });
});

describe('quotes inside unquoted fields', () => {
  it('keeps a"b and =HYPERLINK("x") as written, as plain text', async () => {
    const path = await file(
      'quotes.csv',
      `${HEADER}\nHH0000001,NR,NR-01,a"b,2020-01-01,active\nHH0000002,NR,NR-01,=HYPERLINK("http://x"),2020-01-01,active\n`,
    );
    const r = await importFile(t.db, { kind: 'households', path, loadedBy: OFFICER, asOf: AS_OF });
    expect([r.accepted, r.rejected]).toEqual([2, 0]);
    const stored = await rows<{ community: string }>(
      t.db,
      sql`SELECT community FROM households ORDER BY household_ref`,
    );
    expect(stored.map((s) => s.community)).toEqual(['a"b', '=HYPERLINK("http://x")']);
  });

  it('still refuses a quote that is never closed', async () => {
    const path = await file(
      'unclosed.csv',
      `${HEADER}\n"HH0000003,NR,NR-01,Tolon,2020-01-01,active\n`,
    );
    expect(
      await codeOf(importFile(t.db, { kind: 'households', path, loadedBy: OFFICER, asOf: AS_OF })),
    ).toBe('BAD_INPUT_FILE');
  });
});
