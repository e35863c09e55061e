import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePain001File, type PaymentLine } from '../../src/ghipss/pain001-writer.js';
import { parseMix } from '../../src/ghipss/simulator/mix.js';
import { createGhipssApp } from '../../src/ghipss/simulator/server.js';
import { texts } from './xml-helpers.js';

const TOKEN = 'stand-in-token';
let root: string;
let server: ReturnType<typeof createGhipssApp>;
let fileA: Buffer;
let fileA2: Buffer;

async function paymentFile(path: string, msgId: string, amount: string): Promise<Buffer> {
  async function* lines(): AsyncGenerator<PaymentLine> {
    for (let i = 1; i <= 4; i++) {
      yield {
        lineNo: i,
        endToEndId: `LEAP-106-HH${String(i).padStart(7, '0')}`,
        amount,
        channel: 'ezwich',
        recipientName: 'Abena Mensah',
        beneficiaryRef: `HH${String(i).padStart(7, '0')}`,
        accountNumber: String(7_000_000_000 + i),
        bankSortCode: null,
      };
    }
  }
  await writePain001File(
    path,
    {
      messageId: msgId,
      paymentInfoId: `PMT-${msgId}`,
      createdAt: new Date('2026-12-01T08:00:00Z'),
      executionDate: '2026-12-01',
      txCount: 4,
      controlSum: (Number(amount) * 4).toFixed(2),
      initiatingPartyName: 'MINISTRY',
      debtorName: 'MINISTRY',
      debtorAccount: '1011130012345',
      debtorAgentBic: 'BAGHGHAC',
      remittanceInfo: 'LEAP cycle 106 grant',
    },
    lines(),
  );
  return readFileSync(path);
}

function post(body: Buffer, headers: Record<string, string> = {}) {
  return server.app.request('/payment-files', {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Idempotency-Key': 'SIKA-LEAP-106-EZWICH-001',
      'X-Sika-File-Name': 'SIKA_LEAP_106_EZWICH_001.xml',
      'Content-Type': 'application/xml',
      ...headers,
    },
    body: new Uint8Array(body),
  });
}

