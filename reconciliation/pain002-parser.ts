import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { SaxesParser } from 'saxes';
import { SikaError } from '../src/errors.js';
import { declaredEncoding, localName, messageKind } from './detect-format.js';

export interface StatusReason {
  /** Rsn/Cd, or Rsn/Prtry when the bank uses its own code. */
  code: string | null;
  /** AddtlInf, joined when there are several. */
  text: string | null;
}

export interface Pain002Header {
  messageId: string;
  /** As written: banks send a date-time, with or without zone, or only a date. */
  creationDateTime: string | null;
  namespace: string | null;
  originalMessageId: string;
  originalMessageNameId: string | null;
  originalNumberOfTxs: number | null;
  originalControlSum: string | null;
  groupStatus: string | null;
  groupReason: StatusReason | null;
}

export interface Pain002PaymentInfo {
  originalPaymentInfoId: string;
  status: string | null;
  reason: StatusReason | null;
}

export interface Pain002Record {
  endToEndId: string | null;
  paymentInfoId: string | null;
  /** TxSts, or the payment-info / group status it falls under when the bank gives none. */
  status: string;
  reasonCode: string | null;
  reasonText: string | null;
  /** The instructed amount as written (banks may send five decimals); null when absent. */
  amount: string | null;
  currency: string | null;
}

export type Pain002Event =
  | { kind: 'header'; header: Pain002Header }
  | { kind: 'paymentInfo'; paymentInfo: Pain002PaymentInfo }
  | { kind: 'records'; records: Pain002Record[] };

const SCOPES = ['TxInfAndSts', 'OrgnlPmtInfAndSts', 'OrgnlGrpInfAndSts', 'GrpHdr'] as const;
type Scope = (typeof SCOPES)[number];
/**
 * The ISO 20022 payment statuses (external code lists ExternalPaymentTransactionStatus1Code and
 * ExternalPaymentGroupStatus1Code). Any other code is news nobody can act on: the file is refused
 * rather than its lines left pending without a word.
 */
export const STATUSES = new Set(
  'ACCC ACCP ACFC ACIS ACPD ACSC ACSP ACTC ACWC ACWP BLCK CANC PART PATC PDNG PRES RCVD RJCT'.split(
    ' ',
  ),
);

/**
 * The namespaces of pain.002 schemas: the ISO ones (any version) and bank variants that extend
 * them, such as the Swiss pain.002.001.03.ch.02. A document without a namespace is read by its
 * element names alone.
 */
const PAIN002_NAMESPACE = /(^|[:/])pain\.002\.001\.\d{2}([.:/]|$)/;

/** An ISO 20022 amount: never negative (the schema's decimal has no sign in a report). */
const AMOUNT = /^\d+(\.\d+)?$/;

interface ReasonDraft {
  code: string | null;
  texts: string[];
  seen: number;
}
const newReason = (): ReasonDraft => ({ code: null, texts: [], seen: 0 });
const finishReason = (r: ReasonDraft): StatusReason | null =>
  r.code === null && r.texts.length === 0
    ? null
    : { code: r.code, text: r.texts.length ? r.texts.join(' ') : null };

/**
 * Reads a pain.002 customer payment status report as a stream: any version from .001.03 on and
 * bank variants, by local element names. Yields the header first, each payment information block
 * before its transactions, and transaction records in batches, so no file is held whole.
 */
