import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { KIND_ACTIONS, openStatusException, reasonAction, reasonMeaning } from './exceptions.js';
import { inFile, OUTCOME, type FileScope } from './load-file.js';
import { submissionRange, type SubmissionRanges } from './submission-lines.js';

/** The line status an ISO 20022 status leads to (the same rule as TARGET_STATUS in SQL). */
export function targetStatus(status: string): 'paid' | 'failed' | 'pending' {
  if (status === 'ACSC' || status === 'ACCC') return 'paid';
  return status === 'RJCT' ? 'failed' : 'pending';
}

/**
 * Extends a status given for a whole payment information block or group to the lines of that
 * submission the report does not list itself; blocks before the group, so the nearer status wins.
 * Under PART the lines left out are accepted by inference (their record's outcome says so).
 *
 * A block that lists transactions must name at least one line of its submission for its status
 * to reach the others: when every transaction it lists is unknown (or names lines of another
 * file), the report is about something else or its references are garbled, so nothing is
 * inferred, an unknown_reference exception is opened on the block's status record, and the lines
 * it leaves out stay as they are. The same holds, except for a rejection, when any transaction it
 * lists is unknown: that one may be a line it seems to leave out. A block that lists no
 * transaction applies to all its lines.
 */
export async function assignStatusBlocks(
  tx: Db,
  p: { file: FileScope; originalMessageId: string; ranges?: SubmissionRanges },
): Promise<void> {
  const blocks = await rows<{
    id: number;
    payment_info_id: string | null;
    status: string;
    reason_code: string | null;
  }>(
    tx,
    sql`SELECT r.id, r.payment_info_id, r.status, r.reason_code FROM settlement_records r
        WHERE ${inFile(p.file)}
          AND r.outcome IN (${OUTCOME.groupStatus}, ${OUTCOME.paymentInfoStatus}, ${OUTCOME.inferred})
        ORDER BY r.payment_info_id IS NULL, r.id`,
  );

  const blockIds = blocks.map((b) => b.id);
  const ranges: SubmissionRanges = p.ranges ?? new Map();
  /** Submissions a block already reached: every line of theirs has a record to follow. */
  const reached = new Set<number>();
  for (const b of blocks) {
    const level = b.payment_info_id ? 'payment_info' : 'group';
    const what = b.payment_info_id
      ? `payment information ${b.payment_info_id}`
      : `original message ${p.originalMessageId}`;
    const refuse = async (why: string, cycleId: number | null = null) => {
      await openStatusException(tx, {
        recordId: b.id,
        cycleId,
        detail: `${level} status ${b.status} not applied: ${why}`,
      });
      await tx.execute(
        sql`UPDATE settlement_records SET outcome = 'unknown_reference' WHERE id = ${b.id}`,
      );
    };
    const range = await submissionRange(
      tx,
      { messageId: p.originalMessageId, paymentInfoId: b.payment_info_id },
      ranges,
    );
    if (!range) {
      await refuse(`${what} matches no submission whose lines can be determined`);
      continue;
    }
    if (reached.has(range.submissionId)) continue;

    const [listed] = await rows<{ listed: number; unknown: number; known: boolean }>(
      tx,
      sql`SELECT count(*)::int AS listed,
                 count(*) FILTER (WHERE r.payroll_line_id IS NULL)::int AS unknown,
                 EXISTS (SELECT 1 FROM settlement_records r JOIN payroll_lines l
                           ON l.id = r.payroll_line_id
                         WHERE ${inFile(p.file)} AND ${listedBy(blockIds, b.payment_info_id)}
                           AND l.cycle_id = ${range.cycleId} AND l.channel = ${range.channel}
                           AND l.line_no BETWEEN ${range.firstLineNo} AND ${range.lastLineNo})
                   AS known
          FROM settlement_records r
          WHERE ${inFile(p.file)} AND ${listedBy(blockIds, b.payment_info_id)}`,
    );
    if (listed && listed.listed > 0 && !listed.known) {
      const none =
        listed.listed === 1
          ? `the one transaction it lists names no line of ${what}`
          : `none of the ${listed.listed} transactions it lists names a line of ${what}`;
      await refuse(`${none}, so the lines it leaves out stay as they are`, range.cycleId);
      continue;
    }
    // A garbled reference may be a line the report seems to leave out: accepting the lines left
    // out could then pay one it rejected. A rejection of the whole block is safe either way.
    if (listed && listed.unknown > 0 && b.status !== 'RJCT') {
      await refuse(
        `${listed.unknown} of the ${listed.listed} transactions it lists name no line, and any ` +
          'of them may be a line it seems to leave out, so the lines it leaves out stay as they are',
        range.cycleId,
      );
      continue;
    }

    reached.add(range.submissionId);
    // A report usually lists every line of its submission itself: then no line is left out, and
    // the lines need not be read again to find none.
    const [assigned] = await rows<{ lines: number }>(
      tx,
      sql`SELECT count(*)::int AS lines FROM recon_assign
          WHERE cycle_id = ${range.cycleId} AND channel = ${range.channel}
            AND line_no BETWEEN ${range.firstLineNo} AND ${range.lastLineNo}`,
    );
    if (assigned?.lines === range.lines) continue;
    const status = b.status === 'PART' ? 'ACSC' : b.status;
    const reason = b.status === 'PART' ? null : b.reason_code;
    // An anti-join rather than ON CONFLICT: most lines of a block are usually listed already.
    await tx.execute(sql`
      INSERT INTO recon_assign (line_id, record_id, status, target, reason_code, level, active,
                                cycle_id, channel, line_no, line_status, amount, household_ref)
      SELECT l.id, ${b.id}, ${status}, ${targetStatus(status)}, ${reason}, ${level}, true,
             l.cycle_id, l.channel, l.line_no, l.status, l.amount,
             coalesce(w.household_ref, l.beneficiary_ref)
      FROM payroll_lines l LEFT JOIN lipw_workers w ON w.id = l.worker_id
      WHERE l.cycle_id = ${range.cycleId} AND l.channel = ${range.channel}
        AND l.line_no BETWEEN ${range.firstLineNo} AND ${range.lastLineNo}
        AND NOT EXISTS (SELECT 1 FROM recon_assign a WHERE a.line_id = l.id)`);
  }
}

