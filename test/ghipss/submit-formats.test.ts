import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Db } from '../../src/db/open.js';
import { verifyManifest } from '../../src/ghipss/manifest.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { DropFolderTransport } from '../../src/ghipss/transport/drop-folder.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';
import { pain001SchemaErrors } from './xml-helpers.js';

const KEY = 'formats-key';
const FORMATS = {
  ezwich: 'sika-ezwich-csv-1',
  momo: 'sika-momo-csv-1',
  bank: 'pain.001.001.09',
} as const;
let tdb: TestDatabase;
let db: Db;
let root: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  root = mkdtempSync(join(tmpdir(), 'sika-submit-formats-'));
});

afterAll(async () => {
  await tdb?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('submitCycle with a format per channel', () => {
  it('writes each channel in its format, split by the size limit, and records the format', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '106',
      generated: 100,
    });
    const outbox = join(root, 'mixed');

    const result = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      maxTxPerFile: 25,
      formats: FORMATS,
      manifestKey: KEY,
    });

    expect(result.files.map((f) => [f.fileName, f.format, f.txCount, f.controlSum])).toEqual([
      ['SIKA_LEAP_106_EZWICH_001.csv', 'sika-ezwich-csv-1', 25, '9218.68'],
      ['SIKA_LEAP_106_EZWICH_002.csv', 'sika-ezwich-csv-1', 25, '9278.68'],
      ['SIKA_LEAP_106_EZWICH_003.csv', 'sika-ezwich-csv-1', 10, '3599.34'],
      ['SIKA_LEAP_106_MOMO_001.csv', 'sika-momo-csv-1', 25, '11180.00'],
      ['SIKA_LEAP_106_MOMO_002.csv', 'sika-momo-csv-1', 5, '2320.00'],
      ['SIKA_LEAP_106_BANK_001.xml', 'pain.001.001.09', 10, '2196.70'],
    ]);
    const recorded = await rows<{ file_name: string; format: string }>(
      db,
      sql`SELECT file_name, format FROM submissions WHERE cycle_id = ${cycleId} ORDER BY id`,
    );
    expect(recorded.map((r) => r.format)).toEqual(result.files.map((f) => f.format));
    for (const f of result.files) {
      expect(await verifyManifest(f.path, KEY)).toMatchObject({
        ok: true,
        manifest: { format: f.format },
      });
    }
    const rowsOf = (i: number) => readFileSync(result.files[i]!.path, 'utf8').split('\r\n');
    expect(rowsOf(1)[0]).toMatch(
      /^H,sika-ezwich-csv-1,SIKA-LEAP-106-EZWICH-002,PMT-LEAP-106-EZWICH-002,/,
    );
    expect(rowsOf(1)[1]).toMatch(/^D,1,LEAP-106-HH0000042,7000000042,/);
    expect(rowsOf(1).at(-2)).toBe('T,25,9278.68');
    expect(rowsOf(3)[1]).toBe(
      'D,1,LEAP-106-HH0000006,233240000006,Ama Nolo,380.00,HH0000006,LEAP cycle 106 grant',
    );
    const bank = readFileSync(result.files[5]!.path, 'utf8');
    expect(await pain001SchemaErrors(bank, 'pain.001.001.09')).toEqual([]);
  });

  it('produces files the stand-in answers in full, whatever their format', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '105',
      generated: 40,
    });
    const outbox = join(root, 'answered');
    await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox, formats: FORMATS });

    const { answered } = await respondToOutbox({ outbox, inbox: `${outbox}-in`, seed: 1 });

    expect(answered.map((a) => [a.response, a.accepted + a.rejected])).toEqual([
      ['SIKA_LEAP_105_BANK_001.pain002.xml', 4],
      ['SIKA_LEAP_105_EZWICH_001.status.csv', 24],
      ['SIKA_LEAP_105_MOMO_001.status.csv', 12],
    ]);
    const momo = readFileSync(join(`${outbox}-in`, 'SIKA_LEAP_105_MOMO_001.status.csv'), 'utf8');
    expect(momo.split('\r\n')[0]).toMatch(/^H,sika-status-csv-1,[^,]+,SIKA-LEAP-105-MOMO-001,/);
    expect(momo.split('\r\n').filter((r) => r.startsWith('D,'))).toHaveLength(12);
  });

  it('refuses a retry in another format than the first run', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '104',
      generated: 10,
    });
    const outbox = join(root, 'reformat');
    await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox });

    const err = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      formats: { momo: 'sika-momo-csv-1' },
    }).catch((e) => e);

    expect(err.code).toBe('USAGE');
  });
});

describe('DropFolderTransport', () => {
  it('copies each file with its checksum and manifest into a separate drop folder', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '103',
      generated: 10,
    });
    const outbox = join(root, 'local');
    const drop = join(root, 'sftp-drop');

    const first = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      transport: new DropFolderTransport(drop),
      manifestKey: KEY,
    });
    const again = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      transport: new DropFolderTransport(drop),
    });

    expect(readdirSync(drop).sort()).toEqual(readdirSync(outbox).sort());
    expect(readdirSync(drop)).toHaveLength(9);
    for (const f of first.files) {
      expect(await verifyManifest(join(drop, f.fileName), KEY)).toMatchObject({ ok: true });
    }
    expect(again.files.map((f) => f.alreadySent)).toEqual([true, true, true]);
  });

  it('knows a message by a manifest and an intact file, and forgets it when the file is gone', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '102',
      generated: 10,
    });
    const outbox = join(root, 'known');
    const drop = new DropFolderTransport(outbox);
    const { files } = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox });

    expect(await drop.status('SIKA-LEAP-102-MOMO-001')).toEqual({
      known: true,
      sha256: files[1]!.sha256,
      answered: false,
    });
    rmSync(files[1]!.path);
    expect(await drop.status('SIKA-LEAP-102-MOMO-001')).toEqual({ known: false });
    expect(await drop.status('SIKA-LEAP-102-EZWICH-009')).toEqual({ known: false });
  });
});
