import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { SikaError } from '../src/errors.js';
import { localName, messageKind } from './detect-format.js';
import { feedXml } from './xml-stream.js';

export type CamtFormat = 'camt.054' | 'camt.053' | 'camt.052';

export interface CamtHeader {
  format: CamtFormat;
  messageId: string;
  creationDateTime: string | null;
  namespace: string | null;
}

/** One transaction of a camt entry (or the entry itself when it gives no transaction details). */
export interface CamtRecord {
  /** As written; "NOTPROVIDED" and a missing reference both mean the fallback match applies. */
  endToEndId: string | null;
  paymentInfoId: string | null;
  /**
   * What the record says happened to the payment: BOOK (our debit booked: paid), RTRN (money came
   * back: bank transaction code RRTN or a reversal), CRDT (another credit naming the payment,
   * which moves nothing), or the entry status when it is not booked (PDNG, INFO), ditto.
   */
  status: string;
  amount: string | null;
  currency: string | null;
  creditDebit: 'CRDT' | 'DBIT' | null;
  reversal: boolean;
  /** Domain/Family/SubFamily ("PMNT/ICDT/RRTN"), or the proprietary code. */
  bankTxCode: string | null;
  reasonCode: string | null;
  reasonText: string | null;
  bookingDate: string | null;
  valueDate: string | null;
  /** The counterparty: creditor account (IBAN or Othr/Id), else debtor account, never our own. */
  account: string | null;
}

export type CamtEvent =
  { kind: 'header'; header: CamtHeader } | { kind: 'records'; records: CamtRecord[] };

const ROOTS: Record<string, CamtFormat> = {
  BkToCstmrDbtCdtNtfctn: 'camt.054',
  BkToCstmrStmt: 'camt.053',
  BkToCstmrAcctRpt: 'camt.052',
};
/** Whether a sniffed message kind is one of the camt messages this reader takes. */
export function isCamt(kind: string | null): kind is CamtFormat {
  return kind !== null && Object.values(ROOTS).includes(kind as CamtFormat);
}
/** The account block of each message: Ntfctn (camt.054), Stmt (camt.053), Rpt (camt.052). */
const ACCOUNT_BLOCKS = ['Ntfctn', 'Stmt', 'Rpt'];
const SCOPES = ['TxDtls', 'Ntry', 'Ntfctn', 'Stmt', 'Rpt', 'GrpHdr'] as const;
type Scope = (typeof SCOPES)[number];
/** An ISO 20022 amount: never negative (CdtDbtInd gives the direction). */
const AMOUNT = /^\d+(\.\d+)?$/;
const RETURN_CODES = ['RRTN'];

interface Fields {
  amount: string;
  ccy: string;
  cdtDbt: string;
  reversal: string;
  status: string;
  booking: string;
  value: string;
  domain: string;
  family: string;
  subFamily: string;
  proprietary: string;
}
interface TxDraft extends Partial<Fields> {
  e2e?: string;
  pmtInf?: string;
  txAmount?: string;
  instdAmount?: string;
  cdtrAcct?: string;
  dbtrAcct?: string;
  reason?: string;
  texts: string[];
}

/** The first ten characters of a date or date-time ("2020-11-24T20:00:00" -> "2020-11-24"). */
const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null);

/**
 * Reads a camt.054 notification, camt.053 statement or camt.052 account report (any version .02
 * to .08, any namespace; the three share the entry structure) as
 * a stream: the header, then one record per transaction detail in batches. Entry fields (dates,
 * indicators, bank transaction code, status) apply to its transactions unless they give their own.
 */
