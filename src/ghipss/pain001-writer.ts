import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { SikaError } from '../errors.js';
import { money } from '../money.js';
import type { Channel } from './file-names.js';
import { lineAmount, PesewaTotal } from './line-amounts.js';
import { transliterate } from './transliterate.js';
import { el, escapeXml, XmlSink } from './xml-text.js';

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
const END_TO_END_ID = /^[A-Za-z0-9-]{1,35}$/;

/** ISODateTime to the second, in UTC (Ghana keeps UTC all year). */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function invalid(message: string, details?: Record<string, unknown>): SikaError {
  return new SikaError('PAYMENT_FILE_INVALID', message, details);
}

/** Lines one at a time, or in batches as they are read from the database. */
export type PaymentLines = AsyncIterable<PaymentLine | readonly PaymentLine[]>;

/** Each item of `lines` as a batch, so a writer has one loop for both shapes. */
export async function* lineBatches(lines: PaymentLines): AsyncGenerator<readonly PaymentLine[]> {
  for await (const item of lines) yield Array.isArray(item) ? item : [item as PaymentLine];
}

/** e-zwich and mobile money are not banks with a sort code: the switch routes on the scheme. */
const SCHEME_AGENT: Record<Channel, string> = {
  ezwich: `<CdtrAgt><FinInstnId><Othr>${el('Id', 'EZWICH')}</Othr></FinInstnId></CdtrAgt>`,
  momo: `<CdtrAgt><FinInstnId><Othr>${el('Id', 'MOMO')}</Othr></FinInstnId></CdtrAgt>`,
  bank: '',
};

function creditorAgent(line: PaymentLine): string {
  if (line.channel !== 'bank') return SCHEME_AGENT[line.channel];
  if (!line.bankSortCode) throw invalid('bank line has no sort code', { lineNo: line.lineNo });
  return `<CdtrAgt><FinInstnId><ClrSysMmbId>${el('MmbId', line.bankSortCode)}</ClrSysMmbId></FinInstnId></CdtrAgt>`;
}

const accountTail = (scheme: string) =>
  `</Id><SchmeNm>${el('Prtry', scheme)}</SchmeNm></Othr></Id></CdtrAcct>`;
const ACCOUNT_TAIL: Record<Channel, string> = {
  ezwich: accountTail(ACCOUNT_SCHEME.ezwich),
  momo: accountTail(ACCOUNT_SCHEME.momo),
  bank: accountTail(ACCOUNT_SCHEME.bank),
};

/**
 * One CdtTrfTxInf. A template rather than an XML builder, for speed: the reference is checked
 * to hold nothing to escape, the amount is two-decimal digits, and every other text is escaped.
 */
function transaction(line: PaymentLine, amount: string, tail: string): string {
  if (!END_TO_END_ID.test(line.endToEndId)) {
    throw invalid('payment reference is not a valid EndToEndId', { lineNo: line.lineNo });
  }
  if (line.accountNumber.length === 0 || line.accountNumber.length > 34) {
    throw invalid('account number is empty or over 34 characters', { lineNo: line.lineNo });
  }
  // A name with no Latin letters at all still needs a creditor name: the reference stands in.
  const name = transliterate(line.recipientName) || line.beneficiaryRef;
  return (
    `<CdtTrfTxInf><PmtId><EndToEndId>${line.endToEndId}</EndToEndId></PmtId>` +
    `<Amt><InstdAmt Ccy="GHS">${amount}</InstdAmt></Amt>${creditorAgent(line)}` +
    `<Cdtr><Nm>${escapeXml(name)}</Nm></Cdtr><CdtrAcct><Id><Othr><Id>` +
    `${escapeXml(line.accountNumber)}${ACCOUNT_TAIL[line.channel]}${tail}`
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
  lines: PaymentLines,
  dialect: Pain001Dialect = PAIN001_V03,
): Promise<Pain001Written> {
  const sink = new XmlSink(out);
  await sink.write(opening(header, dialect));
  // Everything after the account is the same in every transaction of the file.
  const tail = `<RmtInf>${el('Ustrd', transliterate(header.remittanceInfo))}</RmtInf></CdtTrfTxInf>\n`;

  let count = 0;
  const total = new PesewaTotal();
  for await (const batch of lineBatches(lines)) {
    for (const line of batch) {
      const amount = lineAmount(line);
      if (!amount) {
        throw invalid('amount must be above zero and whole pesewas', { lineNo: line.lineNo });
      }
      sink.add(transaction(line, amount.text, tail));
      count++;
      total.add(amount.pesewas);
    }
    // Flushed once per batch (a few megabytes at most), not once per transaction.
    if (sink.full) await sink.flush();
  }

  await sink.write('</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n');
  await sink.flush();

  if (count !== header.txCount || !total.equals(header.controlSum)) {
    throw invalid('written transactions do not match the header', {
      messageId: header.messageId,
      headerCount: header.txCount,
      writtenCount: count,
      headerSum: money(header.controlSum).toFixed(2),
      writtenSum: total.toFixed2(),
    });
  }
  return { txCount: count, controlSum: total.toFixed2() };
}

/** writePain001 into a file path (created or replaced). */
export async function writePain001File(
  path: string,
  header: Pain001Header,
  lines: PaymentLines,
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
