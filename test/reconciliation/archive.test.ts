import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileFile } from '../../reconciliation/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createSubmittedCycle, endToEndId, writePain002 } from './fixtures.js';

let t: TestDatabase;
let tmp: string;
let archiveDir: string;
const loadedBy = 'efua.owusu';

beforeAll(async () => {
  t = await createTestDatabase();
  tmp = await mkdtemp(join(tmpdir(), 'sika-archive-'));
  archiveDir = join(tmp, 'archive');
});
afterAll(async () => {
  await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under the archive's settlements folder, relative to it, in name order. */
const archived = async () =>
  (await readdir(join(archiveDir, 'settlements'), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(archiveDir.length + 1))
    .sort();

describe('the settlement file archive', () => {
  it('keeps the exact bytes of a reconciled file under its SHA-256, once', async () => {
    const { submissions } = await createSubmittedCycle(t.db, {
      cycleNumber: 901,
      lines: ['120.00', '80.50'],
    });
    const path = await writePain002(tmp, 'rsp-901.xml', {
      messageId: 'RSP-901',
      originalMessageId: submissions[0]!.messageId,
      txs: [
        { endToEndId: endToEndId(901, 1), status: 'ACSC' },
        { endToEndId: endToEndId(901, 2), status: 'RJCT', reason: 'AC04' },
      ],
    });
    const bytes = await readFile(path);
    const sha = sha256Of(bytes);

    const r = await reconcileFile(t.db, { path, loadedBy, archiveDir });
    expect(r).toMatchObject({ state: 'loaded', duplicate: false, sha256: sha, paid: 1, failed: 1 });
    const expected = join('settlements', sha.slice(0, 2), `${sha}.xml`);
    expect(await archived()).toEqual([expected]);
    expect((await readFile(join(archiveDir, expected))).equals(bytes)).toBe(true);

    // The same bytes again, under another name: a duplicate, and nothing new in the archive.
    const copy = join(tmp, 'rsp-901-again.xml');
    await writeFile(copy, bytes);
    const again = await reconcileFile(t.db, { path: copy, loadedBy, archiveDir });
    expect(again).toMatchObject({ duplicate: true, sha256: sha, repeatOf: 'rsp-901.xml' });
    expect(await archived()).toEqual([expected]);
    expect((await readdir(join(archiveDir, 'settlements', sha.slice(0, 2)))).sort()).toEqual([
      `${sha}.xml`,
    ]);
  });

  it('keeps an unreadable file too, after the folder it came from is gone', async () => {
    const inbox = await mkdtemp(join(tmp, 'inbox-'));
    const path = join(inbox, 'broken.XML');
    await writeFile(path, 'not xml at all\n');
    const sha = sha256Of(Buffer.from('not xml at all\n'));
    const r = await reconcileFile(t.db, { path, loadedBy, archiveDir });
    expect(r).toMatchObject({ state: 'quarantined', format: 'unreadable', sha256: sha });
    await rm(inbox, { recursive: true });
    const kept = join('settlements', sha.slice(0, 2), `${sha}.XML`);
    expect(await archived()).toContain(kept);
    expect(await readFile(join(archiveDir, kept), 'utf8')).toBe('not xml at all\n');
  });

  it('archives nothing and stores nothing when no archive folder is given', async () => {
    const path = join(tmp, 'unarchived.xml');
    await writeFile(path, 'also not xml\n');
    const before = await archived();
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r.state).toBe('quarantined');
    expect(await archived()).toEqual(before);
  });

  it('refuses to load a file it cannot archive, with OUTPUT_UNWRITABLE', async () => {
    const locked = join(tmp, 'locked');
    await writeFile(locked, 'a file where the archive folder should be');
    const path = join(tmp, 'never-stored.xml');
    await writeFile(path, 'never stored\n');
    await expect(
      reconcileFile(t.db, { path, loadedBy, archiveDir: join(locked, 'archive') }),
    ).rejects.toMatchObject({ code: 'OUTPUT_UNWRITABLE' });
    const again = await reconcileFile(t.db, { path, loadedBy, archiveDir });
    expect(again).toMatchObject({ duplicate: false, state: 'quarantined' });
  });
});