export async function* parseCamt(
  input: Readable | string,
  opts: { batchSize?: number; name?: string } = {},
): AsyncGenerator<CamtEvent> {
  const name = opts.name ?? (typeof input === 'string' ? basename(input) : 'response file');
  const batchSize = opts.batchSize ?? 2000;
  const unreadable = (why: string) =>
    new SikaError('UNREADABLE_RESPONSE', `${name}: ${why}`, { file: name });

  const out: CamtEvent[] = [];
  let batch: CamtRecord[] = [];
  const stack: string[] = [];
  let format: CamtFormat | null = null;
  let namespace: string | null = null;
  const hdr = { messageId: '', creDtTm: '' };
  let headerSent = false;
  let ownAccount = '';
  let entry: Partial<Fields> = {};
  let tx: TxDraft = { texts: [] };
  let entryTxs = 0;
  /** The first transaction of an entry waits: if it is the only one it may take the entry amount. */
  let held: TxDraft | null = null;
  let records = 0;

  const sendHeader = () => {
    if (headerSent) return;
    if (!hdr.messageId) throw unreadable('GrpHdr/MsgId is missing');
    headerSent = true;
    out.push({
      kind: 'header',
      header: {
        format: format!,
        messageId: hdr.messageId,
        creationDateTime: hdr.creDtTm || null,
        namespace,
      },
    });
  };
  const emit = (t: TxDraft, only: boolean) => {
    records++;
    const pick = <K extends keyof Fields>(k: K) => t[k] || entry[k] || '';
    const amount = (
      t.amount ||
      t.txAmount ||
      t.instdAmount ||
      (only ? entry.amount : '') ||
      ''
    ).trim();
    if (amount && !AMOUNT.test(amount)) {
      throw unreadable(
        `line ${closedAt}: transaction ${records}: amount "${amount.slice(0, 40)}" is not an ` +
          'amount (digits, a decimal point, no sign; CdtDbtInd gives the direction)',
      );
    }
    const ccy = t.amount ? t.ccy : amount ? t.ccy || entry.ccy : '';
    const cdtDbt = pick('cdtDbt');
    const reversal = pick('reversal') === 'true';
    const [domain, family, subFamily] = t.domain
      ? [t.domain, t.family, t.subFamily]
      : [entry.domain, entry.family, entry.subFamily];
    const proprietary = pick('proprietary');
    const bankTxCode = domain ? [domain, family, subFamily].filter(Boolean).join('/') : proprietary;
    const returned =
      reversal || RETURN_CODES.includes(subFamily ?? '') || RETURN_CODES.includes(proprietary);
    const entryStatus = pick('status');
    const booked = !entryStatus || entryStatus === 'BOOK';
    const account =
      t.cdtrAcct && t.cdtrAcct !== ownAccount ? t.cdtrAcct : t.dbtrAcct || t.cdtrAcct || null;
    batch.push({
      endToEndId: t.e2e || null,
      paymentInfoId: t.pmtInf || null,
      status: !booked ? entryStatus : returned ? 'RTRN' : cdtDbt === 'CRDT' ? 'CRDT' : 'BOOK',
      amount: amount || null,
      currency: ccy || null,
      creditDebit: cdtDbt === 'CRDT' || cdtDbt === 'DBIT' ? cdtDbt : null,
      reversal,
      bankTxCode: bankTxCode || null,
      reasonCode: t.reason || null,
      reasonText: t.texts.length ? t.texts.join(' ') : null,
      bookingDate: day(pick('booking')),
      valueDate: day(pick('value')),
      account,
    });
    if (batch.length >= batchSize) flush();
  };
  const flush = () => {
    if (batch.length) out.push({ kind: 'records', records: batch });
    batch = [];
  };

  const onValue = (scope: Scope, rel: string, value: string, ccy: string) => {
    // A parent closes with no text of its own ("Sts" around "Cd"): it must not blank its child.
    if (!value) return;
    if (scope === 'GrpHdr') {
      if (rel === 'MsgId') hdr.messageId = value;
      else if (rel === 'CreDtTm') hdr.creDtTm = value;
    } else if (ACCOUNT_BLOCKS.includes(scope)) {
      if (rel === 'Acct/Id/IBAN' || rel === 'Acct/Id/Othr/Id') ownAccount = value;
    } else if (scope === 'Ntry') setCommon(entry, rel, value, ccy);
    else if (rel === 'Refs/EndToEndId') tx.e2e = value;
    else if (rel === 'Refs/PmtInfId') tx.pmtInf = value;
    else if (rel === 'AmtDtls/TxAmt/Amt') [tx.txAmount, tx.ccy] = [value, tx.ccy || ccy];
    else if (rel === 'AmtDtls/InstdAmt/Amt') [tx.instdAmount, tx.ccy] = [value, tx.ccy || ccy];
    else if (/^RltdPties\/CdtrAcct\/Id\/(IBAN|Othr\/Id)$/.test(rel)) tx.cdtrAcct = value;
    else if (/^RltdPties\/DbtrAcct\/Id\/(IBAN|Othr\/Id)$/.test(rel)) tx.dbtrAcct = value;
    else if (rel === 'RtrInf/Rsn/Cd' || rel === 'RtrInf/Rsn/Prtry') tx.reason ??= value;
    else if (rel === 'RtrInf/AddtlInf' && value) tx.texts.push(value);
    else setCommon(tx, rel, value, ccy);
  };

  /** The line of the last closing tag read: where an entry or transaction ends. */
  let closedAt = 0;
  const open = (tagName: string, attributes: Record<string, string>) => {
    const local = localName(tagName);
    const depth = stack.length;
    if (depth === 0) {
      if (local !== 'Document') {
        throw unreadable(`root element ${local} is not an ISO 20022 Document`);
      }
      const prefix = tagName.includes(':') ? tagName.slice(0, tagName.indexOf(':')) : '';
      namespace = attributes[prefix ? `xmlns:${prefix}` : 'xmlns'] ?? null;
    } else if (depth === 1) {
      format = ROOTS[local] ?? null;
      if (!format) {
        const kind = messageKind(local);
        throw unreadable(
          kind
            ? `it is a ${kind} message, not a camt.052, camt.053 or camt.054`
            : `${local} is not a camt message`,
        );
      }
    }
    stack.push(local);
    if (ACCOUNT_BLOCKS.includes(local)) {
      sendHeader();
      ownAccount = '';
    } else if (local === 'Ntry') {
      [entry, entryTxs, held] = [{}, 0, null];
    } else if (local === 'TxDtls') {
      tx = { texts: [] };
      if (held) emit(held, false);
      held = null;
    }
  };

  const close = (
    _tagName: string,
    text: string,
    attributes: Record<string, string>,
    line: number,
  ) => {
    closedAt = line;
    const local = stack[stack.length - 1] ?? '';
    const scope = scopeOf(stack);
    if (scope) {
      const rel = stack.slice(stack.lastIndexOf(scope) + 1).join('/');
      onValue(scope, rel, text, attributes['Ccy'] ?? '');
    }
    if (local === 'TxDtls') {
      entryTxs++;
      if (entryTxs === 1) held = tx;
      else emit(tx, false);
    } else if (local === 'Ntry') {
      if (held) emit(held, true);
      else if (entryTxs === 0) emit({ texts: [] }, true);
      held = null;
    }
    stack.pop();
  };

  const input$ = typeof input === 'string' ? createReadStream(input) : input;
  for await (const _ of feedXml(input$, name, { open, close })) yield* out.splice(0);
  if (!format) throw unreadable('no camt.052, camt.053 or camt.054 message found');
  sendHeader();
  flush();
  yield* out.splice(0);
}

