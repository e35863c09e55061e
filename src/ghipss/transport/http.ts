import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../logger.js';
import { syncFile, temporaryPath } from '../outbox-files.js';
import {
  TransportError,
  type Acknowledgement,
  type FarSideStatus,
  type OutgoingFile,
  type Transport,
} from './transport.js';

const log = logger('ghipss.http');

export interface HttpTransportOptions {
  /** e.g. https://ghipss.example/api; the paths /payment-files... are added to it. */
  baseUrl: string;
  token: string;
  /** Per request, including reading the answer; default 30 s. */
  timeoutMs?: number;
  /** Attempts after the first; default 4. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one; default 500 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long pollStatusReport waits between asks; default 2 s. */
  pollIntervalMs?: number;
}

/** What the far side answers to an accepted POST. */
interface AckBody {
  messageId?: string;
  sha256?: string;
  statusUrl?: string;
}

class Retryable extends Error {}

const isTimeout = (err: unknown) => (err as Error)?.name === 'TimeoutError';

function contentDigest(sha256Hex: string): string {
  return `sha-256=:${Buffer.from(sha256Hex, 'hex').toString('base64')}:`;
}

/**
 * Payment files over HTTPS REST: POST /payment-files with a bearer token and the message id as
 * Idempotency-Key; GET /payment-files/{messageId}/status for the pain.002. Timeouts, lost
 * connections and 5xx answers are retried with exponential backoff, and every retry first asks
 * the far side whether it already holds the message, so a file is never sent twice.
 */
export class HttpTransport implements Transport {
  readonly name = 'https';
  private readonly o: Required<HttpTransportOptions>;

  constructor(options: HttpTransportOptions) {
    this.o = {
      timeoutMs: 30_000,
      retries: 4,
      backoffMs: 500,
      maxBackoffMs: 30_000,
      pollIntervalMs: 2_000,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
  }

  async send(file: OutgoingFile): Promise<Acknowledgement> {
    let last = 'no attempt made';
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      if (attempt > 0) {
        await sleep(Math.min(this.o.backoffMs * 2 ** (attempt - 1), this.o.maxBackoffMs));
        try {
          const far = await this.status(file.messageId);
          if (far.known) return this.acknowledgedBefore(file, far.sha256);
        } catch (err) {
          if (!(err instanceof TransportError) || !err.retryable) throw err;
          last = err.message;
          continue; // not knowing what the far side holds, sending could be sending twice
        }
      }
      try {
        return await this.post(file);
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        last = err.message;
        log.warn({ messageId: file.messageId, attempt, cause: last }, 'payment file send failed');
      }
    }
    throw new TransportError(
      'unavailable',
      `GhIPSS did not acknowledge ${file.messageId}: ${last}`,
      {
        messageId: file.messageId,
        attempts: this.o.retries + 1,
      },
    );
  }

  async status(messageId: string): Promise<FarSideStatus> {
    return this.statusExchange(messageId, async (res) => {
      await res.body?.cancel();
      if (res.status === 404) return { known: false };
      const sha256 = res.headers.get('x-sika-sha256') ?? undefined;
      return { known: true, sha256, answered: res.status === 200 };
    });
  }

