import { basename } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { rows, type Db } from '../db/open.js';
import { cycles, submissions } from '../db/schema.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { requireRole } from '../users/roles.js';
import { STATUS_CSV } from './formats/csv-bulk.js';
import { checkRefusal, checkResendReason, missingPaymentFile } from './resend-checks.js';
import { submitCycle, type SubmitParams, type SubmitResult } from './submit.js';

const log = logger('ghipss.resend');
const ATTEMPT = /R(\d+)$/;

export interface ResendParams extends SubmitParams {
  /** The file name of the refused submission, as `sika submit` printed it. */
  fileName: string;
  /** Why it is sent again; kept in the audit trail. */
  reason: string;
  /**
   * The switch's status report refusing the file (a pain.002 whose group status is RJCT), or how
   * to get it for a message id (fetched from the switch).
   */
  refusalReport: string | ((messageId: string) => Promise<string>);
}

/** The ids of the next attempt: message and payment ids end in R1, R2...; the file name in _R1. */
export function nextAttemptIds(s: { messageId: string; paymentInfoId: string; fileName: string }) {
  const attempt = Number(ATTEMPT.exec(s.messageId)?.[1] ?? 0) + 1;
  const ids = {
    messageId: `${s.messageId.replace(ATTEMPT, '')}R${attempt}`,
    paymentInfoId: `${s.paymentInfoId.replace(ATTEMPT, '')}R${attempt}`,
    fileName: s.fileName.replace(/(_R\d+)?(\.[a-z]+)$/, `_R${attempt}$2`),
  };
  if (ids.messageId.length > 35 || ids.paymentInfoId.length > 35) {
    throw new SikaError('USAGE', `${s.fileName} has been sent again too often (${attempt - 1})`);
  }
  return ids;
}

/**
 * Reconciling a group refusal failed every line of the file, each with an exception: sending the
 * file again would pay lines the books hold as failed, so they are paid again through those
 * exceptions, which the next build of the programme reads.
 */
function refusalReconciled(
  cycleId: number,
  s: { fileName: string; txCount: number },
  refusal: string,
): SikaError {
  return new SikaError(
    'CYCLE_STATE',
    `${s.fileName} cannot be sent again: its refusal (${refusal}) is already reconciled, which ` +
      `failed all ${s.txCount} payments of the file. To pay them, resolve their exceptions ` +
      `"pay again" (sika exceptions list --cycle ${cycleId} --state open, then sika exceptions ` +
      'resolve ID --action pay_again --note TEXT --as USER): the next cycle built pays them.',
    { fileName: s.fileName, refusal, failedLines: s.txCount },
  );
}

/**
 * Sends a file the switch refused as a whole once more, under a new message id (a strict switch
 * refuses a message id twice). Only a sent file whose status report from the switch has group
 * status RJCT qualifies, and only before that refusal is reconciled (which fails its lines).
 * The change of ids, the reason and the refusal's hash are audited in the same transaction; the
 * file then leaves as any prepared one does (exactly once, resumable).
 */
export async function resendRefusedFile(db: Db, p: ResendParams): Promise<SubmitResult> {
  const reason = checkResendReason(p.reason);
  const fileName = basename(p.fileName);
  await requireRole(db, p.submittedBy, ['finance_officer', 'administrator'], 'send a file again');

  await db.transaction(async (tx) => {
    const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, p.cycleId)).for('update');
    if (!cycle) throw new SikaError('CYCLE_NOT_FOUND', `cycle ${p.cycleId} does not exist`);
    if (cycle.status === 'approved' || !cycle.sealSha256) {
      throw new SikaError('CYCLE_STATE', `cycle ${p.cycleId} is ${cycle.status}, not submitted`);
    }
    const [s] = await tx
      .select()
      .from(submissions)
      .where(and(eq(submissions.cycleId, cycle.id), eq(submissions.fileName, fileName)));
    if (!s) throw await missingPaymentFile(tx, cycle.id, p.fileName);
    if (s.status !== 'sent') {
      throw new SikaError('USAGE', `${fileName} was never sent: run sika submit to send it`);
    }
    const reconciled = await rows<{ file_name: string }>(
      tx,
      sql`SELECT file_name FROM settlement_files
          WHERE format IN ('pain.002', ${STATUS_CSV}) AND original_message_id = ${s.messageId}
            AND group_status = 'RJCT' LIMIT 1`,
    );
    // Checked before the cycle's state: reconciling the refusal is what moved the cycle on.
    if (reconciled.length > 0) throw refusalReconciled(cycle.id, s, reconciled[0]!.file_name);
    if (cycle.status !== 'submitted') {
      // A reconciled cycle's lines are final.
      throw new SikaError('CYCLE_STATE', `cycle ${p.cycleId} is ${cycle.status}, not submitted`);
    }
    const path =
      typeof p.refusalReport === 'string' ? p.refusalReport : await p.refusalReport(s.messageId);
    const refusal = await checkRefusal(tx, path, s);

    const next = nextAttemptIds(s);
    await tx
      .update(submissions)
      .set({ ...next, status: 'prepared', sha256: null, sentAt: null })
      .where(and(eq(submissions.id, s.id), eq(submissions.status, 'sent')));
    await appendAudit(tx, {
      actor: p.submittedBy,
      action: 'submission.resend',
      entity: 'submission',
      entityId: s.id,
      detail: {
        cycleId: String(cycle.id),
        reason,
        refusedBy: refusal.fileName,
        refusalSha256: refusal.sha256,
        refusalReason: refusal.groupReason?.code ?? '',
        fileName: s.fileName,
        messageId: s.messageId,
        sha256: s.sha256 ?? '',
        newFileName: next.fileName,
        newMessageId: next.messageId,
      },
    });
    log.info({ cycleId: cycle.id, submissionId: s.id }, 'refused payment file to be sent again');
  });

  return submitCycle(db, p);
}
