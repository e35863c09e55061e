import type { Writable } from 'node:stream';
import { el, escapeXml, XmlSink } from '../xml-text.js';

export const CAMT054_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08';

export interface ReturnNotice {
  msgId: string;
  creDtTm: string;
  /** The paying account the credits come back to. */
  account: string;
  /** Booking and value date of the returns (YYYY-MM-DD). */
  bookingDate: string;
}

export interface ReturnedCredit {
  endToEndId: string;
  pmtInfId: string;
  amount: string;
  ccy: string;
  reason: string;
}

function entry(n: ReturnNotice, r: ReturnedCredit): string {
  const amount = `<Amt Ccy="${escapeXml(r.ccy)}">${escapeXml(r.amount)}</Amt>`;
  return (
    `<Ntry>${amount}<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>` +
    `<BookgDt><Dt>${n.bookingDate}</Dt></BookgDt><ValDt><Dt>${n.bookingDate}</Dt></ValDt>` +
    '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>' +
    `<NtryDtls><TxDtls><Refs>${el('PmtInfId', r.pmtInfId)}${el('EndToEndId', r.endToEndId)}</Refs>` +
    `${amount}<CdtDbtInd>CRDT</CdtDbtInd>` +
    `<RtrInf><Rsn>${el('Cd', r.reason)}</Rsn></RtrInf></TxDtls></NtryDtls></Ntry>\n`
  );
}

/**
 * Streams a camt.054.001.08 debit/credit notification to `out` (not ended): one booked credit
 * entry, bank transaction code PMNT/ICDT/RRTN, for each payment that came back.
 */
export async function writeCamt054Returns(
  out: Writable,
  n: ReturnNotice,
  credits: AsyncIterable<ReturnedCredit>,
): Promise<void> {
  const sink = new XmlSink(out);
  await sink.write(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Document xmlns="${CAMT054_NAMESPACE}">\n<BkToCstmrDbtCdtNtfctn>\n` +
      `<GrpHdr>${el('MsgId', n.msgId)}${el('CreDtTm', n.creDtTm)}</GrpHdr>\n` +
      `<Ntfctn>${el('Id', n.msgId)}${el('CreDtTm', n.creDtTm)}` +
      `<Acct><Id><Othr>${el('Id', n.account)}</Othr></Id></Acct>\n`,
  );
  for await (const c of credits) await sink.write(entry(n, c));
  await sink.write('</Ntfctn>\n</BkToCstmrDbtCdtNtfctn>\n</Document>\n');
  await sink.flush();
}