/** Fields an entry and a transaction detail share; the transaction's own win. */
function setCommon(d: Partial<Fields>, rel: string, value: string, ccy: string): void {
  if (rel === 'Amt') [d.amount, d.ccy] = [value, ccy];
  else if (rel === 'CdtDbtInd') d.cdtDbt = value;
  else if (rel === 'RvslInd') d.reversal = value.toLowerCase();
  else if (rel === 'Sts' || rel === 'Sts/Cd') d.status = value;
  else if (rel === 'BookgDt/Dt' || rel === 'BookgDt/DtTm') d.booking = value;
  else if (rel === 'ValDt/Dt' || rel === 'ValDt/DtTm') d.value = value;
  else if (rel === 'BkTxCd/Domn/Cd') d.domain = value;
  else if (rel === 'BkTxCd/Domn/Fmly/Cd') d.family = value;
  else if (rel === 'BkTxCd/Domn/Fmly/SubFmlyCd') d.subFamily = value;
  else if (rel === 'BkTxCd/Prtry/Cd') d.proprietary = value;
}

function scopeOf(stack: string[]): Scope | null {
  for (let i = stack.length - 1; i >= 0; i--) {
    const n = stack[i] as Scope;
    if (SCOPES.includes(n)) return n;
  }
  return null;
}

export interface CamtReport extends CamtHeader {
  records: CamtRecord[];
}

/** The whole message in memory: for small files and tests; reconciliation streams instead. */
export async function readCamt(input: Readable | string): Promise<CamtReport> {
  let header: CamtHeader | undefined;
  const records: CamtRecord[] = [];
  for await (const ev of parseCamt(input)) {
    if (ev.kind === 'header') header = ev.header;
    else records.push(...ev.records);
  }
  if (!header) throw new Error('parseCamt ended without a header');
  return { ...header, records };
}
