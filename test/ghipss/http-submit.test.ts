import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Db } from '../../src/db/open.js';
import { responseName } from '../../src/ghipss/simulator/respond.js';
import {
  startGhipssServer,
  type RunningServer,
  type ServerFaults,
} from '../../src/ghipss/simulator/server.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { HttpTransport, type HttpTransportOptions } from '../../src/ghipss/transport/http.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';
import { texts } from './xml-helpers.js';

const TOKEN = 'token-for-tests';
let tdb: TestDatabase;
let db: Db;
let root: string;
let server: RunningServer | undefined;
let period = 107;

async function start(faults: ServerFaults = {}): Promise<RunningServer> {
  server = await startGhipssServer({
    token: TOKEN,
    dir: join(root, `ghipss-${period}`),
    seed: 42,
    faults,
  });
  return server;
}

const http = (s: RunningServer, o: Partial<HttpTransportOptions> = {}) =>
  new HttpTransport({
    baseUrl: s.url,
    token: TOKEN,
    timeoutMs: 2_000,
    retries: 3,
    backoffMs: 5,
    ...o,
  });

/** A sealed LEAP cycle of 30 lines (18 e-zwich, 9 mobile money, 3 bank): three files. */
async function cycle(): Promise<{ cycleId: number; outbox: string }> {
  period--;
  const { cycleId } = await createCycle(db, {
    programme: 'LEAP',
    periodKey: String(period),
    generated: 30,
  });
  return { cycleId, outbox: join(root, `outbox-${period}`) };
}

const ids = (p: number) => ['EZWICH', 'MOMO', 'BANK'].map((c) => `SIKA-LEAP-${p}-${c}-001`);
const receivedOnce = (p: number) => Object.fromEntries(ids(p).map((id) => [id, 1]));

async function submissionStates(cycleId: number) {
  const found = await rows<{ status: string }>(
    db,
    sql`SELECT status FROM submissions WHERE cycle_id = ${cycleId} ORDER BY id`,
  );
  return found.map((r) => r.status);
}

