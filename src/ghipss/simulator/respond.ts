import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { logger } from '../../logger.js';
import { Cedi, ZERO, type Money } from '../../money.js';
import { exists, syncFile, temporaryPath } from '../outbox-files.js';
import { decideTransaction } from './decide.js';
import { readPain001, type Pain001Event } from './pain001-reader.js';
import {
  writePain002,
  type PaymentStatus,
  type StatusReason,
  type StatusReport,
  type TxStatus,
} from './pain002-writer.js';

const log = logger('ghipss.simulator');
/** ISO 20022 amount: at most 18 digits, 5 of them decimals; never negative. */
const AMOUNT = /^\d{1,13}(\.\d{1,5})?$/;

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

interface Tally {
  count: number;
  sum: Money;
}

const tally = (): Tally => ({ count: 0, sum: ZERO });
const add = (t: Tally, amount: Money) => {
  t.count++;
  t.sum = t.sum.plus(amount);
};

/** The response name for a request file: SIKA_LEAP_106_EZWICH_001.xml -> ...001.pain002.xml. */
export function responseName(requestFile: string): string {
  return `${basename(requestFile, '.xml')}.pain002.xml`;
}

/** The answer comes an hour after the request, so the same request always gets the same bytes. */
function answerTime(requestCreDtTm: string): string {
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(requestCreDtTm) ? requestCreDtTm : `${requestCreDtTm}Z`;
  const t = Date.parse(zoned);
  const at = Number.isNaN(t) ? 3_600_000 : t + 3_600_000;
  return `${new Date(at).toISOString().slice(0, 19)}Z`;
}

/** Deterministic and at most 35 characters: the same seed answers a request with the same id. */
function responseMessageId(seed: number, requestKey: string): string {
  const digest = createHash('sha256').update(`${seed}:${requestKey}`).digest('hex');
  return `GHIPSS-${digest.slice(0, 28).toUpperCase()}`;
}

type Declared = { nbOfTxs: string | null; ctrlSum: string | null };

/** A strict switch's control checks: declared counts and sums, group and blocks, must be exact. */
function controlChecks(
  group: Declared,
  all: Tally,
  payments: (Declared & { all: Tally })[],
): StatusReason[] {
  const declared: [Declared, Tally][] = [
    [group, all],
    ...payments.map((p) => [p, p.all] as [Declared, Tally]),
  ];
  const reasons: StatusReason[] = [];
  if (declared.some(([d, t]) => d.nbOfTxs !== null && d.nbOfTxs !== String(t.count))) {
    reasons.push({ code: 'AM18', text: `NbOfTxs does not match the ${all.count} transactions` });
  }
  const sumWrong = ([d, t]: [Declared, Tally]) =>
    d.ctrlSum !== null && (!AMOUNT.test(d.ctrlSum) || !t.sum.equals(new Cedi(d.ctrlSum)));
  if (declared.some(sumWrong)) {
    const text = `CtrlSum does not match the transactions (${all.sum.toFixed(2)})`;
    reasons.push({ code: 'AM10', text });
  }
  return reasons;
}

/**
 * First pass over a request: checks it as a strict switch would (readable, counts and control
 * sums right) and decides every transaction, keeping only totals.
 */
