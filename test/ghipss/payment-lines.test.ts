import { createHash } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/open.js';
import { writePain001 } from '../../src/ghipss/pain001-writer.js';
import { planPaymentFiles, readPaymentLines } from '../../src/ghipss/payment-lines.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { seedReferenceData } from '../../src/reference/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';
import { Collector, pain001SchemaErrors, texts } from './xml-helpers.js';

let pg: TestDatabase;
let lite: Database;
let root: string;

beforeAll(async () => {
  pg = await createTestDatabase();
  root = mkdtempSync(join(tmpdir(), 'sika-lines-'));
  lite = await openDatabase({ dbDir: join(root, 'pglite') });
  await lite.migrate();
  await seedReferenceData(lite.db);
  // Migrating the embedded database takes several seconds on a busy machine.
}, 120_000);

afterAll(async () => {
  await pg?.drop();
  await lite?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The file without its creation time, which each database stamps with its own clock. */
const undated = (path: string) =>
  readFileSync(path, 'utf8').replace(/<CreDtTm>[^<]*<\/CreDtTm>/, '');

describe('payment lines', () => {
  it('reads a file in batches of line order, each line once', async () => {
    const { cycleId } = await createCycle(pg.db, {
      programme: 'LEAP',
      periodKey: '104',
      generated: 40,
    });
    const [momo] = (await planPaymentFiles(pg.db, cycleId, 10)).filter((f) => f.channel === 'momo');

    const batches: number[][] = [];
    for await (const b of readPaymentLines(pg.db, { cycleId, ...momo!, batchSize: 4 })) {
      batches.push(b.map((l) => l.lineNo));
    }

    // Lines 6, 7, 8, 16, 17, 18, ... are mobile money (i % 10 of 6 to 8); the first file holds ten.
    expect(momo).toMatchObject({ sequence: 1, firstLineNo: 6, lastLineNo: 36, txCount: 10 });
    expect(batches).toEqual([
      [6, 7, 8, 16],
      [17, 18, 26, 27],
      [28, 36],
    ]);
  });

  it('refuses a bad line in a later batch while the next one is being read', async () => {
    const { cycleId } = await createCycle(pg.db, {
      programme: 'LEAP',
      periodKey: '105',
      generated: 30,
      sealed: false,
    });
    await pg.db.execute(
      sql`UPDATE payroll_lines SET bank_sort_code = NULL WHERE cycle_id = ${cycleId} AND line_no = 19`,
    );
    const [bank] = (await planPaymentFiles(pg.db, cycleId, 100)).filter(
      (f) => f.channel === 'bank',
    );
    const header = {
      messageId: 'M',
      paymentInfoId: 'P',
      createdAt: new Date('2026-12-01T00:00:00Z'),
      executionDate: '2026-12-01',
      txCount: bank!.txCount,
      controlSum: bank!.controlSum,
      initiatingPartyName: 'MoGCSP',
      debtorName: 'MoGCSP',
      debtorAccount: '1011130012345',
      debtorAgentBic: 'BAGHGHAC',
      remittanceInfo: 'LEAP cycle 105 grant',
    };

    // Bank lines are 9, 19 and 29: a batch of one each, so line 19 fails while 29 is being read.
    const err = await writePain001(
      new Collector(),
      header,
      readPaymentLines(pg.db, { cycleId, ...bank!, batchSize: 1 }),
    ).catch((e) => e);

    expect([err.code, err.details]).toEqual(['PAYMENT_FILE_INVALID', { lineNo: 19 }]);
  });

  it('writes the same files on the embedded database as on PostgreSQL', async () => {
    const files = [];
    for (const [name, db] of [
      ['pg', pg.db],
      ['pglite', lite.db],
    ] as const) {
      const { cycleId } = await createCycle(db, {
        programme: 'LEAP',
        periodKey: '106',
        generated: 12_000,
      });
      const r = await submitCycle(db, {
        cycleId,
        submittedBy: 'admin',
        outbox: join(root, name),
        maxTxPerFile: 6_000,
      });
      files.push(r.files);
    }
    const [onPg, onLite] = files;

    // Per ten lines e-zwich carries 320 + 380 + 440 + 530 + 219.67 + 320, mobile money
    // 380 + 440 + 530 and the bank 219.67.
    expect(onLite!.map((f) => [f.fileName, f.txCount, f.controlSum])).toEqual([
      ['SIKA_LEAP_106_EZWICH_001.xml', 6000, '2209670.00'],
      ['SIKA_LEAP_106_EZWICH_002.xml', 1200, '441934.00'],
      ['SIKA_LEAP_106_MOMO_001.xml', 3600, '1620000.00'],
      ['SIKA_LEAP_106_BANK_001.xml', 1200, '263604.00'],
    ]);
    for (const [i, f] of onLite!.entries()) {
      const sha = readFileSync(`${f.path}.sha256`, 'utf8').split(' ')[0];
      // Hashed on the way to the disk: it must be the hash of the bytes that landed there.
      expect(sha).toBe(createHash('sha256').update(readFileSync(f.path)).digest('hex'));
      expect(f.sha256).toBe(sha);
      expect(undated(f.path)).toBe(undated(onPg![i]!.path));
    }
    const first = readFileSync(onLite![0]!.path, 'utf8');
    expect(await pain001SchemaErrors(first)).toEqual([]);
    // Lines 1-5, then six of every ten: line 10,000 is the 6,000th e-zwich line.
    const refs = texts(first, 'EndToEndId');
    expect([refs.length, refs[0], refs.at(-1)]).toEqual([
      6000,
      'LEAP-106-HH0000001',
      'LEAP-106-HH0010000',
    ]);
  }, 120_000);
});
