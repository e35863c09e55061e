import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { logger } from '../../logger.js';
import { answerRequest, requestReferences, type AnswerOutcome } from './answer.js';
import type { SwitchMix } from './mix.js';
import { requestMessageId } from './request-reader.js';
import { mixOf, writeFollowUps } from './respond.js';

const log = logger('ghipss.server');
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.(xml|csv)$/;
const REPORT_NAME =
  /^[0-9a-f]{64}(\.(repeat|settled))?\.pain002\.xml$|^[0-9a-f]{64}\.returns\.camt054\.xml$/;

/** Misbehaviour on demand, counted over POST /payment-files requests from the start. */
export interface ServerFaults {
  /** Close the connection without answering for the first N posts. */
  dropFirst?: number;
  /** Drop before reading the file (it is never received) rather than after receiving it. */
  dropBeforeReceiving?: boolean;
  /** Answer the first N posts with 503, without reading the file. */
  failFirst?: number;
  /** Answer the first N posts only after slowMs. */
  slowFirst?: number;
  slowMs?: number;
  /** Share of posts answered only after slowMs, drawn from the seed, the key and the attempt. */
  slowRate?: number;
  /** Share of posts whose answer is dropped after receiving, drawn likewise. */
  dropRate?: number;
}

/** A draw in 0..1 from the seed and a key: the same post gets the same fault. */
function faultDraw(seed: number, key: string): number {
  return createHash('sha256').update(`${seed}:fault:${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

export interface GhipssServerOptions {
  token: string;
  /** Where received files and status reports are kept. */
  dir: string;
  seed: number;
  /** What the switch answers; default DEFAULT_MIX. */
  mix?: SwitchMix;
  /** Overrides the mix's share of rejected lines. */
  rejectRate?: number;
  /** Wait before the documents that come later (repeat, settlement, returns); default 0. */
  laterMs?: number;
  faults?: ServerFaults;
}

interface Answer {
  status: 202 | 409 | 422;
  body: Record<string, unknown>;
}

interface Received {
  sha256: string;
  fileName: string;
  answer: Answer;
  report: Promise<AnswerOutcome | undefined>;
  reportPath: string;
  settled: boolean;
}

/** What the stand-in has done, for tests and the log. */
export interface ServerStats {
  posts: number;
  /** Files taken in for processing, by message id: exactly-once means never above 1. */
  received: Record<string, number>;
}

type Env = { Bindings: HttpBindings };

/**
 * The GhIPSS stand-in over HTTP (hono): POST /payment-files takes a payment file under a bearer
 * token and an Idempotency-Key; GET /payment-files/:messageId/status gives its pain.002. The
 * same key twice gets the first answer and is never processed twice; a message id already held
 * with other content is refused 409 DU01. Answers depend only on the seed.
 */
// Limitation: what the stand-in has received is kept in memory; a restarted server forgets it.
export function createGhipssApp(o: GhipssServerOptions) {
  const byKey = new Map<string, Promise<{ sha256: string; answer: Answer }>>();
  const byMessage = new Map<string, Received>();
  const stats: ServerStats = { posts: 0, received: {} };
  const faults = o.faults ?? {};
  const mix = mixOf(o);
  /** Posts seen per Idempotency-Key, so a retry draws its own fault. */
  const attempts = new Map<string, number>();
  /** References of every file taken in and not refused whole: met again, a line is AM05. */
  const references = new Map<string, string>();
  /** Documents that came after a first report, written once their wait is over. */
  const later: Promise<unknown>[] = [];
  const app = new Hono<Env>();

  const authorised = (c: Context<Env>) => c.req.header('authorization') === `Bearer ${o.token}`;
  const unauthorised = (c: Context<Env>) =>
    c.json({ code: 'unauthorized', message: 'bearer token missing or wrong' }, 401, {
      'WWW-Authenticate': 'Bearer realm="ghipss"',
    });

  /** Takes a received file in: the message id decides whether it is new, held or a conflict. */
  async function takeIn(path: string, sha256: string, fileName: string): Promise<Answer> {
    const messageId = await requestMessageId(path);
    if (!messageId) {
      await rm(path, { force: true });
      return { status: 422, body: { code: 'FF01', message: 'not a readable payment file' } };
    }
    const held = byMessage.get(messageId);
    if (held) {
      await rm(path, { force: true });
      if (held.sha256 === sha256) return held.answer;
      return {
        status: 409,
        body: { code: 'DU01', messageId, message: 'message id received before with other content' },
      };
    }

    const extension = fileName.slice(fileName.lastIndexOf('.'));
    // Named by content hash: a message id is whatever the file says, never part of a path.
    const kept = join(o.dir, 'received', `${sha256}${extension}`);
    const reportPath = join(o.dir, 'reports', `${sha256}.pain002.xml`);
    const answer: Answer = {
      status: 202,
      body: {
        messageId,
        sha256,
        status: 'ACTC',
        statusUrl: `/payment-files/${encodeURIComponent(messageId)}/status`,
      },
    };
    const entry: Received = {
      sha256,
      fileName,
      answer,
      reportPath,
      settled: false,
      report: Promise.resolve(undefined),
    };
    // Held before the next await, so a concurrent post of the same message finds it.
    byMessage.set(messageId, entry);
    stats.received[messageId] = (stats.received[messageId] ?? 0) + 1;
    log.info({ messageId }, 'payment file received');

    // Answered after the acknowledgement, as a switch does: the status turns from 202 to 200.
    const options = {
      seed: o.seed,
      mix,
      isKnownReference: (id: string) => (references.get(id) ?? messageId) !== messageId,
    };
    entry.report = rename(path, kept)
      .then(() => answerRequest(kept, reportPath, options))
      .then(async (outcome) => {
        if (outcome.groupStatus !== 'RJCT') {
          for await (const id of requestReferences(kept)) {
            if (!references.has(id)) references.set(id, messageId);
          }
        }
        const reports = join(o.dir, 'reports');
        const name = `${sha256}.pain002.xml`;
        later.push(
          writeFollowUps(reports, name, outcome.followUps, o.laterMs).catch((err: unknown) => {
            log.error({ messageId, err: (err as Error).message }, 'later report failed');
          }),
        );
        return outcome;
      })
      .catch((err: unknown) => {
        log.error({ messageId, err: (err as Error).message }, 'status report failed');
        return undefined;
      })
      .finally(() => {
        entry.settled = true;
      });
    return answer;
  }

  app.post('/payment-files', async (c) => {
    if (!authorised(c)) return unauthorised(c);
    const key = c.req.header('idempotency-key');
    const fileName = c.req.header('x-sika-file-name') ?? '';
    if (!key || !FILE_NAME.test(fileName)) {
      return c.json(
        { code: 'bad_request', message: 'Idempotency-Key and X-Sika-File-Name needed' },
        400,
      );
    }
    const n = ++stats.posts;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const drop =
      n <= (faults.dropFirst ?? 0) ||
      faultDraw(o.seed, `drop:${key}:${attempt}`) < (faults.dropRate ?? 0);
    const slow =
      n <= (faults.slowFirst ?? 0) ||
      faultDraw(o.seed, `slow:${key}:${attempt}`) < (faults.slowRate ?? 0);
    if (drop && faults.dropBeforeReceiving) return hangUp(c);
    if (n <= (faults.failFirst ?? 0)) {
      return c.json({ code: 'unavailable', message: 'try again later' }, 503);
    }

    const tmp = join(o.dir, 'incoming', `${randomBytes(8).toString('hex')}.part`);
    const sha256 = await saveBody(c, tmp);
    const digest = c.req.header('content-digest');
    if (digest && digest !== `sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:`) {
      await rm(tmp, { force: true });
      return c.json(
        { code: 'digest_mismatch', message: 'the body does not match Content-Digest' },
        400,
      );
    }

    const earlier = byKey.get(key);
    let answer: Answer;
    if (earlier) {
      await rm(tmp, { force: true });
      const first = await earlier;
      answer =
        first.sha256 === sha256
          ? first.answer
          : {
              status: 409,
              body: { code: 'DU01', message: 'Idempotency-Key used for other content' },
            };
    } else {
      const taking = takeIn(tmp, sha256, fileName).then((a) => ({ sha256, answer: a }));
      byKey.set(key, taking);
      answer = (await taking).answer;
    }

    if (drop) return hangUp(c);
    if (slow) await sleep(faults.slowMs ?? 0, undefined, { ref: false });
    return c.json(answer.body, answer.status);
  });

  app.get('/payment-files/:messageId/status', async (c) => {
    if (!authorised(c)) return unauthorised(c);
    const held = byMessage.get(c.req.param('messageId'));
    if (!held) return c.json({ code: 'not_found', message: 'no such message id' }, 404);
    const headers = { 'X-Sika-Sha256': held.sha256 };
    if (!held.settled) return c.json({ ...held.answer.body }, 202, headers);
    if (!(await held.report)) return c.json({ code: 'report_failed' }, 500, headers);
    const body = Readable.toWeb(createReadStream(held.reportPath)) as ReadableStream;
    return c.body(body, 200, { ...headers, 'Content-Type': 'application/xml' });
  });

  /** Every report written so far, first reports and later ones, by name. */
  app.get('/reports', async (c) => {
    if (!authorised(c)) return unauthorised(c);
    const names = (await readdir(join(o.dir, 'reports'))).filter((n) => REPORT_NAME.test(n));
    return c.json({ reports: names.sort() });
  });

  app.get('/reports/:name', (c) => {
    if (!authorised(c)) return unauthorised(c);
    const name = c.req.param('name');
    if (!REPORT_NAME.test(name))
      return c.json({ code: 'not_found', message: 'no such report' }, 404);
    const path = join(o.dir, 'reports', name);
    return access(path).then(
      () =>
        c.body(Readable.toWeb(createReadStream(path)) as ReadableStream, 200, {
          'Content-Type': 'application/xml',
        }),
      () => c.json({ code: 'not_found', message: 'no such report' }, 404),
    );
  });

  const ready = Promise.all(
    ['received', 'reports', 'incoming'].map((d) => mkdir(join(o.dir, d), { recursive: true })),
  );
  /** Resolves once every status report started so far is written. */
  const idle = async () => {
    await Promise.all([...byMessage.values()].map((r) => r.report));
    await Promise.all(later);
  };
  return { app, stats, ready, idle };
}

/** Streams the request body to `path`, hashing it on the way; returns the SHA-256. */
async function saveBody(c: Context<Env>, path: string): Promise<string> {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const body = c.req.raw.body;
  const source = body ? Readable.fromWeb(body as never) : Readable.from([]);
  await pipeline(source, tap, createWriteStream(path));
  return hash.digest('hex');
}

/** Closes the connection without a word, as a network fault or a crashed peer would. */
function hangUp(c: Context<Env>): Promise<Response> {
  c.env.incoming.socket.destroy();
  return new Promise<Response>(() => undefined);
}

export interface RunningServer {
  url: string;
  stats: ServerStats;
  /** Resolves once every status report started so far is written. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the stand-in on host:port (port 0: any free port) and says where it listens. */
export async function startGhipssServer(
  o: GhipssServerOptions & { port?: number; host?: string },
): Promise<RunningServer> {
  const { app, stats, ready, idle } = createGhipssApp(o);
  await ready;
  const host = o.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: o.port ?? 0, hostname: host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    stats,
    idle,
    close: () =>
      new Promise<void>((resolve, reject) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
