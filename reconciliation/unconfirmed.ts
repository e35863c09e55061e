import { sql } from 'drizzle-orm';
import { appendAudit } from '../src/audit/audit-log.js';
import { rows, type Db } from '../src/db/open.js';
import { SikaError } from '../src/errors.js';
import { logger } from '../src/logger.js';
import { money, sum, type Money } from '../src/money.js';
import { refreshCycles } from './cycle-status.js';
import { KIND_ACTIONS } from './exceptions.js';
import { checkFinanceUser } from './finance-user.js';
import { RECONCILE_LOCK } from './reconcile.js';
import { submissionRange } from './submission-lines.js';

const log = logger('reconciliation');

export interface UnconfirmedResult {
  lines: number;
  amount: Money;
  cycleIds: number[];
  /** Sent files whose lines could not be worked out (their split changed); nothing was marked. */
  skippedSubmissions: number;
}

/**
 * Moves the lines still pending olderThanDays after their payment file was sent to 'unconfirmed',
 * each with an unconfirmed_past_time exception; a later report still settles them. Safe to run
 * again: a line already unconfirmed is not touched twice.
 */
export async function markUnconfirmed(
  db: Db,
  p: { olderThanDays: number; now?: Date; by?: string },
): Promise<UnconfirmedResult> {
  if (!Number.isInteger(p.olderThanDays) || p.olderThanDays < 1) {
    throw new SikaError('USAGE', `olderThanDays must be a whole number above 0`);
  }
  const by = p.by ?? 'system';
  if (p.by) await checkFinanceUser(db, p.by, 'mark payments unconfirmed');
  const now = p.now ?? new Date();
  const cutoff = new Date(now.getTime() - p.olderThanDays * 86_400_000);

  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK})`);
    const sent = await rows<{ message_id: string; sent_at: Date | string }>(
      tx,
      sql`SELECT s.message_id, s.sent_at FROM submissions s
          WHERE s.status = 'sent' AND s.sent_at <= ${cutoff.toISOString()}
            AND EXISTS (SELECT 1 FROM payroll_lines l WHERE l.cycle_id = s.cycle_id
                        AND l.channel = s.channel AND l.status = 'pending')
          ORDER BY s.id`,
    );
    let skipped = 0;
    const moved: { cycle_id: number; lines: number; amount: string }[] = [];
    for (const s of sent) {
      const range = await submissionRange(tx, { messageId: s.message_id, paymentInfoId: null });
      if (!range) {
        skipped++;
        continue;
      }
      const sentDay = new Date(s.sent_at).toISOString().slice(0, 10);
      moved.push(
        ...(await rows<{ cycle_id: number; lines: number; amount: string }>(
          tx,
          sql`WITH m AS (
                UPDATE payroll_lines l SET status = 'unconfirmed'
                WHERE l.cycle_id = ${range.cycleId} AND l.channel = ${range.channel}
                  AND l.line_no BETWEEN ${range.firstLineNo} AND ${range.lastLineNo}
                  AND l.status = 'pending'
                RETURNING l.id, l.cycle_id, l.amount
              ), ev AS (
                INSERT INTO line_status_events (payroll_line_id, from_status, to_status)
                SELECT id, 'pending', 'unconfirmed' FROM m ORDER BY id
              ), ex AS (
                INSERT INTO exceptions (cycle_id, payroll_line_id, kind, amount, detail, action)
                SELECT cycle_id, id, 'unconfirmed_past_time', amount,
                       'no final status ' || ${p.olderThanDays} || ' days after its payment file '
                       || ${s.message_id} || ' was sent on ' || ${sentDay},
                       ${KIND_ACTIONS['unconfirmed_past_time']}
                FROM m ORDER BY id
              )
              SELECT cycle_id, count(*)::int AS lines, sum(amount)::text AS amount
              FROM m GROUP BY cycle_id`,
        )),
      );
    }
    const cycleIds = [...new Set(moved.map((m) => m.cycle_id))].sort((a, b) => a - b);
    await refreshCycles(tx, cycleIds);
    const result: UnconfirmedResult = {
      lines: moved.reduce((n, m) => n + m.lines, 0),
      amount: sum(moved.map((m) => money(m.amount))),
      cycleIds,
      skippedSubmissions: skipped,
    };
    await appendAudit(tx, {
      actor: by,
      action: 'lines.unconfirmed',
      entity: 'payroll_lines',
      entityId: cycleIds.join(',') || '-',
      detail: {
        olderThanDays: p.olderThanDays,
        now: now.toISOString(),
        lines: result.lines,
        amount: result.amount.toFixed(2),
        cycleIds,
        skippedSubmissions: skipped,
      },
    });
    log.info({ lines: result.lines, cycles: cycleIds.length, skipped }, 'lines marked unconfirmed');
    return result;
  });
}
