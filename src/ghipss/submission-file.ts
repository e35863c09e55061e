import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/open.js';
import { money } from '../money.js';
import { remittanceText } from './file-names.js';
import type { PaymentFormat } from './formats/payment-format.js';
import { manifestPath, manifestText, readManifest, signManifest } from './manifest.js';
import {
  exists,
  outboxError,
  sha256File,
  syncFile,
  temporaryPath,
  writeFileAtomically,
} from './outbox-files.js';
import { isoSeconds } from './pain001-writer.js';
import { readPaymentLines, type FilePlan } from './payment-lines.js';
import type { Cycle, Submission } from './submission-records.js';
import type { OutgoingFile } from './transport/transport.js';

export interface Debtor {
  name: string;
  account: string;
  agentBic: string;
}

export interface LocalFileParams {
  cycle: Cycle;
  submission: Submission;
  plan: FilePlan;
  format: PaymentFormat;
  outbox: string;
  debtor: Debtor;
  /** HMAC key of the manifest; without one the manifest is written unsigned. */
  manifestKey: string | undefined;
}

/** Bytes a file stream takes before it asks the writer to wait: a few of the writer's chunks. */
const STREAM_BUFFER = 1024 * 1024;

/**
 * Writes the file and returns its SHA-256, hashed from the bytes on their way to the file so the
 * file is not read back.
 */
async function writeFormatted(db: Db, path: string, p: LocalFileParams): Promise<string> {
  const s = p.submission;
  const hash = createHash('sha256');
  const tap = new Transform({
    highWaterMark: STREAM_BUFFER,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const written = pipeline(tap, createWriteStream(path, { highWaterMark: STREAM_BUFFER }));
  try {
    await p.format.write(
      tap,
      {
        messageId: s.messageId,
        paymentInfoId: s.paymentInfoId,
        createdAt: s.createdAt,
        executionDate: isoSeconds(s.createdAt).slice(0, 10),
        txCount: s.txCount,
        controlSum: s.controlSum,
        initiatingPartyName: p.debtor.name,
        debtorName: p.debtor.name,
        debtorAccount: p.debtor.account,
        debtorAgentBic: p.debtor.agentBic,
        remittanceInfo: remittanceText(p.cycle.programme, p.cycle.periodKey),
      },
      readPaymentLines(db, { cycleId: p.cycle.id, ...p.plan }),
    );
    tap.end();
    await written;
    return hash.digest('hex');
  } catch (err) {
    tap.destroy();
    await written.catch(() => undefined);
    throw err;
  }
}

function outgoing(p: LocalFileParams, sha256: string): OutgoingFile {
  const path = join(p.outbox, p.submission.fileName);
  return {
    path,
    fileName: p.submission.fileName,
    messageId: p.submission.messageId,
    format: p.format.name,
    mediaType: p.format.mediaType,
    sha256,
    manifestPath: manifestPath(path),
  };
}

/**
 * A file already in the outbox from an earlier run, when it is whole: its manifest names this
 * message and format and its bytes match the manifest's hash.
 */
async function usableEarlierFile(p: LocalFileParams): Promise<OutgoingFile | undefined> {
  const path = join(p.outbox, p.submission.fileName);
  const manifest = await readManifest(path);
  if (manifest?.messageId !== p.submission.messageId || manifest.format !== p.format.name) {
    return undefined;
  }
  if (!(await exists(path)) || (await sha256File(path)) !== manifest.sha256) return undefined;
  return outgoing(p, manifest.sha256);
}

/**
 * Makes sure the outbox holds the submission's file with its checksum and signed manifest:
 * reuses a whole one from an earlier run, or writes it (temporary name, fsync, checksum and
 * manifest beside it, rename). Every input is fixed by the submission record, so a rewrite
 * gives the same bytes.
 */
export async function ensureLocalFile(db: Db, p: LocalFileParams): Promise<OutgoingFile> {
  const earlier = await usableEarlierFile(p);
  if (earlier) return earlier;

  const s = p.submission;
  const tmp = temporaryPath(p.outbox, s.fileName);
  try {
    const sha256 = await writeFormatted(db, tmp, p);
    await syncFile(tmp);
    const manifest = signManifest(
      {
        fileName: s.fileName,
        programme: p.cycle.programme,
        cycleId: p.cycle.id,
        period: p.cycle.periodKey,
        channel: s.channel,
        sequence: s.sequence,
        format: p.format.name,
        messageId: s.messageId,
        paymentInfoId: s.paymentInfoId,
        txCount: s.txCount,
        controlSum: money(s.controlSum).toFixed(2),
        sha256,
        createdAt: s.createdAt.toISOString(),
      },
      p.manifestKey,
    );
    // Checksum and manifest first: a reader that sees the payment file can check it at once.
    await writeFileAtomically(p.outbox, `${s.fileName}.sha256`, `${sha256}  ${s.fileName}\n`);
    await writeFileAtomically(p.outbox, `${s.fileName}.manifest.json`, manifestText(manifest));
    await rename(tmp, join(p.outbox, s.fileName));
    return outgoing(p, sha256);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw outboxError(p.outbox, err);
  }
}
