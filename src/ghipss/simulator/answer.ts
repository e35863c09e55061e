import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { Cedi, ZERO, type Money } from '../../money.js';
import { syncFile, temporaryPath } from '../outbox-files.js';
import { writeCamt054Returns, type ReturnedCredit } from './camt054-writer.js';
import { decideFile, decideTransaction, type TxDecision } from './decide.js';
import type { SwitchMix } from './mix.js';
import type { Pain001Event } from './pain001-reader.js';
import {
  writePain002,
  type PaymentStatus,
  type StatusReason,
  type StatusReport,
  type TxStatus,
} from './pain002-writer.js';
import { readRequest } from './request-reader.js';
import { STATUS_CSV } from '../formats/csv-bulk.js';
import { writeStatusCsv } from './status-csv-writer.js';

/** ISO 20022 amount: at most 18 digits, 5 of them decimals; never negative. */
const AMOUNT = /^\d{1,13}(\.\d{1,5})?$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface AnswerOptions {
  seed: number;
  mix: SwitchMix;
  /** True when the switch has seen this message id in an earlier file: the file is DU01. */
  isDuplicateMessage?: (msgId: string) => boolean;
  /** True when a file taken earlier carried this reference: the line is AM05. */
  isKnownReference?: (endToEndId: string) => boolean;
  /** The layout of the status reports written: pain.002.001.03 (default) or sika-status-csv-1. */
  reportFormat?: ReportFormat;
}

export type ReportFormat = 'pain.002' | typeof STATUS_CSV;

/** A document the switch sends after the first report: a repeat, a settlement or returns. */
export interface FollowUp {
  kind: 'repeat' | 'settled' | 'returns';
  /** Writes the document at `target` (temporary name, synced, renamed). */
  write(target: string): Promise<void>;
}