  /** Saves the pain.002 for a message at `path` when GhIPSS has one; false while it has not. */
  async fetchStatusReport(messageId: string, path: string): Promise<boolean> {
    return this.statusExchange(messageId, async (res) => {
      if (res.status !== 200 || !res.body) {
        await res.body?.cancel();
        return false;
      }
      const tmp = temporaryPath(dirname(path), basename(path));
      try {
        await pipeline(Readable.fromWeb(res.body as never), createWriteStream(tmp));
        await syncFile(tmp);
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return true;
    });
  }

  /** Asks for the pain.002 until it comes or `maxWaitMs` has passed; true when saved. */
  async pollStatusReport(messageId: string, path: string, maxWaitMs = 60_000): Promise<boolean> {
    const until = Date.now() + maxWaitMs;
    for (;;) {
      if (await this.fetchStatusReport(messageId, path)) return true;
      if (Date.now() + this.o.pollIntervalMs > until) return false;
      await sleep(this.o.pollIntervalMs);
    }
  }

  private async post(file: OutgoingFile): Promise<Acknowledgement> {
    const manifest = await readFile(file.manifestPath);
    const { size } = await stat(file.path);
    let answer: { res: Response; body: AckBody & { code?: string }; cutOff: boolean };
    try {
      answer = await this.exchange(
        '/payment-files',
        {
          method: 'POST',
          headers: {
            'Idempotency-Key': file.messageId,
            'Content-Type': file.mediaType,
            'Content-Length': String(size),
            'Content-Digest': contentDigest(file.sha256),
            'X-Sika-File-Name': file.fileName,
            'X-Sika-Format': file.format,
            'X-Sika-Manifest': manifest.toString('base64url'),
          },
          body: Readable.toWeb(createReadStream(file.path)) as ReadableStream,
          duplex: 'half',
        } as RequestInit,
        async (res) => {
          const text = await res.text();
          try {
            return { res, body: JSON.parse(text) as AckBody, cutOff: false };
          } catch {
            return { res, body: {}, cutOff: res.ok };
          }
        },
      );
    } catch (err) {
      throw new Retryable(isTimeout(err) ? 'timed out' : `connection failed (${errorCause(err)})`);
    }

    const { res, body } = answer;
    if (answer.cutOff) throw new Retryable('acknowledgement unreadable');
    if (res.ok) {
      if (body.sha256 && body.sha256 !== file.sha256) {
        throw new TransportError(
          'duplicate_message',
          `GhIPSS holds other content for ${file.messageId}`,
        );
      }
      return {
        messageId: file.messageId,
        sha256: body.sha256,
        reference: body.statusUrl,
        duplicate: false,
      };
    }
    if (res.status >= 500 || res.status === 408 || res.status === 429) {
      throw new Retryable(`HTTP ${res.status}`);
    }
    this.refuseFinal(res.status, file.messageId, body.code);
    throw new TransportError('refused', `GhIPSS refused ${file.messageId}: HTTP ${res.status}`, {
      status: res.status,
      farCode: body.code,
    });
  }

  private acknowledgedBefore(file: OutgoingFile, sha256: string | undefined): Acknowledgement {
    if (sha256 && sha256 !== file.sha256) {
      throw new TransportError(
        'duplicate_message',
        `GhIPSS holds other content for ${file.messageId}`,
      );
    }
    log.info({ messageId: file.messageId }, 'payment file found at GhIPSS: not sent again');
    // An earlier attempt of this same send got through; only its answer was lost.
    return { messageId: file.messageId, sha256, duplicate: false };
  }

  private refuseFinal(status: number, messageId: string, farCode: string | undefined): void {
    if (status === 401 || status === 403) {
      throw new TransportError(
        'unauthorized',
        `GhIPSS refused the bearer token (HTTP ${status}): check the configured token`,
        { status, messageId },
      );
    }
    if (status === 409) {
      throw new TransportError(
        'duplicate_message',
        `GhIPSS already holds message ${messageId} with other content (${farCode ?? 'DU01'})`,
        { status, messageId, farCode },
      );
    }
  }

  /** A GET of a message's status, with the answers every caller treats alike refused here. */
  private async statusExchange<T>(messageId: string, read: (res: Response) => Promise<T>) {
    const path = `/payment-files/${encodeURIComponent(messageId)}/status`;
    let status = 0;
    const result = await this.exchange(path, { method: 'GET' }, async (res) => {
      status = res.status;
      if ([200, 202, 404].includes(res.status)) return { value: await read(res) };
      await res.body?.cancel();
      return undefined;
    }).catch((err: unknown) => {
      const why = isTimeout(err) ? 'timed out' : `connection failed (${errorCause(err)})`;
      throw new TransportError('unavailable', `status of ${messageId}: ${why}`, { messageId });
    });
    if (result) return result.value;
    this.refuseFinal(status, messageId, undefined);
    throw new TransportError('unavailable', `status of ${messageId}: HTTP ${status}`, {
      messageId,
    });
  }

  /**
   * One request and the reading of its answer under one timeout: an AbortController cuts the
   * connection when the far side is slower than timeoutMs at any point.
   */
  private async exchange<T>(
    path: string,
    init: RequestInit,
    read: (res: Response) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('timed out', 'TimeoutError')),
      this.o.timeoutMs,
    );
    try {
      const res = await fetch(`${this.o.baseUrl}${path}`, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          Authorization: `Bearer ${this.o.token}`,
        },
        signal: controller.signal,
      });
      return await read(res);
    } finally {
      clearTimeout(timer);
    }
  }
}

function errorCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code ?? (err as Error).name;
}