export async function* parsePain002(
  input: Readable | string,
  opts: { batchSize?: number; name?: string } = {},
): AsyncGenerator<Pain002Event> {
  const name = opts.name ?? (typeof input === 'string' ? basename(input) : 'response file');
  const batchSize = opts.batchSize ?? 2000;
  const unreadable = (why: string) =>
    new SikaError('UNREADABLE_RESPONSE', `${name}: ${why}`, { file: name });
  const stream = typeof input === 'string' ? createReadStream(input) : input;

  const out: Pain002Event[] = [];
  let batch: Pain002Record[] = [];
  const stack: string[] = [];
  let text = '';
  let rootNamespace: string | null = null;

  const hdr = { messageId: '', creationDateTime: '', orgnlMsgId: '', orgnlMsgNmId: '' };
  const grp = { status: '', nbOfTxs: '', ctrlSum: '', reason: newReason() };
  let headerSent = false;
  let pmt = { id: '', status: '', reason: newReason(), sent: false };
  let tx = { e2e: '', status: '', reason: newReason(), amount: '', ccy: '', at: '' };
  let pendingCcy = '';
  let records = 0;

  const flushRecords = () => {
    if (batch.length) out.push({ kind: 'records', records: batch });
    batch = [];
  };
  const sendHeader = () => {
    if (headerSent) return;
    if (!hdr.messageId) throw unreadable('GrpHdr/MsgId is missing');
    if (!hdr.orgnlMsgId) throw unreadable('OrgnlGrpInfAndSts/OrgnlMsgId is missing');
    headerSent = true;
    out.push({
      kind: 'header',
      header: {
        messageId: hdr.messageId,
        creationDateTime: hdr.creationDateTime || null,
        namespace: rootNamespace,
        originalMessageId: hdr.orgnlMsgId,
        originalMessageNameId: hdr.orgnlMsgNmId || null,
        originalNumberOfTxs: grp.nbOfTxs ? Number.parseInt(grp.nbOfTxs, 10) : null,
        originalControlSum: grp.ctrlSum || null,
        groupStatus: grp.status || null,
        groupReason: finishReason(grp.reason),
      },
    });
  };
  const sendPaymentInfo = () => {
    if (pmt.sent) return;
    pmt.sent = true;
    if (!pmt.id) throw unreadable('OrgnlPmtInfAndSts without OrgnlPmtInfId');
    flushRecords();
    out.push({
      kind: 'paymentInfo',
      paymentInfo: {
        originalPaymentInfoId: pmt.id,
        status: pmt.status || null,
        reason: finishReason(pmt.reason),
      },
    });
  };
  const finishTransaction = () => {
    records++;
    // A transaction without its own status falls under its block's (or the group's) status;
    // PART says nothing about a single transaction, so it is never inherited.
    const inherited = [pmt.status, grp.status].find((s) => s && s !== 'PART');
    const status = tx.status || inherited;
    if (!status) throw unreadable(`transaction ${records} has no status at any level`);
    const reason =
      finishReason(tx.reason) ??
      (tx.status ? null : finishReason(status === pmt.status ? pmt.reason : grp.reason));
    const amount = tx.amount.trim();
    if (amount && !AMOUNT.test(amount)) {
      throw unreadable(
        `${tx.at}: transaction ${records}: amount "${amount.slice(0, 40)}" is not an amount ` +
          '(digits, a decimal point, no sign)',
      );
    }
    batch.push({
      endToEndId: tx.e2e || null,
      paymentInfoId: pmt.id || null,
      status,
      reasonCode: reason?.code ?? null,
      reasonText: reason?.text ?? null,
      amount: amount || null,
      currency: amount ? tx.ccy || null : null,
    });
    if (batch.length >= batchSize) flushRecords();
  };

  /** Sets the field of a reason block; only the first StsRsnInf gives the code. */
  const reasonField = (r: ReasonDraft, rel: string, value: string) => {
    if (rel === 'StsRsnInf/Rsn/Cd' || rel === 'StsRsnInf/Rsn/Prtry') {
      if (r.seen <= 1 && r.code === null) r.code = value;
    } else if (rel === 'StsRsnInf/AddtlInf' && value) r.texts.push(value);
  };

  // Each open element's innermost enclosing scope (itself when it is one) and its path below
  // that scope ('' for the scope itself), kept as elements open: a national report has some
  // three million elements, and working these out from the whole stack at every tag cost more
  // than the XML parsing itself.
  const scopes: (Scope | null)[] = [];
  const rels: string[] = [];
  let openPaymentInfos = 0;
  const parser = new SaxesParser({ xmlns: false, fileName: name });
  parser.on('opentag', (tag) => {
    const local = localName(tag.name);
    const depth = stack.length;
    if (depth === 0) {
      if (local !== 'Document' && local !== 'CstmrPmtStsRpt') {
        throw unreadable(`root element ${local} is not an ISO 20022 Document`);
      }
      const prefix = tag.name.includes(':') ? tag.name.slice(0, tag.name.indexOf(':')) : '';
      rootNamespace = tag.attributes[prefix ? `xmlns:${prefix}` : 'xmlns'] ?? null;
    }
    if (depth === 1 && stack[0] === 'Document' && local !== 'CstmrPmtStsRpt') {
      const kind = messageKind(local);
      throw unreadable(
        kind ? `it is a ${kind} message, not a pain.002` : `${local} is not a pain.002 report`,
      );
    }
    // The message's elements are a pain.002's: the namespace must say so too.
    if (depth <= 1 && local === 'CstmrPmtStsRpt' && rootNamespace !== null) {
      if (!PAIN002_NAMESPACE.test(rootNamespace)) {
        throw unreadable(
          `line ${parser.line}: namespace "${rootNamespace.slice(0, 80)}" is not a pain.002 ` +
            'schema (urn:iso:std:iso:20022:tech:xsd:pain.002.001.NN, or a bank variant of it)',
        );
      }
    }
    const parentScope = depth > 0 ? scopes[depth - 1]! : null;
    stack.push(local);
    if (isScope(local)) {
      scopes.push(local);
      rels.push('');
    } else {
      const parentRel = depth > 0 ? rels[depth - 1]! : '';
      scopes.push(parentScope);
      rels.push(parentScope === null ? '' : parentRel ? `${parentRel}/${local}` : local);
    }
    text = '';
    if (local === 'OrgnlPmtInfAndSts') {
      openPaymentInfos++;
      if (depth <= 2) {
        sendHeader();
        pmt = { id: '', status: '', reason: newReason(), sent: false };
      }
    } else if (local === 'TxInfAndSts' && openPaymentInfos > 0) {
      sendPaymentInfo();
      tx = { e2e: '', status: '', reason: newReason(), amount: '', ccy: '', at: '' };
    } else if (local === 'StsRsnInf') {
      if (parentScope) draftReason(parentScope).seen++;
    } else if (local === 'InstdAmt' || local === 'Amt') {
      pendingCcy = tag.attributes['Ccy'] ?? '';
    }
  });
  const draftReason = (scope: Scope): ReasonDraft =>
    scope === 'TxInfAndSts' ? tx.reason : scope === 'OrgnlPmtInfAndSts' ? pmt.reason : grp.reason;
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', () => {
    const depth = stack.length - 1;
    const local = stack[depth] ?? '';
    const scope = depth >= 0 ? scopes[depth]! : null;
    const value = text.trim();
    if (scope) onValue(scope, rels[depth]!, value);
    if (local === 'TxInfAndSts' && openPaymentInfos > 0) finishTransaction();
    if (local === 'OrgnlPmtInfAndSts') {
      sendPaymentInfo();
      openPaymentInfos--;
    }
    if (local === 'OrgnlGrpInfAndSts') sendHeader();
    stack.pop();
    scopes.pop();
    rels.pop();
    text = '';
  });

  const onValue = (scope: Scope, rel: string, value: string) => {
    if ((rel === 'TxSts' || rel === 'PmtInfSts' || rel === 'GrpSts') && !STATUSES.has(value)) {
      throw unreadable(
        `line ${parser.line}, ${rel}: "${value.slice(0, 40)}" is not an ISO 20022 payment status`,
      );
    }
    if (scope === 'GrpHdr') {
      if (rel === 'MsgId') hdr.messageId = value;
      else if (rel === 'CreDtTm') hdr.creationDateTime = value;
    } else if (scope === 'OrgnlGrpInfAndSts') {
      if (rel === 'OrgnlMsgId') hdr.orgnlMsgId = value;
      else if (rel === 'OrgnlMsgNmId') hdr.orgnlMsgNmId = value;
      else if (rel === 'OrgnlNbOfTxs') grp.nbOfTxs = value;
      else if (rel === 'OrgnlCtrlSum') grp.ctrlSum = value;
      else if (rel === 'GrpSts') grp.status = value;
      else reasonField(grp.reason, rel, value);
    } else if (scope === 'OrgnlPmtInfAndSts') {
      if (rel === 'OrgnlPmtInfId') pmt.id = value;
      else if (rel === 'PmtInfSts') pmt.status = value;
      else reasonField(pmt.reason, rel, value);
    } else if (rel === 'OrgnlEndToEndId') tx.e2e = value;
    else if (rel === 'TxSts') tx.status = value;
    else if (rel === 'OrgnlTxRef/Amt/InstdAmt' || rel === 'OrgnlTxRef/Amt/EqvtAmt/Amt') {
      if (!tx.amount)
        [tx.amount, tx.ccy, tx.at] = [value, pendingCcy, `line ${parser.line}, ${rel}`];
    } else reasonField(tx.reason, rel, value);
  };

  let decoder: ReturnType<typeof iconv.getDecoder> | undefined;
  const write = (chunk: string) => {
    try {
      parser.write(chunk);
    } catch (err) {
      if (err instanceof SikaError) throw err;
      throw unreadable(`not well-formed XML (${(err as Error).message})`);
    }
  };

  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      if (!decoder) {
        const encoding = declaredEncoding(buf);
        if (!iconv.encodingExists(encoding)) throw unreadable(`unknown encoding ${encoding}`);
        decoder = iconv.getDecoder(encoding);
      }
      write(decoder.write(buf));
      yield* out.splice(0);
    }
  } catch (err) {
    if (err instanceof SikaError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new SikaError('FILE_NOT_FOUND', `${name}: cannot be read (${code})`, { file: name });
    }
    throw err;
  }
  write(decoder?.end() ?? '');
  try {
    parser.close();
  } catch (err) {
    if (err instanceof SikaError) throw err;
    throw unreadable(`not well-formed XML (${(err as Error).message})`);
  }
  if (!decoder || !hdr.messageId) throw unreadable('no pain.002 group header found');
  sendHeader();
  flushRecords();
  yield* out.splice(0);
}

function isScope(name: string): name is Scope {
  return (SCOPES as readonly string[]).includes(name);
}

export interface Pain002Report extends Pain002Header {
  paymentInfos: Pain002PaymentInfo[];
  records: Pain002Record[];
}

/** The whole report in memory: for small files and tests; reconciliation streams instead. */
export async function readPain002(input: Readable | string): Promise<Pain002Report> {
  let header: Pain002Header | undefined;
  const paymentInfos: Pain002PaymentInfo[] = [];
  const records: Pain002Record[] = [];
  for await (const ev of parsePain002(input)) {
    if (ev.kind === 'header') header = ev.header;
    else if (ev.kind === 'paymentInfo') paymentInfos.push(ev.paymentInfo);
    else records.push(...ev.records);
  }
  if (!header) throw new Error('parsePain002 ended without a header');
  return { ...header, paymentInfos, records };
}
