import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { formatCedi, money } from '../money.js';
import { remittanceText } from './file-names.js';
import type { PaymentFormat } from './formats/payment-format.js';
import {
  manifestPath,
  manifestText,
  readManifest,
  signManifest,
  signatureCheck,
  type Manifest,
} from './manifest.js';
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

/** What a manifest says a file holds, for a person deciding what to do with it. */
function holding(m: {
  programme: string;
  period: string;
  cycleId: number;
  txCount: number;
  controlSum: string;
  createdAt: string;
  cycleSeal?: string | null;
}): string {
  const seal = m.cycleSeal ? `, seal ${m.cycleSeal.slice(0, 12)}…` : '';
  return (
    `${m.programme} ${m.period} cycle ${m.cycleId}: ${m.txCount.toLocaleString('en-GB')} ` +
    `payments, ${formatCedi(money(m.controlSum))}, recorded ${m.createdAt}${seal}`
  );
}

function ownManifestFields(p: LocalFileParams) {
  const s = p.submission;
  return {
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
    createdAt: s.createdAt.toISOString(),
    cycleSeal: p.cycle.sealSha256 ?? undefined,
  };
}

/**
 * True when the manifest describes this very submission. Message ids repeat across databases
 * (they are built from programme, period, channel and sequence), so the totals, the record's
 * time and the seal are what tell this submission's file from another one of the same name.
 */
function describesThisSubmission(manifest: Manifest, own: ReturnType<typeof ownManifestFields>) {
  const { cycleSeal, ...rest } = own;
  const fieldsMatch = Object.entries(rest).every(([k, v]) => manifest[k as keyof Manifest] === v);
  // Manifests written before the seal was recorded lack it; the other fields still decide.
  return fieldsMatch && (manifest.cycleSeal === undefined || manifest.cycleSeal === cycleSeal);
}

function conflict(p: LocalFileParams, path: string, held: string): SikaError {
  const own = ownManifestFields(p);
  return new SikaError(
    'OUTBOX_CONFLICT',
    `${path} already exists and holds ${held}; this submission is ${holding(own)}. ` +
      `It may already have been collected, so it is not replaced: move it (with its .sha256 ` +
      `and .manifest.json) out of ${p.outbox}, or submit to another outbox with --outbox.`,
    { path, held, txCount: own.txCount, controlSum: own.controlSum },
  );
}

/**
 * A whole file already in the outbox from an earlier run of this same submission, or undefined
 * when there is none (or only this submission's manifest, left by a crash before the rename).
 * Anything else standing under the name is another submission's file and is refused.
 */
async function usableEarlierFile(p: LocalFileParams): Promise<OutgoingFile | undefined> {
  const path = join(p.outbox, p.submission.fileName);
  const manifest = await readManifest(path);
  const present = await exists(path);
  if (!manifest) {
    if (!present && !(await exists(manifestPath(path)))) return undefined;
    throw conflict(p, path, 'a file without a readable manifest');
  }
  if (!describesThisSubmission(manifest, ownManifestFields(p))) {
    throw conflict(p, path, holding(manifest));
  }
  // Manifests are signed when a key is set: one that does not verify was not written by this
  // submitter with this key, so neither it nor the file it describes is sent.
  const signature = p.manifestKey ? signatureCheck(manifest, p.manifestKey) : null;
  if (signature) {
    const why =
      signature === 'unsigned'
        ? 'an unsigned manifest'
        : 'a manifest whose signature does not verify';
    throw conflict(p, path, `a file with ${why} with this key`);
  }
  if (!present) return undefined;
  if ((await sha256File(path)) !== manifest.sha256) {
    throw conflict(p, path, 'bytes that do not match its manifest');
  }
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
    const { cycleSeal, ...own } = ownManifestFields(p);
    const manifest = signManifest(
      { fileName: s.fileName, ...own, sha256, ...(cycleSeal ? { cycleSeal } : {}) },
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
