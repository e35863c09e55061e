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
  /** The file went out (sent_at set): only then may a report move its lines. */
  sent: boolean;
}

interface SubmissionRow {
  id: number;
  cycle_id: number;
  tx_count: number;
}

/**
 * The sent submission a status report speaks of: by message id, and when a payment information id
 * is given, the one carrying it (within that message if the message is ours).
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
    sql`SELECT s.id, s.cycle_id, s.tx_count FROM submissions s
        WHERE ${where} AND s.sent_at IS NOT NULL LIMIT 2`,
  );
  return found.length === 1 ? found[0] : undefined;
}

/** Ranges worked out so far, by cycle and then submission id: a cycle's are found all at once. */
export type SubmissionRanges = Map<number, Map<number, SubmissionRange | undefined>>;

/**
 * The payroll lines one submission carried, as a line-number range of its cycle and channel.
 * Payment files take a channel's lines in line order, split after every tx_count lines by
 * sequence; the range found is checked against the submission's count and control sum, so a
 * different split is refused (undefined) rather than guessed.
 */
export async function submissionRange(
  db: Db,
  p: { messageId: string; paymentInfoId: string | null },
  /**
   * Ranges already worked out, kept across the files of one run: a sealed cycle's lines and a
   * sent submission's split do not change, and a submission sent later is not in it yet.
   */
  cache: SubmissionRanges = new Map(),
): Promise<SubmissionRange | undefined> {
  const s = await findSubmission(db, p);
  if (!s || s.tx_count < 1) return undefined;
  let ranges = cache.get(s.cycle_id);
  if (!ranges?.has(s.id)) {
    ranges = await cycleRanges(db, s.cycle_id);
    // A submission whose lines do not fit is refused once, not read again per status block.
    if (!ranges.has(s.id)) ranges.set(s.id, undefined);
    cache.set(s.cycle_id, ranges);
  }
  return ranges.get(s.id);
}

/**
 * The line ranges of a cycle's sent submissions, from the run's cache when worked out already.
 * A sent submission whose lines cannot be determined gives no range: its lines count as not sent.
 */
export async function sentRanges(
  db: Db,
  cycleId: number,
  cache: SubmissionRanges = new Map(),
): Promise<SubmissionRange[]> {
  let ranges = cache.get(cycleId);
  if (!ranges) {
    ranges = await cycleRanges(db, cycleId);
    cache.set(cycleId, ranges);
  }
  return [...ranges.values()].filter((r): r is SubmissionRange => r !== undefined && r.sent);
}

/**
 * The ranges of every submission of a cycle, from one read of its lines: each channel's lines are
 * numbered in line order and each submission takes the tx_count after those of the sequences
 * before it. Reading a range per submission instead walked the channel's lines up to it, once
 * per submission and file.
 */
async function cycleRanges(
  db: Db,
  cycleId: number,
): Promise<Map<number, SubmissionRange | undefined>> {
  // Limitation: membership is derived from the split rule, not stored; a pair of submissions
  // columns (first_line_no, last_line_no) written by the submitter would make it explicit.
  const found = await rows<{
    id: number;
    channel: string;
    tx_count: number;
    control_sum: string;
    sent: boolean;
    first: number;
    last: number;
    lines: number;
    total: string;
  }>(
    db,
    // Each line falls in the submission whose first position is the last one not after its own
    // (width_bucket over the channel's first positions, in sequence order). Channels are compared
    // bytewise: their order only groups them, and a collation would make the sort several times
    // dearer.
    sql`WITH s AS MATERIALIZED (
          SELECT id, channel, tx_count, control_sum, sent_at IS NOT NULL AS sent,
                 row_number() OVER w AS k,
                 sum(tx_count) OVER w - tx_count AS before
          FROM submissions WHERE cycle_id = ${cycleId}
          WINDOW w AS (PARTITION BY channel ORDER BY sequence)
        ), t AS MATERIALIZED (
          SELECT channel, array_agg(before + 1 ORDER BY k) AS starts,
                 max(before + tx_count) AS taken
          FROM s GROUP BY channel
        ), b AS (
          SELECT l.channel, width_bucket(l.n, t.starts) AS k, min(l.line_no) AS first,
                 max(l.line_no) AS last, count(*) AS lines, sum(l.amount) AS total
          FROM (SELECT channel, line_no, amount,
                       row_number() OVER (PARTITION BY channel COLLATE "C" ORDER BY line_no) AS n
                FROM payroll_lines WHERE cycle_id = ${cycleId}) l
          JOIN t ON t.channel = l.channel AND l.n <= t.taken
          GROUP BY 1, 2
        )
        SELECT s.id, s.channel, s.tx_count, s.control_sum::text, s.sent, b.first::int, b.last::int,
               b.lines::int, b.total::text
        FROM s JOIN b ON b.channel = s.channel AND b.k = s.k
        WHERE s.tx_count > 0`,
  );
  const out = new Map<number, SubmissionRange | undefined>();
  for (const r of found) {
    // The lines taken are consecutive lines of the channel, so they are exactly its lines
    // between the first and the last; a short or different split is refused.
    if (r.lines !== r.tx_count || !money(r.total).equals(money(r.control_sum))) continue;
    out.set(r.id, {
      submissionId: r.id,
      cycleId,
      channel: r.channel,
      firstLineNo: r.first,
      lastLineNo: r.last,
      lines: r.lines,
      sent: r.sent,
    });
  }
  return out;
}
