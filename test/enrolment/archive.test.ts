import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/enrolment/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AS_OF, OFFICER, tempDir, writeCsv } from './helpers.js';

let t: TestDatabase;
let dir: string;
let archiveDir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await tempDir();
  archiveDir = join(dir, 'archive');
});
afterAll(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

const HEADER = 'household_ref,region_code,district_code,community,enrolled_on,status';

describe('the import file archive', () => {
  it('keeps the exact bytes of an imported file, with rejects, under its SHA-256, once', async () => {
    const path = await writeCsv(dir, HEADER, [
      'HH0000001,NR,NR-04,Kumbungu,2020-01-15,active',
      'HH0000002,XX,NR-04,Kumbungu,2020-01-15,active',
    ]);
    const bytes = await readFile(path);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const load = () =>
      importFile(t.db, { kind: 'households', path, loadedBy: OFFICER, asOf: AS_OF, archiveDir });

    const r = await load();
    expect(r).toMatchObject({ sha256: sha, accepted: 1, rejected: 1, alreadyLoaded: false });
    const folder = join(archiveDir, 'imports', sha.slice(0, 2));
    expect(await readdir(folder)).toEqual([`${sha}.csv`]);
    expect((await readFile(join(folder, `${sha}.csv`))).equals(bytes)).toBe(true);

    expect(await load()).toMatchObject({ sha256: sha, alreadyLoaded: true });
    expect(await readdir(join(archiveDir, 'imports'))).toEqual([sha.slice(0, 2)]);
    expect(await readdir(folder)).toEqual([`${sha}.csv`]);
  });
});
