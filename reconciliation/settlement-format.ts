import type { Readable } from 'node:stream';
import { isCamt, type CamtFormat } from './camt-parser.js';
import { parsePain002, type Pain002Event } from './pain002-parser.js';
import { parseStatusCsv, STATUS_CSV } from './status-csv-parser.js';

/**
 * Status reports answer a payment file line by line (pain.002 and Sika's CSV status layout, the
 * same statuses and group semantics); camt messages are statements of booked money.
 */
export type StatusReportFormat = 'pain.002' | typeof STATUS_CSV;
export type SettlementFormat = StatusReportFormat | CamtFormat;

/** A status report: its records are statuses of lines, its group status covers the unlisted. */
export function isStatusReport(format: string | null | undefined): format is StatusReportFormat {
  return format === 'pain.002' || format === STATUS_CSV;
}

/**
 * The reader a sniffed file goes to. Any CSV goes to the status CSV reader, which refuses a
 * layout other than its own by name; anything else that is not camt goes to the pain.002
 * reader, which says why it is not one.
 */
export function settlementFormat(sniffed: string | null): SettlementFormat {
  if (isCamt(sniffed)) return sniffed;
  return sniffed === STATUS_CSV || sniffed === 'csv' ? STATUS_CSV : 'pain.002';
}

/** The events of a status report of either format, as parsePain002 gives them. */
export function parseStatusReport(
  input: Readable | string,
  format: StatusReportFormat,
  opts: { batchSize?: number; name?: string } = {},
): AsyncGenerator<Pain002Event> {
  return format === STATUS_CSV ? parseStatusCsv(input, opts) : parsePain002(input, opts);
}
