import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { logger } from '../../logger.js';
import { answerRequest, type AnswerOutcome } from './answer.js';
import { requestMessageId } from './request-reader.js';

const log = logger('ghipss.server');
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.(xml|csv)$/;

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
}

export interface GhipssServerOptions {
  token: string;
  /** Where received files and status reports are kept. */
  dir: string;
  seed: number;
  rejectRate?: number;
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
    const options = { seed: o.seed, rejectRate: o.rejectRate ?? 0.015 };
    entry.report = rename(path, kept)
      .then(() => answerRequest(kept, reportPath, options))
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
    const drop = n <= (faults.dropFirst ?? 0);
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
    if (n <= (faults.slowFirst ?? 0)) await sleep(faults.slowMs ?? 0);
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

  const ready = Promise.all(
    ['received', 'reports', 'incoming'].map((d) => mkdir(join(o.dir, d), { recursive: true })),
  );
  /** Resolves once every status report started so far is written. */
  const idle = async () => {
    await Promise.all([...byMessage.values()].map((r) => r.report));
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
