import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { money } from '../src/money.js';

export interface SubmissionRange {
  submissionId: number;
  cycleId: number;
  channel: string;
  firstLineNo: number;
  lastLineNo: number;
  /** How many lines: the submission's tx_count. */
  lines: number;
}

interface SubmissionRow {
  id: number;
  cycle_id: number;
  channel: string;
  sequence: number;
  tx_count: number;
  control_sum: string;
  lines_before: number;
}

/**
 * The submission a status report speaks of: by message id, and when a payment information id is
 * given, the one carrying it (within that message if the message is ours).
 */
async function findSubmission(
  db: Db,
  p: { messageId: string; paymentInfoId: string | null },
): Promise<SubmissionRow | undefined> {
  const where = p.paymentInfoId
    ? sql`s.payment_info_id = ${p.paymentInfoId}
          AND (s.message_id = ${p.messageId}
               OR NOT EXISTS (SELECT 1 FROM submissions m WHERE m.message_id = ${p.messageId}))`
    : sql`s.message_id = ${p.messageId}`;
  const found = await rows<SubmissionRow>(
    db,
    sql`SELECT s.id, s.cycle_id, s.channel, s.sequence, s.tx_count, s.control_sum::text,
               (SELECT coalesce(sum(o.tx_count), 0)::int FROM submissions o
                 WHERE o.cycle_id = s.cycle_id AND o.channel = s.channel
                   AND o.sequence < s.sequence) AS lines_before
        FROM submissions s WHERE ${where} LIMIT 2`,
  );
  return found.length === 1 ? found[0] : undefined;
}

/**
 * The payroll lines one submission carried, as a line-number range of its cycle and channel.
 * Payment files take a channel's lines in line order, split after every tx_count lines by
 * sequence; the range found is checked against the submission's count and control sum, so a
 * different split is refused (undefined) rather than guessed.
 */
export async function submissionRange(
  db: Db,
  p: { messageId: string; paymentInfoId: string | null },
  /** Ranges already worked out in this transaction, by submission id. */
  cache?: Map<number, SubmissionRange | undefined>,
): Promise<SubmissionRange | undefined> {
  const s = await findSubmission(db, p);
  if (!s || s.tx_count < 1) return undefined;
  if (cache?.has(s.id)) return cache.get(s.id);
  const range = await rangeOf(db, s);
  cache?.set(s.id, range);
  return range;
}

async function rangeOf(db: Db, s: SubmissionRow): Promise<SubmissionRange | undefined> {
  // Limitation: membership is derived from the split rule, not stored; a pair of submissions
  // columns (first_line_no, last_line_no) written by the submitter would make it explicit.

  // The lines taken are consecutive lines of the channel, so they are exactly its lines between
  // the first and the last: their count and sum are the range's, from the same read.
  const [range] = await rows<{
    first: number | null;
    last: number | null;
    lines: number;
    total: string;
  }>(
    db,
    sql`SELECT min(line_no)::int AS first, max(line_no)::int AS last, count(*)::int AS lines,
               coalesce(sum(amount), 0)::text AS total
        FROM (
          SELECT line_no, amount FROM payroll_lines
          WHERE cycle_id = ${s.cycle_id} AND channel = ${s.channel}
          ORDER BY line_no OFFSET ${s.lines_before} LIMIT ${s.tx_count}) x`,
  );
  if (range?.first == null || range.last == null) return undefined;
  if (range.lines !== s.tx_count || !money(range.total).equals(money(s.control_sum))) {
    return undefined;
  }
  return {
    submissionId: s.id,
    cycleId: s.cycle_id,
    channel: s.channel,
    firstLineNo: range.first,
    lastLineNo: range.last,
    lines: range.lines,
  };
}
