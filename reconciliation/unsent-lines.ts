import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { inFile, type FileScope } from './load-file.js';
import {
  sentRanges,
  submissionRange,
  type SubmissionRange,
  type SubmissionRanges,
} from './submission-lines.js';

export const NOT_SENT_ACTION =
  'Find out where the report comes from: these payments were never sent, and nothing was moved';
const OTHER_FILE_ACTION =
  'Ask GhIPSS why the report names payments of another file; nothing was moved';

/** Merged line-number intervals of a cycle and channel's sent submissions. */
function merged(ranges: SubmissionRange[]): Map<string, [number, number][]> {
  const by = new Map<string, [number, number][]>();
  const sorted = [...ranges].sort((a, b) => a.firstLineNo - b.firstLineNo);
  for (const r of sorted) {
    const key = `${r.cycleId}\u0000${r.channel}`;
    const list = by.get(key) ?? [];
    const last = list[list.length - 1];
    // Consecutive submissions of a channel take consecutive lines: a gap is a line not taken.
    if (last && r.firstLineNo <= last[1] + 1) last[1] = Math.max(last[1], r.lastLineNo);
    else list.push([r.firstLineNo, r.lastLineNo]);
    by.set(key, list);
  }
  return by;
}

interface Span {
  cycle_id: number;
  channel: string;
  lo: number;
  hi: number;
}

/** The lowest and highest line number the working set holds per cycle and channel. */
function spansOf(tx: Db): Promise<Span[]> {
  return rows<Span>(
    tx,
    sql`SELECT cycle_id, channel, min(line_no)::int AS lo, max(line_no)::int AS hi
        FROM recon_assign WHERE level = 'transaction' GROUP BY 1, 2`,
  );
}

function covers(ranges: SubmissionRange[], spans: Span[]): boolean {
  const intervals = merged(ranges);
  return spans.every((s) =>
    (intervals.get(`${s.cycle_id}\u0000${s.channel}`) ?? []).some(
      ([lo, hi]) => lo <= s.lo && s.hi <= hi,
    ),
  );
}

/**
 * Takes out of recon_assign the lines of a file's records that no sent payment file carried
 * (their cycle or channel was never submitted, or the file carrying them was prepared but not
 * sent), and then, for a status report, those the payment file it answers did not carry (another
 * cycle's, the next file of the channel): a report speaks of its own file. Their records become
 * 'not_sent', the line is not moved, any exception already opened for such a record is replaced
 * by one exception per cycle saying why. Returns how many records were set aside.
 *
 * recon_assign already holds each line's cycle, channel and number, so the usual case (every
 * line the report's own) costs one pass over it and the lowest and highest line number per cycle
 * and channel.
 */
export async function refuseUnsent(
  tx: Db,
  p: {
    file: FileScope;
    ranges: SubmissionRanges;
    /** A status report: the message id of the payment file it answers. */
    answers?: string;
  },
): Promise<number> {
  let spans = await spansOf(tx);
  if (spans.length === 0) return 0;
  let refused = 0;
  const sent: SubmissionRange[] = [];
  for (const cycleId of new Set(spans.map((s) => s.cycle_id))) {
    sent.push(...(await sentRanges(tx, cycleId, p.ranges)));
  }
  if (!covers(sent, spans)) {
    refused += await setAside(tx, p.file, sent, {
      why: 'that no payment file sent carried: the payment was never sent, so no line was moved',
      action: NOT_SENT_ACTION,
    });
    spans = await spansOf(tx);
  }
  if (!p.answers || spans.length === 0) return refused;
  const own = await submissionRange(tx, { messageId: p.answers, paymentInfoId: null }, p.ranges);
  // A file whose lines cannot be worked out is refused by its block status, not here.
  if (own && !covers([own], spans)) {
    refused += await setAside(tx, p.file, [own], {
      why: `that the payment file it answers (${p.answers}) did not carry, so no line was moved`,
      action: OTHER_FILE_ACTION,
    });
  }
  return refused;
}

/** Sets aside the records whose lines lie outside `allowed`, with one exception per cycle. */
async function setAside(
  tx: Db,
  file: FileScope,
  allowed: SubmissionRange[],
  text: { why: string; action: string },
): Promise<number> {
  const ranges = allowed.map((r) => ({
    c: r.cycleId,
    ch: r.channel,
    lo: r.firstLineNo,
    hi: r.lastLineNo,
  }));
  const [out] = await rows<{ records: number }>(
    tx,
    sql`WITH s AS MATERIALIZED (
          SELECT * FROM json_to_recordset(${JSON.stringify(ranges)}::json)
            AS s(c int, ch text, lo int, hi int)
        ), off AS (
          DELETE FROM recon_assign a
          WHERE a.level = 'transaction'
            AND NOT EXISTS (SELECT 1 FROM s WHERE s.c = a.cycle_id AND s.ch = a.channel
                              AND a.line_no BETWEEN s.lo AND s.hi)
          RETURNING a.line_id, a.cycle_id
        ), u AS (
          UPDATE settlement_records r SET outcome = 'not_sent'
          FROM off
          WHERE r.payroll_line_id = off.line_id AND ${inFile(file)}
            AND r.outcome IN ('matched', 'amount_mismatch', 'duplicate', 'conflict')
          RETURNING r.id, off.cycle_id, r.end_to_end_id, r.status
        ), gone AS (
          DELETE FROM exceptions e USING u WHERE e.settlement_record_id = u.id
        ), by_status AS (
          SELECT cycle_id, string_agg(status || ' ' || n, ', ' ORDER BY status) AS statuses
          FROM (SELECT cycle_id, status, count(*) AS n FROM u GROUP BY 1, 2) t GROUP BY 1
        ), ex AS (
          INSERT INTO exceptions (cycle_id, settlement_record_id, kind, detail, action)
          SELECT g.cycle_id, g.first_id, 'unknown_reference',
                 g.n || CASE WHEN g.n = 1 THEN ' record' ELSE ' records' END
                 || ' of this file (' || b.statuses || ', first EndToEndId '
                 || coalesce(g.first_e2e, '(none)') || ') name payroll lines of cycle '
                 || g.cycle_id || ' ' || ${text.why},
                 ${text.action}
          FROM (SELECT cycle_id, count(*) AS n, min(id) AS first_id,
                       (array_agg(end_to_end_id ORDER BY id))[1] AS first_e2e
                FROM u GROUP BY cycle_id) g
          JOIN by_status b ON b.cycle_id = g.cycle_id
          ORDER BY g.cycle_id
        )
        SELECT count(*)::int AS records FROM u`,
  );
  return out?.records ?? 0;
}
