import { sql } from 'drizzle-orm';
import { appendAudit } from '../src/audit/audit-log.js';
import { rows, type Db } from '../src/db/open.js';
import { SikaError } from '../src/errors.js';
import { controlTotals, type ControlTotals } from './control-equation.js';
import { checkFinanceUser } from './finance-user.js';
import { RECONCILE_LOCK } from './reconcile.js';

export interface ClosedCycle {
  cycleId: number;
  lines: number;
  exceptions: number;
  control: ControlTotals;
}

/**
 * Closes a cycle ('closed'): only once no line is pending and every exception is resolved or
 * carried; otherwise CYCLE_STATE with the counts that block it. Finance staff only; audited.
 */
export async function closeCycle(db: Db, p: { cycleId: number; by: string }): Promise<ClosedCycle> {
  await checkFinanceUser(db, p.by, 'close cycles');
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK})`);
    const [c] = await rows<{ status: string; lines: number; pending: number }>(
      tx,
      sql`SELECT c.status,
                 (SELECT count(*)::int FROM payroll_lines l WHERE l.cycle_id = c.id) AS lines,
                 (SELECT count(*)::int FROM payroll_lines l
                   WHERE l.cycle_id = c.id AND l.status = 'pending') AS pending
          FROM cycles c WHERE c.id = ${p.cycleId} FOR UPDATE OF c`,
    );
    if (!c) throw new SikaError('CYCLE_NOT_FOUND', `no cycle ${p.cycleId}`);
    if (c.status === 'closed') {
      throw new SikaError('CYCLE_STATE', `cycle ${p.cycleId} is closed already`);
    }
    const [x] = await rows<{ open: number; total: number }>(
      tx,
      sql`SELECT count(*) FILTER (WHERE state NOT IN ('resolved', 'carried'))::int AS open,
                 count(*)::int AS total
          FROM exceptions WHERE cycle_id = ${p.cycleId}`,
    );
    const open = x?.open ?? 0;
    if (!['submitted', 'reconciled'].includes(c.status) || c.pending > 0 || open > 0) {
      throw new SikaError(
        'CYCLE_STATE',
        `cycle ${p.cycleId} cannot be closed: status ${c.status}, ${c.pending} lines pending, ` +
          `${open} exceptions open`,
        { cycleId: p.cycleId, status: c.status, pendingLines: c.pending, openExceptions: open },
      );
    }
    const control = await controlTotals(tx, p.cycleId);
    if (!control.holds) {
      throw new Error(`control equation broken for cycle ${p.cycleId}`);
    }
    await tx.execute(sql`UPDATE cycles SET status = 'closed' WHERE id = ${p.cycleId}`);
    await appendAudit(tx, {
      actor: p.by,
      action: 'cycle.close',
      entity: 'cycle',
      entityId: p.cycleId,
      detail: {
        lines: c.lines,
        exceptions: x?.total ?? 0,
        sealedTotal: control.sealedTotal.toFixed(2),
        byStatus: Object.fromEntries(
          Object.entries(control.byStatus).map(([k, v]) => [k, [v.lines, v.amount.toFixed(2)]]),
        ),
      },
    });
    return { cycleId: p.cycleId, lines: c.lines, exceptions: x?.total ?? 0, control };
  });
}
