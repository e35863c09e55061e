import type { Writable } from 'node:stream';
import { el, escapeXml, XmlSink } from '../xml-text.js';
import type { TxDecision } from './decide.js';

export const PAIN002_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.03';

export type Status = 'ACSC' | 'PART' | 'PDNG' | 'RJCT';

export interface StatusReason {
  code: string;
  /** AddtlInf, at most 105 characters. */
  text?: string;
}

export interface PaymentStatus {
  pmtInfId: string;
  nbOfTxs: string | null;
  ctrlSum: string | null;
  /** Left out in a later report that settles single lines only. */
  status: Status | null;
}

export interface StatusReport {
  msgId: string;
  creDtTm: string;
  original: {
    msgId: string;
    /** The request's layout: pain.001.001.03, pain.001.001.09 or a CSV layout name. */
    msgNmId: string;
    creDtTm: string;
    nbOfTxs: string | null;
    ctrlSum: string | null;
  };
  /** Left out in a later report that settles single lines only. */
  groupStatus: Status | null;
  groupReasons: StatusReason[];
  /** NbOfTxsPerSts: how many transactions (and how much) ended in each status. */
  perStatus: { status: 'ACSC' | 'PDNG' | 'RJCT'; count: number; sum: string }[];
  /** Payment blocks by PmtInfId; empty when the whole group is rejected. */
  payments: Map<string, PaymentStatus>;
}

export interface TxStatus {
  pmtInfId: string;
  endToEndId: string;
  amount: string;
  ccy: string;
  decision: TxDecision;
}

function reasons(list: StatusReason[]): string {
  return list
    .map(
      (r) =>
        `<StsRsnInf><Rsn>${el('Cd', r.code)}</Rsn>` +
        `${r.text ? el('AddtlInf', r.text.slice(0, 105)) : ''}</StsRsnInf>`,
    )
    .join('');
}

function groupBlock(r: StatusReport): string {
  const o = r.original;
  return (
    '<OrgnlGrpInfAndSts>' +
    `${el('OrgnlMsgId', o.msgId)}${el('OrgnlMsgNmId', o.msgNmId)}` +
    (o.creDtTm ? el('OrgnlCreDtTm', o.creDtTm) : '') +
    (o.nbOfTxs !== null ? el('OrgnlNbOfTxs', o.nbOfTxs) : '') +
    (o.ctrlSum !== null ? el('OrgnlCtrlSum', o.ctrlSum) : '') +
    (r.groupStatus ? el('GrpSts', r.groupStatus) : '') +
    reasons(r.groupReasons) +
    r.perStatus
      .filter((s) => s.count > 0)
      .map(
        (s) =>
          `<NbOfTxsPerSts>${el('DtldNbOfTxs', String(s.count))}${el('DtldSts', s.status)}` +
          `${el('DtldCtrlSum', s.sum)}</NbOfTxsPerSts>`,
      )
      .join('') +
    '</OrgnlGrpInfAndSts>\n'
  );
}

function paymentOpening(p: PaymentStatus): string {
  return (
    `<OrgnlPmtInfAndSts>${el('OrgnlPmtInfId', p.pmtInfId)}` +
    (p.nbOfTxs !== null ? el('OrgnlNbOfTxs', p.nbOfTxs) : '') +
    (p.ctrlSum !== null ? el('OrgnlCtrlSum', p.ctrlSum) : '') +
    `${p.status ? el('PmtInfSts', p.status) : ''}\n`
  );
}

function transaction(t: TxStatus): string {
  const rejected = t.decision.status === 'RJCT' ? reasons([{ code: t.decision.reason }]) : '';
  return (
    `<TxInfAndSts>${el('OrgnlEndToEndId', t.endToEndId)}${el('TxSts', t.decision.status)}` +
    rejected +
    `<OrgnlTxRef><Amt><InstdAmt Ccy="${escapeXml(t.ccy)}">${escapeXml(t.amount)}</InstdAmt></Amt>` +
    '</OrgnlTxRef></TxInfAndSts>\n'
  );
}

/** Streams a pain.002.001.03 status report to `out` (not ended): one status per transaction. */
export async function writePain002(
  out: Writable,
  report: StatusReport,
  txs: AsyncIterable<TxStatus>,
): Promise<void> {
  const sink = new XmlSink(out);
  await sink.write(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Document xmlns="${PAIN002_NAMESPACE}">\n<CstmrPmtStsRpt>\n` +
      `<GrpHdr>${el('MsgId', report.msgId)}${el('CreDtTm', report.creDtTm)}</GrpHdr>\n` +
      groupBlock(report),
  );

  let open: string | undefined;
  for await (const t of txs) {
    if (t.pmtInfId !== open) {
      if (open !== undefined) await sink.write('</OrgnlPmtInfAndSts>\n');
      const payment = report.payments.get(t.pmtInfId);
      if (!payment) throw new Error(`transaction outside a known payment block: ${t.pmtInfId}`);
      await sink.write(paymentOpening(payment));
      open = t.pmtInfId;
    }
    await sink.write(transaction(t));
  }
  if (open !== undefined) await sink.write('</OrgnlPmtInfAndSts>\n');

  await sink.write('</CstmrPmtStsRpt>\n</Document>\n');
  await sink.flush();
}
