import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { money } from '../money.js';
import { isChannel, type Channel } from './file-names.js';
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
               (row_number() OVER (PARTITION BY channel ORDER BY line_no) - 1) / ${maxTxPerFile}::int AS part
        FROM payroll_lines
        WHERE cycle_id = ${cycleId}
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

/** The lines of one planned file, read in batches by line number (keyset, never OFFSET). */
export async function* readPaymentLines(
  db: Db,
  p: {
    cycleId: number;
    channel: Channel;
    firstLineNo: number;
    lastLineNo: number;
    batchSize?: number;
  },
): AsyncGenerator<PaymentLine> {
  const batchSize = p.batchSize ?? 5000;
  let after = p.firstLineNo - 1;
  for (;;) {
    const batch = await rows<{
      line_no: number;
      end_to_end_id: string;
      amount: string;
      recipient_name: string;
      beneficiary_ref: string;
      account_number: string;
      bank_sort_code: string | null;
    }>(
      db,
      sql`
        SELECT line_no, end_to_end_id, amount::text AS amount, recipient_name, beneficiary_ref,
               account_number, bank_sort_code
        FROM payroll_lines
        WHERE cycle_id = ${p.cycleId} AND channel = ${p.channel}
          AND line_no > ${after} AND line_no <= ${p.lastLineNo}
        ORDER BY line_no
        LIMIT ${batchSize}`,
    );
    for (const r of batch) {
      yield {
        lineNo: Number(r.line_no),
        endToEndId: r.end_to_end_id,
        amount: r.amount,
        channel: p.channel,
        recipientName: r.recipient_name,
        beneficiaryRef: r.beneficiary_ref,
        accountNumber: r.account_number,
        bankSortCode: r.bank_sort_code,
      };
    }
    const last = batch[batch.length - 1];
    if (!last || batch.length < batchSize) return;
    after = Number(last.line_no);
  }
}