const status = (messageId: string, token = TOKEN) =>
  server.app.request(`/payment-files/${messageId}/status`, {
    headers: { Authorization: `Bearer ${token}` },
  });

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sika-server-'));
  server = createGhipssApp({ token: TOKEN, dir: join(root, 'ghipss'), seed: 42, rejectRate: 0.3 });
  await server.ready;
  fileA = await paymentFile(join(root, 'a.xml'), 'SIKA-LEAP-106-EZWICH-001', '100.00');
  fileA2 = await paymentFile(join(root, 'a2.xml'), 'SIKA-LEAP-106-EZWICH-001', '100.01');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the GhIPSS stand-in over HTTP', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer nope' }],
    ['another scheme', { Authorization: `Basic ${TOKEN}` }],
  ])('refuses a post with %s (401) and receives nothing', async (_case, headers) => {
    const res = await post(fileA, { Authorization: '', ...headers });

    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ghipss"');
    expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    expect(server.stats.received).toEqual({});
  });

  it('acknowledges a new file with 202 and its hash', async () => {
    const res = await post(fileA);

    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      messageId: 'SIKA-LEAP-106-EZWICH-001',
      sha256: sha256(fileA),
      status: 'ACTC',
      statusUrl: '/payment-files/SIKA-LEAP-106-EZWICH-001/status',
    });
  });

  it('gives the same key the first answer again and never processes it twice', async () => {
    const again = await post(fileA);
    const underAnotherKey = await post(fileA, { 'Idempotency-Key': 'retry-2' });

    expect(again.status).toBe(202);
    expect(underAnotherKey.status).toBe(202);
    expect(await again.json()).toMatchObject({ sha256: sha256(fileA) });
    expect(server.stats.received).toEqual({ 'SIKA-LEAP-106-EZWICH-001': 1 });
  });

  it.each([
    ['under the same key', 'SIKA-LEAP-106-EZWICH-001'],
    ['under another key', 'another-key'],
  ])('refuses the message id with other content %s (409 DU01)', async (_case, key) => {
    const res = await post(fileA2, { 'Idempotency-Key': key });

    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'DU01' });
    expect(server.stats.received).toEqual({ 'SIKA-LEAP-106-EZWICH-001': 1 });
  });

  it('returns the pain.002 for a received message id, deterministic for the seed', async () => {
    await server.idle();

    const res = await status('SIKA-LEAP-106-EZWICH-001');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(res.headers.get('x-sika-sha256')).toBe(sha256(fileA));
    const xml = await res.text();
    expect(texts(xml, 'OrgnlMsgId')).toEqual(['SIKA-LEAP-106-EZWICH-001']);
    expect(texts(xml, 'GrpSts')).toEqual(['PART']);
    expect(texts(xml, 'DtldNbOfTxs')).toEqual(['2', '2']);
    expect(texts(xml, 'MsgId')).toEqual(['GHIPSS-8212C53FDF135FA3F302AA2D1B50']);
  });

  it.each([
    ['an unknown message id', 'SIKA-LEAP-106-EZWICH-009', TOKEN, 404],
    ['a wrong token', 'SIKA-LEAP-106-EZWICH-001', 'nope', 401],
  ])('answers a status request for %s with %s', async (_case, messageId, token, code) => {
    expect((await status(messageId, token)).status).toBe(code);
  });

  it.each([
    ['no Idempotency-Key', { 'Idempotency-Key': '' }, 400, 'bad_request'],
    ['a file name with a path', { 'X-Sika-File-Name': '../x.xml' }, 400, 'bad_request'],
    [
      'a body that does not match its Content-Digest',
      { 'Content-Digest': 'sha-256=:AAAA:', 'Idempotency-Key': 'k3' },
      400,
      'digest_mismatch',
    ],
  ])('refuses a post with %s', async (_case, headers, code, body) => {
    const res = await post(fileA, headers);

    expect(res.status).toBe(code);
    expect(await res.json()).toMatchObject({ code: body });
  });

  it('refuses a body that is not a payment file (422 FF01), and that answer stays', async () => {
    const junk = Buffer.from('not a payment file');
    const first = await post(junk, { 'Idempotency-Key': 'junk' });
    const second = await post(junk, { 'Idempotency-Key': 'junk' });

    expect([first.status, second.status]).toEqual([422, 422]);
    expect(await first.json()).toMatchObject({ code: 'FF01' });
  });

  it('lists and serves every report, later ones included, under the token', async () => {
    const later = createGhipssApp({
      token: TOKEN,
      dir: join(root, 'ghipss-later'),
      seed: 42,
      mix: parseMix({ rejectRate: 0, pendingRate: 0.5, returnRate: 0.5, duplicateReportRate: 1 }),
    });
    await later.ready;
    const res = await later.app.request('/payment-files', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Idempotency-Key': 'SIKA-LEAP-106-EZWICH-001',
        'X-Sika-File-Name': 'SIKA_LEAP_106_EZWICH_001.xml',
      },
      body: new Uint8Array(fileA),
    });
    expect(res.status).toBe(202);
    await later.idle();

    const get = (path: string, token = TOKEN) =>
      later.app.request(path, { headers: { Authorization: `Bearer ${token}` } });
    const h = sha256(fileA);
    expect(await (await get('/reports')).json()).toEqual({
      reports: [
        `${h}.pain002.xml`,
        `${h}.repeat.pain002.xml`,
        `${h}.returns.camt054.xml`,
        `${h}.settled.pain002.xml`,
      ],
    });
    const settled = await (await get(`/reports/${h}.settled.pain002.xml`)).text();
    expect(texts(settled, 'TxSts')).toEqual(['ACSC']);
    expect((await get('/reports', 'nope')).status).toBe(401);
    expect((await get('/reports/..%2Fx.xml')).status).toBe(404);
  });
});
