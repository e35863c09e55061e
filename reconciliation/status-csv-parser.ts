import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { SikaError } from '../src/errors.js';
import { EZWICH_CSV, MOMO_CSV, STATUS_CSV } from '../src/ghipss/formats/csv-bulk.js';
import { Cedi, ZERO, type Money } from '../src/money.js';
import {
  STATUSES,
  type Pain002Event,
  type Pain002Header,
  type Pain002Record,
} from './pain002-parser.js';

export { STATUS_CSV };
/** Sika's own payment layouts: a file in one of them is named for what it is when refused. */
const PAYMENT_LAYOUTS: string[] = [EZWICH_CSV.name, MOMO_CSV.name];

/** Field names by record type, in order, for the reasons a row is refused. */
const FIELDS = {
  H: [
    'record type',
    'layout',
    'message id',
    'original message id',
    'created at',
    'group status',
    'group reason code',
  ],
  D: [
    'record type',
    'sequence',
    'payment reference',
    'status',
    'reason code',
    'amount',
    'reason text',
  ],
  T: ['record type', 'count', 'control sum'],
} as const;
type RecordType = keyof typeof FIELDS;

/** Cedis with exactly two decimals, below a trillion: what Sika's layouts write. */
const AMOUNT = /^\d{1,12}\.\d\d$/;
/** ISO reason codes are four characters; a bank's own (proprietary) codes may be longer. */
const REASON = /^[A-Za-z0-9]{1,35}$/;
const IDENTIFIER = /^[A-Za-z0-9-]{1,35}$/;
const REFERENCE = /^\S{1,35}$/;
const UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

/**
 * Reads a sika-status-csv-1 status report as a stream, as the same events as parsePain002: the
 * H row gives the header (its group status and reason), D rows the transaction records in
 * batches. The report has no payment information blocks. Every row is checked, and the trailer
 * against the D rows: anything else makes the file unreadable (UNREADABLE_RESPONSE), with a
 * reason naming the file, line and field.
 */
export async function* parseStatusCsv(
  input: Readable | string,
  opts: { batchSize?: number; name?: string } = {},
): AsyncGenerator<Pain002Event> {
  const name = opts.name ?? (typeof input === 'string' ? basename(input) : 'response file');
  const batchSize = opts.batchSize ?? 2000;
  const unreadable = (why: string, line?: number) =>
    new SikaError('UNREADABLE_RESPONSE', `${name}${line ? `:${line}` : ''}: ${why}`, {
      file: name,
      ...(line ? { line } : {}),
    });
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // A read error (a file that went away) ends the parse with it instead of leaving it waiting.
  stream.on('error', (err: Error) => parser.destroy(err));
  stream.pipe(parser);

  let header: Pain002Header | undefined;
  let trailerLine = 0;
  let count = 0;
  let sum: Money = ZERO;
  let batch: Pain002Record[] = [];

  try {
    for await (const row of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const fields = row.record;
      const line = row.info.lines;
      const type = fields[0] ?? '';
      /** Refuses field n (1-based) of this row, quoting what it holds. */
      const bad = (n: number, why: string) => {
        const names: readonly string[] = FIELDS[type as RecordType] ?? [];
        const value = (fields[n - 1] ?? '').slice(0, 40);
        return unreadable(`field ${n} (${names[n - 1]}) ${JSON.stringify(value)} ${why}`, line);
      };
      const checkWidth = (t: RecordType) => {
        if (fields.length !== FIELDS[t].length) {
          throw unreadable(
            `a ${t} row has ${FIELDS[t].length} fields, this one has ${fields.length}`,
            line,
          );
        }
      };

      if (!header) {
        if (type !== 'H') {
          throw unreadable(
            `the first row is no header (H) of a ${STATUS_CSV} status report; only that CSV ` +
              'layout is read',
            line,
          );
        }
        const layout = fields[1] ?? '';
        if (PAYMENT_LAYOUTS.includes(layout)) {
          throw bad(
            2,
            `is a payment file layout: this is a payment file, not a status report; only ` +
              `${STATUS_CSV} status reports are read`,
          );
        }
        if (layout !== STATUS_CSV) {
          throw bad(2, `is not ${STATUS_CSV}, the only CSV layout reconciliation reads`);
        }
        checkWidth('H');
        header = readHeader(fields, bad);
        yield { kind: 'header', header };
        continue;
      }
      if (trailerLine) throw unreadable(`a row after the trailer (T) of line ${trailerLine}`, line);
      if (type === 'D') {
        checkWidth('D');
        count++;
        const record = readDetail(fields, count, bad);
        sum = sum.plus(new Cedi(record.amount!));
        batch.push(record);
        if (batch.length >= batchSize) {
          yield { kind: 'records', records: batch };
          batch = [];
        }
      } else if (type === 'T') {
        checkWidth('T');
        const [, n = '', total = ''] = fields;
        if (!/^\d{1,12}$/.test(n) || Number(n) !== count) {
          throw bad(2, `is not the number of D rows (${count})`);
        }
        if (!AMOUNT.test(total)) throw bad(3, 'is not an amount in cedis with two decimals');
        if (!new Cedi(total).equals(sum)) {
          throw bad(3, `is not the sum of the D amounts (${sum.toFixed(2)})`);
        }
        trailerLine = line;
      } else if (type === 'H') {
        throw unreadable('a second header row (H)', line);
      } else {
        throw unreadable(`record type ${JSON.stringify(type.slice(0, 40))} is not H, D or T`, line);
      }
    }
  } catch (err) {
    if (err instanceof SikaError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new SikaError('FILE_NOT_FOUND', `${name}: cannot be read (${code})`, { file: name });
    }
    // csv-parse's own errors (an unclosed quote, a quote inside a field) name the line.
    throw unreadable(`not well-formed CSV (${(err as Error).message})`);
  } finally {
    stream.destroy();
  }
  if (!header) throw unreadable(`empty file: no header row (H) of a ${STATUS_CSV} status report`);
  if (!trailerLine) throw unreadable('no trailer row (T) at the end: the file may be cut short');
  if (batch.length) yield { kind: 'records', records: batch };
}

