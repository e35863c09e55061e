import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../logger.js';
import { STATUS_CSV } from '../formats/csv-bulk.js';
import { exists } from '../outbox-files.js';
import { answerRequest, followUpName, requestReferences, type FollowUp } from './answer.js';
import { DEFAULT_MIX, parseMix, type SwitchMix } from './mix.js';
import { requestMessageId } from './request-reader.js';

const log = logger('ghipss.simulator');
/** Hidden, so a reconciliation of the inbox never takes it for a status report. */
const LEDGER = '.ghipss-messages.jsonl';
/** References of every file taken in (not refused whole), with its message id: one a line. */
const REFERENCES = '.ghipss-references.tsv';
const REQUEST = /^[^.].*\.(xml|csv)$/i;
/** The stand-in's own documents, never taken for a request when inbox and outbox are one. */
const ANSWER = /\.pain002\.xml$|\.status(\.(repeat|settled))?\.csv$|\.camt054\.xml$/i;

export interface RespondParams {
  outbox: string;
  inbox: string;
  seed: number;
  /** Share of transactions rejected, 0..1; default 0.015. Overrides the mix's. */
  rejectRate?: number;
  /** What the switch answers; default DEFAULT_MIX. */
  mix?: SwitchMix;
  /** Wait before the documents that come later (repeat, settlement, returns); default 0. */
  laterMs?: number;
}

export interface Answered {
  request: string;
  response: string;
  accepted: number;
  rejected: number;
  pending: number;
  returned: number;
  /** The later documents written to the inbox, by name. */
  later: string[];
}

/**
 * The response name for a request file: a pain.001 is answered with a pain.002
 * (SIKA_LEAP_106_EZWICH_001.xml -> ...001.pain002.xml), a bulk CSV with a sika-status-csv-1
 * (SIKA_LEAP_106_MOMO_001.csv -> ...001.status.csv).
 */
export function responseName(requestFile: string): string {
  return isCsvRequest(requestFile)
    ? `${requestFile.replace(/\.csv$/i, '')}.status.csv`
    : `${requestFile.replace(/\.xml$/i, '')}.pain002.xml`;
}

const isCsvRequest = (requestFile: string) => /\.csv$/i.test(requestFile);
const legacyName = (requestFile: string) => `${requestFile.replace(/\.csv$/i, '')}.pain002.xml`;

/** Message ids the stand-in has received, with the request file that brought each first. */
async function readLedger(inbox: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const text = await readFile(join(inbox, LEDGER), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line) continue;
    const { messageId, request } = JSON.parse(line) as { messageId: string; request: string };
    if (!seen.has(messageId)) seen.set(messageId, request);
  }
  return seen;
}

/** Writes each later document beside `primary`, after `laterMs`; returns their names. */
export async function writeFollowUps(
  dir: string,
  primary: string,
  followUps: FollowUp[],
  laterMs = 0,
): Promise<string[]> {
  if (followUps.length === 0) return [];
  if (laterMs > 0) await sleep(laterMs);
  const names: string[] = [];
  for (const f of followUps) {
    const name = followUpName(primary, f.kind);
    await f.write(join(dir, name));
    names.push(name);
  }
  return names;
}

/** Adds a taken file's references to the set and to the file that outlives the process. */
async function rememberReferences(
  request: string,
  messageId: string,
  ledger: string,
  into: Map<string, string>,
) {
  let batch: string[] = [];
  for await (const id of requestReferences(request)) {
    if (into.has(id)) continue;
    into.set(id, messageId);
    batch.push(`${id}\t${messageId}`);
    if (batch.length >= 10_000) {
      await appendFile(ledger, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await appendFile(ledger, `${batch.join('\n')}\n`);
}

export function mixOf(p: { mix?: SwitchMix; rejectRate?: number }): SwitchMix {
  const mix = p.mix ?? DEFAULT_MIX;
  return p.rejectRate === undefined ? mix : parseMix({ ...mix, rejectRate: p.rejectRate });
}

/**
 * The GhIPSS stand-in over a drop folder: answers every payment file in the outbox that has no
 * answer yet in the inbox (a pain.001 with a pain.002.001.03, a bulk CSV with a
 * sika-status-csv-1), then the documents that come later (the same report again, a report
 * settling pending lines, a camt.054 of returns). What happens to each line and file depends
 * only on the seed and the mix; a message id that came before in another file is rejected whole
 * (DU01).
 */
export async function respondToOutbox(p: RespondParams): Promise<{ answered: Answered[] }> {
  const mix = mixOf(p);
  await mkdir(p.inbox, { recursive: true });
  await mkdir(p.outbox, { recursive: true });
  const seen = await readLedger(p.inbox);
  const references = new Map<string, string>();
  for (const line of (await readFile(join(p.inbox, REFERENCES), 'utf8').catch(() => '')).split(
    '\n',
  )) {
    const [id, messageId] = line.split('\t');
    if (id && messageId && !references.has(id)) references.set(id, messageId);
  }

  const requests = (await readdir(p.outbox))
    .filter((n) => REQUEST.test(n) && !ANSWER.test(n))
    .sort();
  const answered: Answered[] = [];
  for (const request of requests) {
    const response = responseName(request);
    const target = join(p.inbox, response);
    if (await exists(target)) continue;
    // Answered as a pain.002 by a stand-in from before CSV requests got CSV reports.
    if (isCsvRequest(request) && (await exists(join(p.inbox, legacyName(request))))) continue;

    // Recorded before answering: after a crash in between, the same file is answered again as
    // itself, and another file with its message id is still a duplicate.
    const msgId = await requestMessageId(join(p.outbox, request));
    const first = msgId === undefined ? undefined : seen.get(msgId);
    if (msgId !== undefined && first === undefined) {
      seen.set(msgId, request);
      await appendFile(join(p.inbox, LEDGER), `${JSON.stringify({ messageId: msgId, request })}\n`);
    }
    const result = await answerRequest(join(p.outbox, request), target, {
      seed: p.seed,
      mix,
      isDuplicateMessage: () => first !== undefined && first !== request,
      isKnownReference: (id) => (references.get(id) ?? msgId) !== msgId,
      reportFormat: isCsvRequest(request) ? STATUS_CSV : 'pain.002',
    });
    if (result.groupStatus !== 'RJCT' && msgId !== undefined) {
      const file = join(p.inbox, REFERENCES);
      await rememberReferences(join(p.outbox, request), msgId, file, references);
    }
    const later = await writeFollowUps(p.inbox, response, result.followUps, p.laterMs);
    log.info(
      {
        accepted: result.accepted,
        rejected: result.rejected,
        pending: result.pending,
        returned: result.returned,
        groupStatus: result.groupStatus,
        later: later.length,
      },
      'request answered',
    );
    answered.push({
      request,
      response,
      accepted: result.accepted,
      rejected: result.rejected,
      pending: result.pending,
      returned: result.returned,
      later,
    });
  }
  return { answered };
}
