import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { SikaError } from '../errors.js';
import { Cedi, money, ZERO, type Money } from '../money.js';
import type { Channel } from './file-names.js';
import { transliterate } from './transliterate.js';
import { el, XmlSink } from './xml-text.js';

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03';
export const PAIN001_V09_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

/** What differs between the two versions Sika writes; the rest of the document is the same. */
export interface Pain001Dialect {
  namespace: string;
  /** PmtInf/ReqdExctnDt: a plain date in .03, a choice of Dt or DtTm in .09. */
  executionDate(date: string): string;
  /** DbtrAgt/FinInstnId: BIC in .03, BICFI in .09. */
  agentBic(bic: string): string;
}

export const PAIN001_V03: Pain001Dialect = {
  namespace: PAIN001_NAMESPACE,
  executionDate: (date) => el('ReqdExctnDt', date),
  agentBic: (bic) => el('BIC', bic),
};

export const PAIN001_V09: Pain001Dialect = {
  namespace: PAIN001_V09_NAMESPACE,
  executionDate: (date) => `<ReqdExctnDt>${el('Dt', date)}</ReqdExctnDt>`,
  agentBic: (bic) => el('BICFI', bic),
};

export interface Pain001Header {
  messageId: string;
  paymentInfoId: string;
  /** GrpHdr/CreDtTm: fixed by the caller so that writing the file again gives the same bytes. */
  createdAt: Date;
  /** ReqdExctnDt, YYYY-MM-DD. */
  executionDate: string;
  /** Computed before streaming; the writer refuses to finish a file that does not add up. */
  txCount: number;
  controlSum: string;
  initiatingPartyName: string;
  debtorName: string;
  debtorAccount: string;
  debtorAgentBic: string;
  /** RmtInf/Ustrd for every transaction, e.g. "LEAP cycle 106 grant". */
  remittanceInfo: string;
}

export interface PaymentLine {
  lineNo: number;
  endToEndId: string;
  /** numeric(14,2) as read from the database. */
  amount: string;
  channel: Channel;
  recipientName: string;
  beneficiaryRef: string;
  accountNumber: string;
  bankSortCode: string | null;
}

export interface Pain001Written {
  txCount: number;
  controlSum: string;
}

const ACCOUNT_SCHEME: Record<Channel, string> = { ezwich: 'EZWICH', momo: 'MSISDN', bank: 'BBAN' };

/** ISODateTime to the second, in UTC (Ghana keeps UTC all year). */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function invalid(message: string, details?: Record<string, unknown>): SikaError {
  return new SikaError('PAYMENT_FILE_INVALID', message, details);
}

function creditorAgent(line: PaymentLine): string {
  if (line.channel === 'bank') {
    if (!line.bankSortCode) throw invalid('bank line has no sort code', { lineNo: line.lineNo });
    return `<CdtrAgt><FinInstnId><ClrSysMmbId>${el('MmbId', line.bankSortCode)}</ClrSysMmbId></FinInstnId></CdtrAgt>`;
  }
  // e-zwich and mobile money are not banks with a sort code: the switch routes on the scheme.
  const id = line.channel === 'ezwich' ? 'EZWICH' : 'MOMO';
  return `<CdtrAgt><FinInstnId><Othr>${el('Id', id)}</Othr></FinInstnId></CdtrAgt>`;
}