type Refuse = (n: number, why: string) => SikaError;

function readHeader(fields: string[], bad: Refuse): Pain002Header {
  const [, , messageId = '', originalId = '', createdAt = '', status = '', reason = ''] = fields;
  if (!IDENTIFIER.test(messageId)) throw bad(3, 'is not an id of 1 to 35 letters, digits or -');
  if (!IDENTIFIER.test(originalId)) throw bad(4, 'is not an id of 1 to 35 letters, digits or -');
  if (!UTC.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    throw bad(5, 'is not a date-time in ISO 8601 UTC (2026-12-01T09:00:00Z)');
  }
  if (status && !STATUSES.has(status)) throw bad(6, 'is not an ISO 20022 payment status');
  if (reason && !REASON.test(reason)) throw bad(7, 'is not a reason code');
  if (reason && !status) throw bad(7, 'is a reason without a group status');
  return {
    messageId,
    creationDateTime: createdAt,
    namespace: null,
    originalMessageId: originalId,
    originalMessageNameId: null,
    // The trailer counts the rows of this report, not the payments of the file it answers.
    originalNumberOfTxs: null,
    originalControlSum: null,
    groupStatus: status || null,
    groupReason: reason ? { code: reason, text: null } : null,
  };
}

function readDetail(fields: string[], expected: number, bad: Refuse): Pain002Record {
  const [, seq = '', reference = '', status = '', reason = '', amount = '', text = ''] = fields;
  if (seq !== String(expected)) {
    throw bad(2, `is not ${expected}: D rows are numbered 1, 2, 3 ... in file order`);
  }
  if (!REFERENCE.test(reference)) throw bad(3, 'is not a payment reference of 1 to 35 characters');
  // The same codes a pain.002 may give: any other is news nobody can act on.
  if (!STATUSES.has(status)) throw bad(4, 'is not an ISO 20022 payment status');
  // PART speaks of a group, never of one transaction.
  if (status === 'PART') throw bad(4, 'is a group status, not the status of a transaction');
  if (reason && !REASON.test(reason)) throw bad(5, 'is not a reason code');
  if (!AMOUNT.test(amount)) throw bad(6, 'is not an amount in cedis with two decimals');
  return {
    endToEndId: reference,
    paymentInfoId: null,
    status,
    reasonCode: reason || null,
    reasonText: text.trim() || null,
    amount,
    currency: 'GHS',
  };
}
