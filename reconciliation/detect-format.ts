import { STATUS_CSV } from '../src/ghipss/formats/csv-bulk.js';

/** ISO 20022 messages by the local name of the element under Document, for clear refusals. */
const MESSAGES: Record<string, string> = {
  CstmrPmtStsRpt: 'pain.002',
  CstmrCdtTrfInitn: 'pain.001',
  BkToCstmrDbtCdtNtfctn: 'camt.054',
  BkToCstmrStmt: 'camt.053',
  BkToCstmrAcctRpt: 'camt.052',
  FIToFIPmtStsRpt: 'pacs.002',
};

/** The local part of a possibly prefixed XML name ("ns2:TxSts" -> "TxSts"). */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The message kind an element under Document stands for, e.g. 'pain.002', or null. */
export function messageKind(elementLocalName: string): string | null {
  return MESSAGES[elementLocalName] ?? null;
}

/** The encoding named in the XML declaration of the first bytes; UTF-8 when none is named. */
export function declaredEncoding(head: Buffer): string {
  if (
    head.length >= 2 &&
    ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
  ) {
    return 'utf-16';
  }
  const text = head.subarray(0, 200).toString('latin1');
  const match = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(text);
  return match?.[1]?.toLowerCase() ?? 'utf-8';
}

/**
 * 'sika-status-csv-1' when the first row is that layout's header, 'csv' for any other CSV (a
 * first row that starts like a Sika CSV header, or a .csv file that does not start like XML),
 * null otherwise: detected by content first, the name only when the content says nothing.
 */
export function csvKind(head: Buffer, fileName: string): string | null {
  const utf16 =
    head.length >= 2 &&
    ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
  if (utf16) return null;
  const text = head.toString('latin1').replace(/^\xef\xbb\xbf/, '');
  if (text.startsWith(`H,${STATUS_CSV},`)) return STATUS_CSV;
  if (text.startsWith('H,')) return 'csv';
  return /\.csv$/i.test(fileName) && !text.trimStart().startsWith('<') ? 'csv' : null;
}