export interface AnswerOutcome {
  msgId: string | undefined;
  groupStatus: 'ACSC' | 'PART' | 'PDNG' | 'RJCT';
  accepted: number;
  rejected: number;
  pending: number;
  returned: number;
  followUps: FollowUp[];
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

/** The answer comes `afterMs` after the request, so the same request always gets the same bytes. */
function answerTime(requestCreDtTm: string, afterMs = HOUR): string {
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(requestCreDtTm) ? requestCreDtTm : `${requestCreDtTm}Z`;
  const t = Date.parse(zoned);
  const at = (Number.isNaN(t) ? 0 : t) + afterMs;
  return `${new Date(at).toISOString().slice(0, 19)}Z`;
}

/** Deterministic and at most 35 characters: the same seed answers a request with the same id. */
function responseMessageId(seed: number, requestKey: string): string {
  const digest = createHash('sha256').update(`${seed}:${requestKey}`).digest('hex');
  return `GHIPSS-${digest.slice(0, 28).toUpperCase()}`;
}

/**
 * Decisions within one file: a reference met again in the same file, or carried by a file taken
 * earlier, is a duplicate (AM05), never paid twice; the first one gets the seeded decision.
 */
function decider(o: AnswerOptions): (endToEndId: string) => TxDecision {
  const seen = new Set<string>();
  return (endToEndId) => {
    if (seen.has(endToEndId) || o.isKnownReference?.(endToEndId)) {
      return { status: 'RJCT', reason: 'AM05' };
    }
    seen.add(endToEndId);
    return decideTransaction(o.seed, endToEndId, o.mix);
  };
}

/** Every reference a request carries, in order. */
export async function* requestReferences(path: string): AsyncGenerator<string> {
  for await (const ev of readRequest(path)) if (ev.kind === 'tx') yield ev.endToEndId;
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

type Payment = PaymentStatus & { all: Tally; debtorAccount?: string };

/**
 * First pass over a request: checks it as a strict switch would (readable, a message id not seen
 * before, counts and control sums right) and decides every transaction, keeping only totals.
 */
async function assess(path: string, o: AnswerOptions) {
  let group: Extract<Pain001Event, { kind: 'group' }> | undefined;
  const payments = new Map<string, Payment>();
  const [all, accepted, rejected, pending, returned] = [
    tally(),
    tally(),
    tally(),
    tally(),
    tally(),
  ];
  const reasons: StatusReason[] = [];
  const decide = decider(o);

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
        const d = decide(ev.endToEndId);
        if (d.status === 'RJCT') {
          add(rejected, amount);
          payment.status = 'PART';
        } else if (d.status === 'PDNG') {
          add(pending, amount);
          if (payment.status === 'ACSC') payment.status = 'PDNG';
        } else {
          add(accepted, amount);
          if (d.returned) add(returned, amount);
        }
      }
    }
    if (!group) throw new Error('no group header');
  } catch (err) {
    reasons.push({ code: 'FF01', text: (err as Error).message });
  }

  const file = decideFile(o.seed, group?.msgId ?? basename(path), o.mix);
  if (reasons.length === 0 && group) {
    if (o.isDuplicateMessage?.(group.msgId)) {
      reasons.push({ code: 'DU01', text: `message id ${group.msgId} was received before` });
    } else reasons.push(...controlChecks(group, all, [...payments.values()]));
    if (reasons.length === 0 && file.refuse) {
      reasons.push({ code: 'AM10', text: 'CtrlSum does not match the transactions as summed' });
    }
  }

  const groupRejected = reasons.length > 0;
  // Only the lines not settled are listed: the group and block statuses speak for the rest.
  const onlyRejected = !groupRejected && file.onlyRejected;
  if (onlyRejected) for (const p of payments.values()) p.status = 'ACSC';
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
    groupStatus: groupRejected
      ? 'RJCT'
      : onlyRejected
        ? 'ACSC'
        : rejected.count > 0
          ? 'PART'
          : pending.count > 0
            ? 'PDNG'
            : 'ACSC',
    groupReasons: reasons,
    perStatus: groupRejected
      ? []
      : [
          { status: 'ACSC', count: accepted.count, sum: accepted.sum.toFixed(2) },
          { status: 'PDNG', count: pending.count, sum: pending.sum.toFixed(2) },
          { status: 'RJCT', count: rejected.count, sum: rejected.sum.toFixed(2) },
        ],
    payments: groupRejected ? new Map() : new Map(payments),
  };
  return {
    report,
    group,
    payments,
    file: { ...file, onlyRejected },
    accepted: groupRejected ? 0 : accepted.count,
    rejected: groupRejected ? all.count : rejected.count,
    pending: groupRejected ? 0 : pending.count,
    returned: groupRejected ? 0 : returned.count,
    pendingSum: pending.sum,
  };
}

/** Another pass: the same transactions again, with their (recomputed, identical) decisions. */
async function* statuses(
  path: string,
  o: AnswerOptions,
  keep: (d: TxDecision) => boolean = () => true,
): AsyncGenerator<TxStatus> {
  const decide = decider(o);
  for await (const ev of readRequest(path)) {
    if (ev.kind !== 'tx') continue;
    const decision = decide(ev.endToEndId);
    if (keep(decision)) yield { ...ev, decision };
  }
}

