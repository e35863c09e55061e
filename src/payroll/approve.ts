import { sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { auditReason } from '../audit/reason.js';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { money, moneyEquals, toAmountString } from '../money.js';
import { requireApprover } from './authorise.js';
import { controlTotals, digestLines } from './seal.js';
import type { ApproveResult } from './types.js';

const log = logger('payroll');

interface LockedCycle {
  id: number;
  status: string;
  built_by: string;
  line_count: number;
  total_amount: string;
}

/**
 * Locks a built cycle and checks the second pair of eyes. A concurrent approver waits on the row
 * lock, then finds the cycle no longer built.
 */
async function lockForDecision(tx: Db, cycleId: number, approver: string): Promise<LockedCycle> {
  const [cycle] = await rows<LockedCycle>(
    tx,
    sql`SELECT id, status, built_by, line_count, total_amount::text AS total_amount
        FROM cycles WHERE id = ${cycleId} FOR UPDATE`,
  );
  if (!cycle) {
    throw new SikaError(
      'CYCLE_NOT_FOUND',
      `cycle ${cycleId} does not exist (see sika cycle list)`,
      {
        cycleId,
      },
    );
  }
  if (cycle.status !== 'built') {
    throw new SikaError('CYCLE_STATE', 'only a built cycle can be approved or rejected', {
      cycleId,
      status: cycle.status,
    });
  }
  await requireApprover(tx, approver, cycle.built_by);
  return cycle;
}

/**
 * Approves and seals a built cycle: control totals by region, district and channel, and a
 * SHA-256 over its lines in line order. From then on the database refuses changes to its lines.
 */
export async function approveCycle(
  db: Db,
  p: { cycleId: number; approver: string },
): Promise<ApproveResult> {
  const result = await db.transaction(async (tx) => {
    const cycle = await lockForDecision(tx, p.cycleId, p.approver);

    const digest = await digestLines(tx, cycle.id);
    if (
      digest.lineCount !== cycle.line_count ||
      !moneyEquals(digest.total, money(cycle.total_amount))
    ) {
      throw new SikaError('CYCLE_STATE', 'the lines no longer match the totals of the build', {
        cycleId: cycle.id,
        lines: digest.lineCount,
        expectedLines: cycle.line_count,
      });
    }
    const totals = await controlTotals(tx, cycle.id);

    await tx.execute(sql`
      UPDATE cycles SET status = 'approved', approved_by = ${p.approver}, approved_at = now(),
        seal_sha256 = ${digest.sha256}, control_totals = ${JSON.stringify(totals)}::jsonb
      WHERE id = ${cycle.id}`);
    await appendAudit(tx, {
      actor: p.approver,
      action: 'cycle.approve',
      entity: 'cycle',
      entityId: cycle.id,
      detail: {
        seal: digest.sha256,
        lines: String(digest.lineCount),
        total: toAmountString(digest.total),
      },
    });

    return {
      cycleId: cycle.id,
      sealSha256: digest.sha256,
      lineCount: digest.lineCount,
      total: digest.total,
      controlTotals: totals,
    };
  });

  log.info({ cycleId: result.cycleId, lines: result.lineCount }, 'cycle approved and sealed');
  return result;
}

/** Sends a built cycle back to draft; the payroll officer fixes the data and builds again. */
export async function rejectCycle(
  db: Db,
  p: { cycleId: number; approver: string; reason: string },
): Promise<void> {
  const reason = auditReason(p.reason, 'a rejection');

  await db.transaction(async (tx) => {
    const cycle = await lockForDecision(tx, p.cycleId, p.approver);
    await tx.execute(sql`UPDATE cycles SET status = 'draft' WHERE id = ${cycle.id}`);
    await appendAudit(tx, {
      actor: p.approver,
      action: 'cycle.reject',
      entity: 'cycle',
      entityId: cycle.id,
      detail: { reason },
    });
  });

  log.info({ cycleId: p.cycleId }, 'cycle rejected');
}