// Limitation: duplicate EndToEndIds within a file (AM05) and a MsgId seen before (DU01) are not
// detected; that would need the stand-in to keep state across files.
async function assess(path: string, seed: number, rejectRate: number) {
  let group: Extract<Pain001Event, { kind: 'group' }> | undefined;
  const payments = new Map<string, PaymentStatus & { all: Tally }>();
  const all = tally();
  const accepted = tally();
  const rejected = tally();
  const reasons: StatusReason[] = [];

  try {
    for await (const ev of readPain001(path)) {
      if (ev.kind === 'group') group = ev;
      else if (ev.kind === 'payment') {
        payments.set(ev.pmtInfId, { ...ev, status: 'ACSC', all: tally() });
      } else {
        if (!AMOUNT.test(ev.amount)) throw new Error(`amount "${ev.amount}" is not an amount`);
        const amount = new Cedi(ev.amount);
        const payment = payments.get(ev.pmtInfId)!;
        add(all, amount);
        add(payment.all, amount);
        const decision = decideTransaction(seed, ev.endToEndId, rejectRate);
        if (decision.status === 'RJCT') {
          add(rejected, amount);
          payment.status = 'PART';
        } else add(accepted, amount);
      }
    }
    if (!group) throw new Error('no group header');
  } catch (err) {
    reasons.push({ code: 'FF01', text: (err as Error).message });
  }

  if (reasons.length === 0 && group)
    reasons.push(...controlChecks(group, all, [...payments.values()]));

  const groupRejected = reasons.length > 0;
  const report: StatusReport = {
    msgId: responseMessageId(seed, group?.msgId ?? basename(path)),
    creDtTm: answerTime(group?.creDtTm ?? ''),
    original: {
      msgId: group?.msgId ?? 'NOTPROVIDED',
      creDtTm: group?.creDtTm ?? '',
      nbOfTxs: group?.nbOfTxs ?? null,
      ctrlSum: group?.ctrlSum ?? null,
    },
    groupStatus: groupRejected ? 'RJCT' : rejected.count > 0 ? 'PART' : 'ACSC',
    groupReasons: reasons,
    perStatus: groupRejected
      ? []
      : [
          { status: 'ACSC', count: accepted.count, sum: accepted.sum.toFixed(2) },
          { status: 'RJCT', count: rejected.count, sum: rejected.sum.toFixed(2) },
        ],
    payments: groupRejected ? new Map() : new Map(payments),
  };
  return {
    report,
    accepted: groupRejected ? 0 : accepted.count,
    rejected: groupRejected ? all.count : rejected.count,
  };
}

/** Second pass: the same transactions again, with their (recomputed, identical) decisions. */
async function* statuses(path: string, seed: number, rejectRate: number): AsyncGenerator<TxStatus> {
  for await (const ev of readPain001(path)) {
    if (ev.kind !== 'tx') continue;
    yield { ...ev, decision: decideTransaction(seed, ev.endToEndId, rejectRate) };
  }
}

async function answer(request: string, target: string, inbox: string, seed: number, rate: number) {
  const { report, accepted, rejected } = await assess(request, seed, rate);
  const tmp = temporaryPath(inbox, basename(target));
  const out = createWriteStream(tmp);
  const done = finished(out);
  try {
    const txs =
      report.groupStatus === 'RJCT' ? (async function* () {})() : statuses(request, seed, rate);
    await writePain002(out, report, txs);
    out.end();
    await done;
    await syncFile(tmp);
    await rename(tmp, target);
  } catch (err) {
    out.destroy();
    await done.catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  return { accepted, rejected, groupStatus: report.groupStatus };
}

/**
 * The GhIPSS stand-in: answers every pain.001 in the outbox that has no answer yet with a
 * pain.002.001.03 in the inbox. Which transactions fail, and why, depends only on the seed.
 */
export async function respondToOutbox(p: RespondParams): Promise<{ answered: Answered[] }> {
  const rate = p.rejectRate ?? 0.015;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rejectRate must be within 0..1: ${rate}`);
  await mkdir(p.inbox, { recursive: true });

  const requests = (await readdir(p.outbox))
    .filter((n) => n.endsWith('.xml') && !n.startsWith('.') && !n.endsWith('.pain002.xml'))
    .sort();
  const answered: Answered[] = [];
  for (const request of requests) {
    const response = responseName(request);
    const target = join(p.inbox, response);
    if (await exists(target)) continue;
    const result = await answer(join(p.outbox, request), target, p.inbox, p.seed, rate);
    log.info(
      { accepted: result.accepted, rejected: result.rejected, groupStatus: result.groupStatus },
      'request answered',
    );
    answered.push({ request, response, accepted: result.accepted, rejected: result.rejected });
  }
  return { answered };
}
