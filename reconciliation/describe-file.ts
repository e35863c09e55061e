import { basename } from 'node:path';
import { Cedi, ZERO, type Money } from '../src/money.js';
import { assertFile, sha256File } from './load-file.js';
import { parseCamt, type CamtFormat } from './camt-parser.js';
import type { Pain002Header, Pain002PaymentInfo } from './pain002-parser.js';
import {
  isStatusReport,
  parseStatusReport,
  settlementFormat,
  type StatusReportFormat,
} from './settlement-format.js';
import { sniffFormat } from './sniff-format.js';

export interface Tally {
  records: number;
  /** Sum of the amounts given; records without an amount are counted, not summed. */
  amount: Money;
  /** Records counted here that give no amount. */
  withoutAmount: number;
}

export type FileDescription = Pain002Description | CamtDescription;

export interface CamtDescription {
  fileName: string;
  sha256: string;
  format: CamtFormat;
  messageId: string;
  creationDateTime: string | null;
  namespace: string | null;
  records: number;
  recordsWithoutAmount: number;
  /** By BOOK, RTRN, CRDT or the entry status. */
  byStatus: Record<string, Tally>;
  byReason: Record<string, Tally>;
  /** By the currency code of the amounts; records without an amount are not counted. */
  byCurrency: Record<string, Tally>;
}

/** A status report: a pain.002 or a sika-status-csv-1 (which has no payment information). */
export interface Pain002Description extends Pain002Header {
  fileName: string;
  sha256: string;
  format: StatusReportFormat;
  paymentInfos: Pain002PaymentInfo[];
  records: number;
  recordsWithoutAmount: number;
  byStatus: Record<string, Tally>;
  /** By reason code; records without one under "(none)". */
  byReason: Record<string, Tally>;
  /**
   * By the currency code of the amounts ("(none)" when not given); records without an amount are
   * not counted.
   */
  byCurrency: Record<string, Tally>;
}

const add = (t: Record<string, Tally>, key: string, amount: Money | null) => {
  const cur = t[key] ?? { records: 0, amount: ZERO, withoutAmount: 0 };
  t[key] = {
    records: cur.records + 1,
    amount: amount === null ? cur.amount : cur.amount.plus(amount),
    withoutAmount: cur.withoutAmount + (amount === null ? 1 : 0),
  };
};

/** Dry run: what a response file holds (message ids, counts and amounts), nothing written. */
export async function describeFile(path: string): Promise<FileDescription> {
  await assertFile(path);
  const sha256 = await sha256File(path);
  const format = settlementFormat(await sniffFormat(path));
  if (!isStatusReport(format)) return describeCamt(path, sha256);
  let header: Pain002Header | undefined;
  const paymentInfos: Pain002PaymentInfo[] = [];
  const byStatus: Record<string, Tally> = {};
  const byReason: Record<string, Tally> = {};
  const byCurrency: Record<string, Tally> = {};
  let records = 0;
  let recordsWithoutAmount = 0;

  for await (const ev of parseStatusReport(path, format)) {
    if (ev.kind === 'header') header = ev.header;
    else if (ev.kind === 'paymentInfo') paymentInfos.push(ev.paymentInfo);
    else {
      for (const r of ev.records) {
        records++;
        if (r.amount === null) recordsWithoutAmount++;
        const amount = r.amount === null ? null : new Cedi(r.amount);
        add(byStatus, r.status, amount);
        add(byReason, r.reasonCode ?? '(none)', amount);
        if (amount !== null) add(byCurrency, r.currency ?? '(none)', amount);
      }
    }
  }
  if (!header) throw new Error('a status report ended without a header');
  return {
    fileName: basename(path),
    sha256,
    format,
    ...header,
    paymentInfos,
    records,
    recordsWithoutAmount,
    byStatus,
    byReason,
    byCurrency,
  };
}

async function describeCamt(path: string, sha256: string): Promise<CamtDescription> {
  const byStatus: Record<string, Tally> = {};
  const byReason: Record<string, Tally> = {};
  const byCurrency: Record<string, Tally> = {};
  let records = 0;
  let recordsWithoutAmount = 0;
  let header: Omit<CamtDescription, 'fileName' | 'sha256' | 'records'> | undefined;
  for await (const ev of parseCamt(path)) {
    if (ev.kind === 'header') {
      const { format, messageId, creationDateTime, namespace } = ev.header;
      header = {
        format,
        messageId,
        creationDateTime,
        namespace,
        recordsWithoutAmount: 0,
        byStatus,
        byReason,
        byCurrency,
      };
      continue;
    }
    for (const r of ev.records) {
      records++;
      if (r.amount === null) recordsWithoutAmount++;
      const amount = r.amount === null ? null : new Cedi(r.amount);
      add(byStatus, r.status, amount);
      add(byReason, r.reasonCode ?? '(none)', amount);
      if (amount !== null) add(byCurrency, r.currency ?? '(none)', amount);
    }
  }
  if (!header) throw new Error('parseCamt ended without a header');
  return { fileName: basename(path), sha256, ...header, records, recordsWithoutAmount };
}

/** A status report's description (pain.002 or CSV), not a camt one. */
export function isStatusDescription(d: FileDescription): d is Pain002Description {
  return isStatusReport(d.format);
}