/** SQL: record r is a transaction the block lists (a group lists every one of the file). */
function listedBy(blockIds: number[], paymentInfoId: string | null) {
  const tx = sql`r.id NOT IN (${sql.join(
    blockIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
  return paymentInfoId ? sql`${tx} AND r.payment_info_id = ${paymentInfoId}` : tx;
}

export interface Applied {
  paid: number;
  failed: number;
  returned: number;
  pending: number;
}

/**
 * Applies recon_assign to the lines. A report that contradicts a settled outcome (paid then
 * rejected, failed then settled, a return of a rejected payment) never overwrites it: the line
 * stays and a conflicting_status exception is opened. Money that comes back went out first, so a
 * return also moves a line still pending or unconfirmed (its status report is late) to returned,
 * and a settled report after it changes nothing: a return is never lost behind it. Every move, and
 * every "still pending" report, is kept in line_status_events; each line that fails or comes back
 * gets an exception with the meaning and action of its reason code (MD07 also a household_review),
 * and an unconfirmed line a report now settles has its unconfirmed_past_time exception resolved.
 */
export async function applyAssignments(tx: Db, p: { loadedBy: string }): Promise<Applied> {
  // recon_assign is not analysed: no statement below joins it to a large table but by the
  // primary key of the lines it names, which its row count alone makes the planner choose.
  await tx.execute(sql`
    WITH c AS (
      UPDATE recon_assign a SET active = false
      WHERE a.active
        AND ((a.target = 'paid' AND a.line_status = 'failed')
          OR (a.target = 'failed' AND a.line_status IN ('paid', 'returned'))
          OR (a.target = 'returned' AND a.line_status = 'failed'))
      RETURNING a.line_id, a.record_id, a.status, a.target, a.reason_code, a.level,
                a.line_status, a.cycle_id, a.amount
    ), ex AS (
      INSERT INTO exceptions (cycle_id, payroll_line_id, settlement_record_id, kind, reason_code,
                              amount, detail, action)
      SELECT cycle_id, line_id, record_id, 'conflicting_status', reason_code, amount,
             CASE WHEN target = 'returned'
               THEN 'line is ' || line_status || '; a return'
                    || coalesce(' (' || reason_code || ')', '')
                    || ' was reported for a payment reported rejected; the line was kept as it is'
               ELSE 'line is ' || line_status || '; a later report says ' || status
                    || coalesce(' (' || reason_code || ')', '') || '; the line was kept as it is'
             END,
             ${KIND_ACTIONS['conflicting_status']}
      FROM c ORDER BY line_id
    )
    UPDATE settlement_records r SET outcome = 'conflict'
    FROM c WHERE r.id = c.record_id AND c.level = 'transaction'`);

  const moved = await rows<{ to_status: string; lines: number }>(
    tx,
    sql`
    WITH m AS (
      SELECT a.line_id, a.record_id, a.reason_code, a.target AS to_status,
             a.line_status AS from_status, a.cycle_id, a.amount, a.household_ref
      FROM recon_assign a
      WHERE a.active AND (a.line_status = 'pending'
                       OR (a.line_status = 'unconfirmed' AND a.target <> 'pending')
                       OR (a.line_status = 'paid' AND a.target = 'returned'))
    ), ev AS (
      INSERT INTO line_status_events (payroll_line_id, from_status, to_status, reason_code,
                                      settlement_record_id)
      SELECT line_id, from_status, to_status, reason_code, record_id FROM m ORDER BY line_id
    ), up AS (
      UPDATE payroll_lines l
      SET status = m.to_status,
          status_reason = CASE WHEN m.to_status IN ('failed', 'returned') THEN m.reason_code END
      FROM m WHERE l.id = m.line_id AND m.to_status <> m.from_status
    ), fx AS (
      INSERT INTO exceptions (cycle_id, payroll_line_id, settlement_record_id, kind, reason_code,
                              amount, detail, action, household_ref)
      SELECT cycle_id, line_id, record_id, kind, reason_code, amount, detail, action, href
      FROM (
        SELECT cycle_id, line_id, record_id, 1 AS n,
               CASE to_status WHEN 'failed' THEN 'failed_payment' ELSE 'returned_payment' END AS kind,
               reason_code, amount, ${reasonMeaning(sql`m.reason_code`)} AS detail,
               ${reasonAction(sql`m.reason_code`)} AS action, NULL AS href
        FROM m WHERE to_status IN ('failed', 'returned')
        UNION ALL
        SELECT cycle_id, line_id, record_id, 2, 'household_review', reason_code, amount,
               'household ' || household_ref || ' to be reviewed: '
               || ${reasonMeaning(sql`m.reason_code`)},
               ${reasonAction(sql`m.reason_code`)}, household_ref
        FROM m WHERE to_status IN ('failed', 'returned') AND reason_code = 'MD07'
      ) x ORDER BY line_id, n
    ), settled AS (
      UPDATE exceptions e
      SET state = 'resolved', resolution = 'settled', resolved_by = ${p.loadedBy},
          resolved_at = now(),
          note = 'settled by a later report: line ' || m.to_status
      FROM m
      WHERE e.payroll_line_id = m.line_id AND m.from_status = 'unconfirmed'
        AND m.to_status <> 'pending' AND e.kind = 'unconfirmed_past_time' AND e.state = 'open'
    )
    SELECT to_status, count(*)::int AS lines FROM m GROUP BY to_status`,
  );

  const count = (s: string) => moved.find((m) => m.to_status === s)?.lines ?? 0;
  return {
    paid: count('paid'),
    failed: count('failed'),
    returned: count('returned'),
    pending: count('pending'),
  };
}