function transaction(line: PaymentLine, amount: Money, remittance: string): string {
  if (!/^[A-Za-z0-9-]{1,35}$/.test(line.endToEndId)) {
    throw invalid('payment reference is not a valid EndToEndId', { lineNo: line.lineNo });
  }
  if (line.accountNumber.length === 0 || line.accountNumber.length > 34) {
    throw invalid('account number is empty or over 34 characters', { lineNo: line.lineNo });
  }
  if (!amount.isPositive() || amount.isZero()) {
    throw invalid('amount must be above zero', { lineNo: line.lineNo });
  }
  // A name with no Latin letters at all still needs a creditor name: the reference stands in.
  const name = transliterate(line.recipientName) || line.beneficiaryRef;
  return (
    '<CdtTrfTxInf>' +
    `<PmtId>${el('EndToEndId', line.endToEndId)}</PmtId>` +
    `<Amt><InstdAmt Ccy="GHS">${amount.toFixed(2)}</InstdAmt></Amt>` +
    creditorAgent(line) +
    `<Cdtr>${el('Nm', name)}</Cdtr>` +
    `<CdtrAcct><Id><Othr>${el('Id', line.accountNumber)}` +
    `<SchmeNm>${el('Prtry', ACCOUNT_SCHEME[line.channel])}</SchmeNm></Othr></Id></CdtrAcct>` +
    `<RmtInf>${el('Ustrd', remittance)}</RmtInf>` +
    '</CdtTrfTxInf>\n'
  );
}

function opening(h: Pain001Header, d: Pain001Dialect): string {
  const ctrlSum = money(h.controlSum).toFixed(2);
  const initiator = transliterate(h.initiatingPartyName);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Document xmlns="${d.namespace}">\n<CstmrCdtTrfInitn>\n` +
    `<GrpHdr>${el('MsgId', h.messageId)}${el('CreDtTm', isoSeconds(h.createdAt))}` +
    `${el('NbOfTxs', String(h.txCount))}${el('CtrlSum', ctrlSum)}` +
    `<InitgPty>${el('Nm', initiator)}</InitgPty></GrpHdr>\n` +
    `<PmtInf>${el('PmtInfId', h.paymentInfoId)}<PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg>` +
    `${el('NbOfTxs', String(h.txCount))}${el('CtrlSum', ctrlSum)}` +
    `${d.executionDate(h.executionDate)}<Dbtr>${el('Nm', transliterate(h.debtorName))}</Dbtr>` +
    `<DbtrAcct><Id><Othr>${el('Id', h.debtorAccount)}</Othr></Id></DbtrAcct>` +
    `<DbtrAgt><FinInstnId>${d.agentBic(h.debtorAgentBic)}</FinInstnId></DbtrAgt>\n`
  );
}

/**
 * Streams one pain.001 (version 3 unless another dialect is given) with a single payment
 * information block to `out` (not ended). The header's count and sum are written first; a stream
 * that does not match them is refused with PAYMENT_FILE_INVALID once it is read, so the caller
 * must discard what was written.
 */
export async function writePain001(
  out: Writable,
  header: Pain001Header,
  lines: AsyncIterable<PaymentLine>,
  dialect: Pain001Dialect = PAIN001_V03,
): Promise<Pain001Written> {
  const sink = new XmlSink(out);
  const remittance = transliterate(header.remittanceInfo);
  await sink.write(opening(header, dialect));

  let count = 0;
  let total: Money = ZERO;
  for await (const line of lines) {
    const amount = new Cedi(line.amount);
    if (!amount.equals(amount.toDecimalPlaces(2))) {
      throw invalid('amount finer than a pesewa', { lineNo: line.lineNo });
    }
    await sink.write(transaction(line, amount, remittance));
    count++;
    total = total.plus(amount);
  }

  await sink.write('</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n');
  await sink.flush();

  const expected = money(header.controlSum);
  if (count !== header.txCount || !total.equals(expected)) {
    throw invalid('written transactions do not match the header', {
      messageId: header.messageId,
      headerCount: header.txCount,
      writtenCount: count,
      headerSum: expected.toFixed(2),
      writtenSum: total.toFixed(2),
    });
  }
  return { txCount: count, controlSum: total.toFixed(2) };
}

/** writePain001 into a file path (created or replaced). */
export async function writePain001File(
  path: string,
  header: Pain001Header,
  lines: AsyncIterable<PaymentLine>,
): Promise<Pain001Written> {
  const out = createWriteStream(path);
  const done = finished(out);
  try {
    const written = await writePain001(out, header, lines);
    out.end();
    await done;
    return written;
  } catch (err) {
    out.destroy();
    await done.catch(() => undefined);
    throw err;
  }
}
