import type { Writable } from 'node:stream';
import { SikaError } from '../../errors.js';
import { money } from '../../money.js';
import type { Channel } from '../file-names.js';
import { lineAmount, PesewaTotal } from '../line-amounts.js';
import {
  isoSeconds,
  lineBatches,
  type PaymentLine,
  type PaymentLines,
  type Pain001Header,
} from '../pain001-writer.js';
import { transliterate } from '../transliterate.js';
import { XmlSink } from '../xml-text.js';
import type { PaymentFormat } from './payment-format.js';

/** A field as RFC 4180 wants it: quoted only when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function invalid(message: string, details?: Record<string, unknown>): SikaError {
  return new SikaError('PAYMENT_FILE_INVALID', message, details);
}

/** Mobile money numbers travel in international form without the plus: 233 and 9 digits. */
export function msisdnForFile(account: string): string | undefined {
  const m = /^(?:\+?233|0)(\d{9})$/.exec(account.replace(/[\s-]/g, ''));
  return m ? `233${m[1]}` : undefined;
}

interface CsvLayout {
  name: string;
  channel: Channel;
  /** The account as the layout writes it, or undefined when it cannot be carried. */
  account(line: PaymentLine): string | undefined;
}

function headerRow(layout: CsvLayout, h: Pain001Header): string {
  return csvRow([
    'H',
    layout.name,
    h.messageId,
    h.paymentInfoId,
    isoSeconds(h.createdAt),
    h.executionDate,
    transliterate(h.debtorName),
    h.debtorAccount,
    'GHS',
  ]);
}

function detailRow(
  layout: CsvLayout,
  line: PaymentLine,
  seq: number,
  amount: string,
  narrative: string,
): string {
  if (line.channel !== layout.channel) {
    throw invalid(`a ${line.channel} line cannot go in a ${layout.name} file`, {
      lineNo: line.lineNo,
    });
  }
  if (!/^[A-Za-z0-9-]{1,35}$/.test(line.endToEndId)) {
    throw invalid('payment reference is not a valid EndToEndId', { lineNo: line.lineNo });
  }
  const account = layout.account(line);
  if (!account)
    throw invalid(`account is not a ${layout.channel} account`, { lineNo: line.lineNo });
  return csvRow([
    'D',
    String(seq),
    line.endToEndId,
    account,
    transliterate(line.recipientName) || line.beneficiaryRef,
    amount,
    line.beneficiaryRef,
    narrative,
  ]);
}

/** Streams a bulk CSV: one header row, one row per payment, one trailer row with the totals. */
async function writeCsv(
  layout: CsvLayout,
  out: Writable,
  header: Pain001Header,
  lines: PaymentLines,
) {
  const sink = new XmlSink(out);
  const narrative = transliterate(header.remittanceInfo);
  await sink.write(headerRow(layout, header));

  let count = 0;
  const total = new PesewaTotal();
  for await (const batch of lineBatches(lines)) {
    for (const line of batch) {
      const amount = lineAmount(line);
      if (!amount) {
        throw invalid('amount must be above zero and whole pesewas', { lineNo: line.lineNo });
      }
      count++;
      sink.add(detailRow(layout, line, count, amount.text, narrative));
      total.add(amount.pesewas);
    }
    // Flushed once per batch (a few megabytes at most), not once per row.
    if (sink.full) await sink.flush();
  }
  await sink.write(csvRow(['T', String(count), total.toFixed2()]));
  await sink.flush();

  if (count !== header.txCount || !total.equals(header.controlSum)) {
    throw invalid('written payments do not match the header', {
      messageId: header.messageId,
      headerCount: header.txCount,
      writtenCount: count,
      headerSum: money(header.controlSum).toFixed(2),
      writtenSum: total.toFixed2(),
    });
  }
  return { txCount: count, controlSum: total.toFixed2() };
}

function csvFormat(layout: CsvLayout): PaymentFormat {
  return {
    name: layout.name,
    extension: '.csv',
    mediaType: 'text/csv',
    channels: [layout.channel],
    write: (out, header, lines) => writeCsv(layout, out, header, lines),
  };
}

/**
 * The layout of the status reports that answer these files, read by reconciliation and written by
 * the GhIPSS stand-in (docs/payment-files.md, "The status report layout").
 */
export const STATUS_CSV = 'sika-status-csv-1';

/** e-zwich bulk load: the card number as enrolled (its rule is configuration, checked at import). */
export const EZWICH_CSV = csvFormat({
  name: 'sika-ezwich-csv-1',
  channel: 'ezwich',
  account: (line) => (/^\d{1,34}$/.test(line.accountNumber) ? line.accountNumber : undefined),
});

/** Mobile money bulk disbursement: the wallet's MSISDN as 233 and 9 digits. */
export const MOMO_CSV = csvFormat({
  name: 'sika-momo-csv-1',
  channel: 'momo',
  account: (line) => msisdnForFile(line.accountNumber),
});
