import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/open.js';
import { cycles } from '../../src/db/schema.js';
import { canonicalManifest, verifyManifest } from '../../src/ghipss/manifest.js';
import { submitCycle, type SubmittedFile } from '../../src/ghipss/submit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';

const KEY = 'test-manifest-key-0123456789abcdef';
let tdb: TestDatabase;
let db: Db;
let root: string;
let files: SubmittedFile[];
let cycleId: number;

const manifestOf = (path: string) =>
  JSON.parse(readFileSync(`${path}.manifest.json`, 'utf8')) as Record<string, unknown>;

/** A copy of the mobile money file and its manifest in a folder of its own, to tamper with. */
function copyOfMomo(folder: string): string {
  const momo = files[1]!;
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, momo.fileName);
  copyFileSync(momo.path, path);
  copyFileSync(`${momo.path}.manifest.json`, `${path}.manifest.json`);
  return path;
}

/** Changes one byte of a file at `at` (negative: from the end). */
function flipByte(path: string, at: number): void {
  const bytes = readFileSync(path);
  const i = at < 0 ? bytes.length + at : at;
  bytes[i] = bytes[i] === 0x31 ? 0x32 : 0x31;
  writeFileSync(path, bytes);
}

function editManifest(path: string, edit: (m: Record<string, unknown>) => void): void {
  const m = manifestOf(path);
  edit(m);
  writeFileSync(`${path}.manifest.json`, JSON.stringify(m, null, 2));
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  root = mkdtempSync(join(tmpdir(), 'sika-manifest-'));
  ({ cycleId } = await createCycle(db, { programme: 'LEAP', periodKey: '106', generated: 20 }));
  ({ files } = await submitCycle(db, {
    cycleId,
    submittedBy: 'efua.owusu',
    outbox: join(root, 'outbox'),
    manifestKey: KEY,
  }));
});

afterAll(async () => {
  await tdb?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('payment file manifests', () => {
  it('describe each file with its identity, totals, hash and the seal of its cycle', async () => {
    const momo = files[1]!;
    const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));

    expect(manifestOf(momo.path)).toEqual({
      fileName: 'SIKA_LEAP_106_MOMO_001.xml',
      programme: 'LEAP',
      cycleId,
      period: '106',
      channel: 'momo',
      sequence: 1,
      format: 'pain.001.001.03',
      messageId: 'SIKA-LEAP-106-MOMO-001',
      paymentInfoId: 'PMT-LEAP-106-MOMO-001',
      txCount: 6,
      controlSum: '2700.00',
      sha256: momo.sha256,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      cycleSeal: cycle!.sealSha256,
      signature: { algorithm: 'HMAC-SHA256', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('are signed with HMAC-SHA256 over the sorted, unspaced form without the signature', () => {
    const { signature, ...content } = manifestOf(files[0]!.path);
    const canonical = canonicalManifest(content as never);

    expect(canonical).toMatch(/^\{"channel":"ezwich","controlSum":"4419\.34","createdAt":"/);
    expect(canonical).not.toContain(' ');
    expect((signature as { value: string }).value).toBe(
      createHmac('sha256', KEY).update(canonical).digest('hex'),
    );
  });

  it('verify every file of the submission with the key, by file or by manifest path', async () => {
    for (const f of files) {
      expect(await verifyManifest(f.path, KEY)).toMatchObject({ ok: true });
      expect(await verifyManifest(`${f.path}.manifest.json`, KEY)).toMatchObject({ ok: true });
    }
  });

  it.each([
    ['a changed byte in the payment file', (p: string) => flipByte(p, -300), 'sha256_differs'],
    [
      'a byte appended to the payment file',
      (p: string) => writeFileSync(p, '\n', { flag: 'a' }),
      'sha256_differs',
    ],
    [
      'a control sum one pesewa higher in the manifest',
      (p: string) => editManifest(p, (m) => (m.controlSum = '2700.01')),
      'bad_signature',
    ],
    [
      'a transaction count changed in the manifest',
      (p: string) => editManifest(p, (m) => (m.txCount = 7)),
      'bad_signature',
    ],
    [
      'the manifest hash changed to match a changed file',
      (p: string) => {
        flipByte(p, -300);
        editManifest(p, (m) => (m.sha256 = '0'.repeat(64)));
      },
      'bad_signature',
    ],
    [
      'a changed byte in the signature',
      (p: string) =>
        editManifest(p, (m) => {
          const s = m.signature as { value: string };
          s.value = `${s.value[0] === 'a' ? 'b' : 'a'}${s.value.slice(1)}`;
        }),
      'bad_signature',
    ],
    [
      'a field added to the manifest',
      (p: string) => editManifest(p, (m) => (m.note = 'ok')),
      'manifest_unreadable',
    ],
    [
      'the signature removed',
      (p: string) => editManifest(p, (m) => (m.signature = null)),
      'unsigned',
    ],
    ['the payment file missing', (p: string) => rmSync(p), 'file_missing'],
    ['the manifest missing', (p: string) => rmSync(`${p}.manifest.json`), 'manifest_unreadable'],
  ])('detect %s', async (_case, tamper, problem) => {
    const path = copyOfMomo(`tamper-${problem}-${Math.random().toString(36).slice(2, 8)}`);
    expect(await verifyManifest(path, KEY)).toMatchObject({ ok: true });

    tamper(path);

    expect(await verifyManifest(path, KEY)).toMatchObject({ ok: false, problem });
  });

  it('refuse a manifest checked with another key', async () => {
    expect(await verifyManifest(files[2]!.path, 'another-key')).toMatchObject({
      ok: false,
      problem: 'bad_signature',
    });
  });

  it('detect a file renamed to another file name', async () => {
    const dir = join(root, 'renamed');
    mkdirSync(dir);
    const path = join(dir, 'SIKA_LEAP_106_MOMO_002.xml');
    copyFileSync(files[1]!.path, path);
    copyFileSync(`${files[1]!.path}.manifest.json`, `${path}.manifest.json`);

    expect(await verifyManifest(path, KEY)).toMatchObject({
      ok: false,
      problem: 'file_name_differs',
    });
  });

  it('are written unsigned when no key is configured', async () => {
    const { cycleId: unsignedCycle } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '105',
      generated: 3,
    });
    const { files: unsigned } = await submitCycle(db, {
      cycleId: unsignedCycle,
      submittedBy: 'efua.owusu',
      outbox: join(root, 'unsigned'),
    });

    expect(manifestOf(unsigned[0]!.path).signature).toBeNull();
    expect(await verifyManifest(unsigned[0]!.path, KEY)).toMatchObject({
      ok: false,
      problem: 'unsigned',
    });
  });
});
