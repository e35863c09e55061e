import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { Cedi, ZERO, type Money } from '../../money.js';
import { syncFile, temporaryPath } from '../outbox-files.js';
import { decideTransaction, type TxDecision } from './decide.js';
import type { Pain001Event } from './pain001-reader.js';
import {
  writePain002,
  type PaymentStatus,
  type StatusReason,
  type StatusReport,
  type TxStatus,
} from './pain002-writer.js';
import { readRequest } from './request-reader.js';

/** ISO 20022 amount: at most 18 digits, 5 of them decimals; never negative. */
const AMOUNT = /^\d{1,13}(\.\d{1,5})?$/;

export interface AnswerOptions {
  seed: number;
  /** Share of transactions rejected, 0..1. */
  rejectRate: number;
  /** True when the switch has seen this message id in an earlier file: the file is DU01. */
  isDuplicateMessage?: (msgId: string) => boolean;
}

export interface AnswerOutcome {
  msgId: string | undefined;
  groupStatus: 'ACSC' | 'PART' | 'RJCT';
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

/**
 * Decisions within one file: a reference met again in the same file is a duplicate (AM05), never
 * paid twice; the first one gets the seeded decision.
 */
function decider(seed: number, rate: number): (endToEndId: string) => TxDecision {
  const seen = new Set<string>();
  return (endToEndId) => {
    if (seen.has(endToEndId)) return { status: 'RJCT', reason: 'AM05' };
    seen.add(endToEndId);
    return decideTransaction(seed, endToEndId, rate);
  };
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
  if (group.nbOfTxs === null) reasons.push({ code: 'AM18', text: 'no declared transaction count' });
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
 * First pass over a request: checks it as a strict switch would (readable, a message id not seen
 * before, counts and control sums right) and decides every transaction, keeping only totals.
 */
async function assess(path: string, o: AnswerOptions) {
  let group: Extract<Pain001Event, { kind: 'group' }> | undefined;
  const payments = new Map<string, PaymentStatus & { all: Tally }>();
  const all = tally();
  const accepted = tally();
  const rejected = tally();
  const reasons: StatusReason[] = [];
  const decide = decider(o.seed, o.rejectRate);

  try {
    for await (const ev of readRequest(path)) {
      if (ev.kind === 'group') group = ev;
      else if (ev.kind === 'payment') {
        payments.set(ev.pmtInfId, { ...ev, status: 'ACSC', all: tally() });
      } else if (ev.kind === 'totals') {
        if (group) group = { ...group, nbOfTxs: ev.nbOfTxs, ctrlSum: ev.ctrlSum };
      } else {
        if (!AMOUNT.test(ev.amount)) throw new Error(`amount "${ev.amount}" is not an amount`);
        const amount = new Cedi(ev.amount);
        const payment = payments.get(ev.pmtInfId)!;
        add(all, amount);
        add(payment.all, amount);
        if (decide(ev.endToEndId).status === 'RJCT') {
          add(rejected, amount);
          payment.status = 'PART';
        } else add(accepted, amount);
      }
    }
    if (!group) throw new Error('no group header');
  } catch (err) {
    reasons.push({ code: 'FF01', text: (err as Error).message });
  }

  if (reasons.length === 0 && group) {
    if (o.isDuplicateMessage?.(group.msgId)) {
      reasons.push({ code: 'DU01', text: `message id ${group.msgId} was received before` });
    } else reasons.push(...controlChecks(group, all, [...payments.values()]));
  }

  const groupRejected = reasons.length > 0;
  const report: StatusReport = {
    msgId: responseMessageId(o.seed, group?.msgId ?? basename(path)),
    creDtTm: answerTime(group?.creDtTm ?? ''),
    original: {
      msgId: group?.msgId ?? 'NOTPROVIDED',
      msgNmId: group?.msgNmId || 'pain.001.001.03',
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
    msgId: group?.msgId,
    accepted: groupRejected ? 0 : accepted.count,
    rejected: groupRejected ? all.count : rejected.count,
  };
}

/** Second pass: the same transactions again, with their (recomputed, identical) decisions. */
async function* statuses(path: string, o: AnswerOptions): AsyncGenerator<TxStatus> {
  const decide = decider(o.seed, o.rejectRate);
  for await (const ev of readRequest(path)) {
    if (ev.kind !== 'tx') continue;
    yield { ...ev, decision: decide(ev.endToEndId) };
  }
}

/**
 * Answers one request file with a pain.002.001.03 at `target` (written under a temporary name,
 * synced and renamed, so a reader never sees half an answer).
 */
export async function answerRequest(
  request: string,
  target: string,
  o: AnswerOptions,
): Promise<AnswerOutcome> {
  const { report, msgId, accepted, rejected } = await assess(request, o);
  const tmp = temporaryPath(dirname(target), basename(target));
  const out = createWriteStream(tmp);
  const done = finished(out);
  try {
    const txs = report.groupStatus === 'RJCT' ? (async function* () {})() : statuses(request, o);
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
  return { msgId, groupStatus: report.groupStatus, accepted, rejected };
}