/** Writes a document under a temporary name, syncs and renames: a reader never sees half. */
async function writeAtomically(target: string, body: (out: Writable) => Promise<void>) {
  const tmp = temporaryPath(dirname(target), basename(target));
  const out = createWriteStream(tmp);
  const done = finished(out);
  try {
    await body(out);
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
}

/**
 * Answers one request file with a status report at `target` (a pain.002.001.03, or a
 * sika-status-csv-1 as `reportFormat` asks: the same decisions either way), and says which
 * documents follow later: the same report again, a report settling the pending lines, a
 * camt.054 of returns.
 */
export async function answerRequest(
  request: string,
  target: string,
  o: AnswerOptions,
): Promise<AnswerOutcome> {
  // Decided once: the references this file meets that earlier files carried stay duplicates in
  // every later pass, whatever the caller learns meanwhile.
  const known = new Set<string>();
  const ask = o.isKnownReference ?? (() => false);
  const recordKnown = (id: string) => {
    if (!ask(id)) return false;
    known.add(id);
    return true;
  };
  const a = await assess(request, { ...o, isKnownReference: recordKnown });
  o = { ...o, isKnownReference: (id) => known.has(id) };
  const { report } = a;
  const refused = report.groupStatus === 'RJCT';
  const listed = a.file.onlyRejected ? (d: TxDecision) => d.status !== 'ACSC' : () => true;
  const writeReport = o.reportFormat === STATUS_CSV ? writeStatusCsv : writePain002;
  await writeAtomically(target, (out) =>
    writeReport(out, report, refused ? (async function* () {})() : statuses(request, o, listed)),
  );

  const followUps: FollowUp[] = [];
  const requestKey = a.group?.msgId ?? basename(request);
  if (a.file.duplicateReport) {
    followUps.push({
      kind: 'repeat',
      write: (to) => writeAtomically(to, (out) => rewrite(target, out)),
    });
  }
  if (a.pending > 0) {
    const settled: StatusReport = {
      ...report,
      msgId: responseMessageId(o.seed, `${requestKey}:settled`),
      creDtTm: answerTime(a.group?.creDtTm ?? '', DAY + HOUR),
      groupStatus: null,
      groupReasons: [],
      perStatus: [{ status: 'ACSC', count: a.pending, sum: a.pendingSum.toFixed(2) }],
      payments: new Map([...a.payments].map(([id, p]) => [id, { ...p, status: null }])),
    };
    const lines = async function* () {
      for await (const t of statuses(request, o, (d) => d.status === 'PDNG')) {
        yield { ...t, decision: { status: 'ACSC' as const } };
      }
    };
    followUps.push({
      kind: 'settled',
      write: (to) => writeAtomically(to, (out) => writeReport(out, settled, lines())),
    });
  }
  if (a.returned > 0) {
    const at = answerTime(a.group?.creDtTm ?? '', o.mix.returnDays * DAY + HOUR);
    const account = [...a.payments.values()].find((p) => p.debtorAccount)?.debtorAccount;
    const notice = {
      msgId: responseMessageId(o.seed, `${requestKey}:returns`),
      creDtTm: at,
      account: account ?? 'NOTPROVIDED',
      bookingDate: at.slice(0, 10),
    };
    const credits = async function* (): AsyncGenerator<ReturnedCredit> {
      for await (const t of statuses(request, o, (d) => d.status === 'ACSC' && !!d.returned)) {
        const reason = t.decision.status === 'ACSC' ? t.decision.returned! : '';
        yield {
          endToEndId: t.endToEndId,
          pmtInfId: t.pmtInfId,
          amount: t.amount,
          ccy: t.ccy,
          reason,
        };
      }
    };
    followUps.push({
      kind: 'returns',
      write: (to) => writeAtomically(to, (out) => writeCamt054Returns(out, notice, credits())),
    });
  }

  return {
    msgId: a.group?.msgId,
    groupStatus: report.groupStatus as AnswerOutcome['groupStatus'],
    accepted: a.accepted,
    rejected: a.rejected,
    pending: a.pending,
    returned: a.returned,
    followUps,
  };
}

/** The first report's bytes again. */
async function rewrite(from: string, out: Writable): Promise<void> {
  await pipeline(createReadStream(from), out, { end: false });
}

/**
 * Where a follow-up of the report at `primary` (…pain002.xml or …status.csv) is kept. The names
 * sort after the primary's in the order the documents come: repeat, returns, settled.
 */
export function followUpName(primary: string, kind: FollowUp['kind']): string {
  const csv = /\.status\.csv$/.exec(primary);
  if (csv) {
    const base = primary.slice(0, csv.index);
    return kind === 'returns' ? `${base}.status.returns.camt054.xml` : `${base}.status.${kind}.csv`;
  }
  const base = primary.replace(/\.pain002\.xml$/, '');
  return kind === 'returns' ? `${base}.returns.camt054.xml` : `${base}.${kind}.pain002.xml`;
}
