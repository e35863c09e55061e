import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { money } from '../money.js';
import { CHANNELS, isChannel, type Channel } from './file-names.js';
import type { PaymentLine } from './pain001-writer.js';

/** One payment file to write: a run of one channel's lines in line order. */
export interface FilePlan {
  channel: Channel;
  sequence: number;
  firstLineNo: number;
  lastLineNo: number;
  txCount: number;
  controlSum: string;
}

/**
 * A line's position within its channel, counted in line order. One running count per channel
 * over a single window in line order sorts integers only, about twice as fast at national size
 * as numbering each channel's partition, which sorts by the channel's text first. A channel
 * Sika does not know counts 1, so it still shows up in the plan and is refused there.
 */
function positionInChannel() {
  const counts = CHANNELS.map(
    (c) => sql`WHEN ${c} THEN count(*) FILTER (WHERE channel = ${c}) OVER in_line_order`,
  );
  return sql`CASE channel ${sql.join(counts, sql` `)} ELSE 1 END`;
}

/**
 * Splits a cycle's lines by channel (e-zwich, mobile money, bank) and then into runs of at most
 * maxTxPerFile in line order; count and sum of each run come from one set-based aggregate, so
 * the header of a file is known before its first transaction is read.
 */
export async function planPaymentFiles(
  db: Db,
  cycleId: number,
  maxTxPerFile: number,
): Promise<FilePlan[]> {
  const found = await rows<{
    channel: string;
    sequence: number;
    first_line_no: number;
    last_line_no: number;
    tx_count: number;
    control_sum: string;
  }>(
    db,
    sql`
      WITH numbered AS (
        SELECT channel, line_no, amount,
               (${positionInChannel()} - 1) / ${maxTxPerFile}::int AS part
        FROM payroll_lines
        WHERE cycle_id = ${cycleId}
        WINDOW in_line_order AS (ORDER BY line_no ROWS UNBOUNDED PRECEDING)
      )
      SELECT channel,
             (part + 1)::int AS sequence,
             min(line_no)::int AS first_line_no,
             max(line_no)::int AS last_line_no,
             count(*)::int AS tx_count,
             sum(amount)::text AS control_sum
      FROM numbered
      GROUP BY channel, part
      ORDER BY CASE channel WHEN 'ezwich' THEN 1 WHEN 'momo' THEN 2 WHEN 'bank' THEN 3 ELSE 4 END,
               channel, part`,
  );
  return found.map((r) => {
    if (!isChannel(r.channel)) {
      throw new SikaError(
        'PAYMENT_FILE_INVALID',
        `cycle has lines on unknown channel "${r.channel}"`,
      );
    }
    return {
      channel: r.channel,
      sequence: Number(r.sequence),
      firstLineNo: Number(r.first_line_no),
      lastLineNo: Number(r.last_line_no),
      txCount: Number(r.tx_count),
      controlSum: money(r.control_sum).toFixed(2),
    };
  });
}

type LineRange = {
  cycleId: number;
  channel: Channel;
  firstLineNo: number;
  lastLineNo: number;
};

/** Up to `limit` lines after `after`, already shaped as PaymentLines by the query's aliases. */
function fetchLines(db: Db, p: LineRange, after: number, limit: number): Promise<PaymentLine[]> {
  return rows<PaymentLine>(
    db,
    sql`
      SELECT line_no AS "lineNo", end_to_end_id AS "endToEndId", amount::text AS amount,
             channel, recipient_name AS "recipientName", beneficiary_ref AS "beneficiaryRef",
             account_number AS "accountNumber", bank_sort_code AS "bankSortCode"
      FROM payroll_lines
      WHERE cycle_id = ${p.cycleId} AND channel = ${p.channel}
        AND line_no > ${after} AND line_no <= ${p.lastLineNo}
      ORDER BY line_no
      LIMIT ${limit}`,
  );
}

/**
 * The lines of one planned file in batches by line number (keyset, never OFFSET). The next batch
 * is asked for before the current one is handed out, so the database reads while the file is
 * written.
 */
export async function* readPaymentLines(
  db: Db,
  p: LineRange & { batchSize?: number },
): AsyncGenerator<PaymentLine[]> {
  const batchSize = p.batchSize ?? 5000;
  let next: Promise<PaymentLine[]> | undefined = fetchLines(db, p, p.firstLineNo - 1, batchSize);
  try {
    while (next) {
      const batch = await next;
      next = undefined;
      const last = batch[batch.length - 1];
      if (last && batch.length === batchSize) {
        next = fetchLines(db, p, Number(last.lineNo), batchSize);
        // Reported where it is awaited; a writer that stops early must not leave it unhandled.
        next.catch(() => undefined);
      }
      if (batch.length > 0) yield batch;
    }
  } finally {
    await next?.catch(() => undefined);
  }
}
