import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../../logger.js';
import { exists } from '../outbox-files.js';
import { answerRequest } from './answer.js';
import { requestMessageId } from './request-reader.js';

const log = logger('ghipss.simulator');
/** Hidden, so a reconciliation of the inbox never takes it for a status report. */
const LEDGER = '.ghipss-messages.jsonl';
const REQUEST = /^[^.].*\.(xml|csv)$/i;

export interface RespondParams {
  outbox: string;
  inbox: string;
  seed: number;
  /** Share of transactions rejected, 0..1; default 0.015. */
  rejectRate?: number;
}

export interface Answered {
  request: string;
  response: string;
  accepted: number;
  rejected: number;
}

/** The response name for a request file: SIKA_LEAP_106_EZWICH_001.xml -> ...001.pain002.xml. */
export function responseName(requestFile: string): string {
  return `${requestFile.replace(/\.(xml|csv)$/i, '')}.pain002.xml`;
}

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

/**
 * The GhIPSS stand-in over a drop folder: answers every payment file in the outbox that has no
 * answer yet with a pain.002.001.03 in the inbox. Which transactions fail, and why, depends only
 * on the seed; a message id that came before in another file is rejected whole (DU01).
 */
export async function respondToOutbox(p: RespondParams): Promise<{ answered: Answered[] }> {
  const rate = p.rejectRate ?? 0.015;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rejectRate must be within 0..1: ${rate}`);
  await mkdir(p.inbox, { recursive: true });
  const seen = await readLedger(p.inbox);

  const requests = (await readdir(p.outbox))
    .filter((n) => REQUEST.test(n) && !n.endsWith('.pain002.xml'))
    .sort();
  const answered: Answered[] = [];
  for (const request of requests) {
    const response = responseName(request);
    const target = join(p.inbox, response);
    if (await exists(target)) continue;

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
      rejectRate: rate,
      isDuplicateMessage: () => first !== undefined && first !== request,
    });
    log.info(
      { accepted: result.accepted, rejected: result.rejected, groupStatus: result.groupStatus },
      'request answered',
    );
    answered.push({ request, response, accepted: result.accepted, rejected: result.rejected });
  }
  return { answered };
}