async function cycleStatus(cycleId: number): Promise<string> {
  const [c] = await rows<{ status: string }>(
    db,
    sql`SELECT status FROM cycles WHERE id = ${cycleId}`,
  );
  return c!.status;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  root = mkdtempSync(join(tmpdir(), 'sika-http-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(async () => {
  await tdb?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('submitting over HTTPS', () => {
  it('sends each file once, records it sent on acknowledgement and fetches its pain.002', async () => {
    const s = await start();
    const { cycleId, outbox } = await cycle();
    const transport = http(s);

    const result = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox, transport });

    expect(result.files.map((f) => [f.fileName, f.txCount, f.alreadySent])).toEqual([
      ['SIKA_LEAP_106_EZWICH_001.xml', 18, false],
      ['SIKA_LEAP_106_MOMO_001.xml', 9, false],
      ['SIKA_LEAP_106_BANK_001.xml', 3, false],
    ]);
    expect(s.stats).toEqual({ posts: 3, received: receivedOnce(106) });
    expect(await submissionStates(cycleId)).toEqual(['sent', 'sent', 'sent']);
    expect(await cycleStatus(cycleId)).toBe('submitted');

    const inbox = join(root, 'inbox-106');
    mkdirSync(inbox);
    for (const f of result.files) {
      const target = join(inbox, responseName(f.fileName));
      expect(
        await transport.pollStatusReport(ids(106)[result.files.indexOf(f)]!, target, 5_000),
      ).toBe(true);
      const xml = readFileSync(target, 'utf8');
      expect(texts(xml, 'OrgnlMsgId')).toEqual([ids(106)[result.files.indexOf(f)]]);
      expect(texts(xml, 'OrgnlNbOfTxs')[0]).toBe(String(f.txCount));
    }
  });

  it('sends a file exactly once when the server drops its first answer after receiving it', async () => {
    const s = await start({ dropFirst: 1 });
    const { cycleId, outbox } = await cycle();

    const result = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      transport: http(s),
    });

    expect(s.stats).toEqual({ posts: 3, received: receivedOnce(105) });
    expect(result.files.map((f) => f.alreadySent)).toEqual([false, false, false]);
    expect(await submissionStates(cycleId)).toEqual(['sent', 'sent', 'sent']);
  });

  it('takes a file in once when the answer comes after the client stopped waiting', async () => {
    const s = await start({ slowFirst: 1, slowMs: 1_500 });
    const { cycleId, outbox } = await cycle();

    await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      transport: http(s, { timeoutMs: 300 }),
    });

    expect(s.stats).toEqual({ posts: 3, received: receivedOnce(104) });
    expect(await submissionStates(cycleId)).toEqual(['sent', 'sent', 'sent']);
  });

  it('sends again when the connection dropped before the file was received', async () => {
    const s = await start({ dropFirst: 1, dropBeforeReceiving: true });
    const { cycleId, outbox } = await cycle();

    await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox, transport: http(s) });

    expect(s.stats).toEqual({ posts: 4, received: receivedOnce(103) });
  });

  it('retries answers of 503 with growing waits', async () => {
    const s = await start({ failFirst: 2 });
    const { cycleId, outbox } = await cycle();

    await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox, transport: http(s) });

    expect(s.stats).toEqual({ posts: 5, received: receivedOnce(102) });
  });

  it('gives a clear error for a wrong token and leaves the cycle approved with nothing sent', async () => {
    const s = await start();
    const { cycleId, outbox } = await cycle();
    const transport = new HttpTransport({ baseUrl: s.url, token: 'wrong', backoffMs: 5 });

    const err = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      transport,
    }).catch((e) => e);

    expect(err.code).toBe('TRANSPORT_REFUSED');
    expect(err.reason).toBe('unauthorized');
    expect(err.message).toContain('refused the bearer token (HTTP 401)');
    expect(await cycleStatus(cycleId)).toBe('approved');
    expect(await submissionStates(cycleId)).toEqual(['prepared', 'prepared', 'prepared']);
    expect(s.stats).toEqual({ posts: 0, received: {} });
  });

  it('resumes after a failed run by asking first, sending only what the far side lacks', async () => {
    const s = await start({ dropFirst: 1 });
    const { cycleId, outbox } = await cycle();
    const first = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      transport: http(s, { retries: 0 }),
    }).catch((e) => e);
    expect(first.reason).toBe('unavailable');
    expect(await cycleStatus(cycleId)).toBe('approved');
    expect(await submissionStates(cycleId)).toEqual(['prepared', 'prepared', 'prepared']);
    expect(s.stats.received).toEqual({ 'SIKA-LEAP-100-EZWICH-001': 1 });

    const retry = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      transport: http(s),
    });

    expect(retry.files.map((f) => f.alreadySent)).toEqual([true, false, false]);
    expect(s.stats).toEqual({ posts: 3, received: receivedOnce(100) });
    expect(await submissionStates(cycleId)).toEqual(['sent', 'sent', 'sent']);
    expect(await cycleStatus(cycleId)).toBe('submitted');
  });

  it('refuses to send a message id the far side holds with other content', async () => {
    const s = await start();
    const { cycleId, outbox } = await cycle();
    const transport = http(s);
    const sent = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox, transport });
    const other = join(root, 'other.xml');
    writeFileSync(
      other,
      readFileSync(sent.files[2]!.path, 'utf8').replace('<CtrlSum>', '<CtrlSum>1'),
    );
    writeFileSync(`${other}.manifest.json`, '{}');

    const err = await transport
      .send({
        path: other,
        fileName: 'SIKA_LEAP_99_BANK_001.xml',
        messageId: 'SIKA-LEAP-99-BANK-001',
        format: 'pain.001.001.03',
        mediaType: 'application/xml',
        sha256: createHash('sha256').update(readFileSync(other)).digest('hex'),
        manifestPath: `${other}.manifest.json`,
      })
      .catch((e) => e);

    expect(err.reason).toBe('duplicate_message');
    expect(err.details).toMatchObject({ status: 409, farCode: 'DU01' });
    expect(s.stats.received).toEqual(receivedOnce(99));
  });

  it('sends each file once when the switch drops every answer after receiving', async () => {
    const s = await start({ dropRate: 1 });
    const { cycleId, outbox } = await cycle();

    await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox, transport: http(s) });

    // Each retry asks first, finds the file held and does not post it again.
    expect(s.stats).toEqual({ posts: 3, received: receivedOnce(period) });
    expect(await submissionStates(cycleId)).toEqual(['sent', 'sent', 'sent']);
  });
});
