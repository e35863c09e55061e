import { sql } from 'drizzle-orm';
import { appendAudit } from '../src/audit/audit-log.js';
import { rows, type Db } from '../src/db/open.js';
import { auditReason } from '../src/audit/reason.js';
import { SikaError } from '../src/errors.js';
import { checkFinanceUser } from './finance-user.js';

export const RESOLUTIONS = ['note', 'pay_again', 'write_off', 'refer_grievance'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Reason codes whose money must never be sent again: a deceased recipient, a duplicate. */
export const NEVER_PAY_AGAIN = ['MD07', 'AM05'];

export interface ResolveParams {
  exceptionId: number;
  by: string;
  action: Resolution;
  note: string;
  /** The grievance case number, required with refer_grievance. */
  grievanceCase?: string;
}

export interface ResolvedException {
  exceptionId: number;
  cycleId: number | null;
  /** resolved, or carried for pay_again (the next payroll build pays the line again). */
  state: 'resolved' | 'carried';
  resolution: Resolution;
}

interface ExceptionRow {
  id: number;
  cycle_id: number | null;
  payroll_line_id: number | null;
  kind: string;
  reason_code: string | null;
  state: string;
  line_status: string | null;
  programme: string | null;
}

/**
 * Resolves one open exception, audited: note, write_off and refer_grievance close it
 * ('resolved'); pay_again marks it 'carried', which the next payroll build reads to pay the line
 * again. pay_again needs a failed or returned LEAP line (no LIPW payroll repays wages), never
 * for MD07 or AM05, and once per line. Every resolution says why in a note of at least 3
 * characters. Finance staff only.
 */
export async function resolveException(db: Db, p: ResolveParams): Promise<ResolvedException> {
  if (!(RESOLUTIONS as readonly string[]).includes(p.action)) {
    throw new SikaError('USAGE', `action must be one of ${RESOLUTIONS.join(', ')}`);
  }
  const note = auditReason(p.note, 'a resolution note');
  if (p.action === 'refer_grievance' && !p.grievanceCase?.trim()) {
    throw new SikaError('USAGE', 'refer_grievance needs the grievance case number');
  }
  if (p.action !== 'refer_grievance' && p.grievanceCase !== undefined) {
    throw new SikaError('USAGE', 'a grievance case number goes only with refer_grievance');
  }
  await checkFinanceUser(db, p.by, 'resolve exceptions');

  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const [e] = await rows<ExceptionRow>(
      tx,
      sql`SELECT e.id::int, e.cycle_id, e.payroll_line_id::int, e.kind, e.reason_code, e.state,
                 l.status AS line_status, l.programme
          FROM exceptions e LEFT JOIN payroll_lines l ON l.id = e.payroll_line_id
          WHERE e.id = ${p.exceptionId} FOR UPDATE OF e`,
    );
    if (!e) throw new SikaError('USAGE', `no exception ${p.exceptionId}`);
    if (e.state !== 'open') {
      throw new SikaError('CYCLE_STATE', `exception ${e.id} is ${e.state}, not open`, {
        exceptionId: e.id,
        state: e.state,
      });
    }
    if (p.action === 'pay_again') await checkPayAgain(tx, e);
    if (p.action === 'write_off' && e.kind === 'unreadable_file') {
      throw new SikaError(
        'USAGE',
        `exception ${e.id} cannot be written off: an unreadable file holds no amount; resolve ` +
          'it with a note once a readable copy is loaded',
      );
    }

    const state = p.action === 'pay_again' ? 'carried' : 'resolved';
    await tx.execute(sql`
      UPDATE exceptions
      SET state = ${state}, resolution = ${p.action}, resolved_by = ${p.by}, resolved_at = now(),
          note = ${note}, grievance_case = ${p.grievanceCase?.trim() ?? null}
      WHERE id = ${e.id}`);
    await appendAudit(tx, {
      actor: p.by,
      action: 'exception.resolve',
      entity: 'exception',
      entityId: e.id,
      detail: {
        kind: e.kind,
        cycleId: e.cycle_id,
        payrollLineId: e.payroll_line_id,
        resolution: p.action,
        state,
        note,
        grievanceCase: p.grievanceCase?.trim() ?? null,
      },
    });
    return { exceptionId: e.id, cycleId: e.cycle_id, state, resolution: p.action };
  });
}

async function checkPayAgain(tx: Db, e: ExceptionRow): Promise<void> {
  const refuse = (why: string) =>
    new SikaError('USAGE', `exception ${e.id} cannot be paid again: ${why}`);
  if (e.payroll_line_id === null) throw refuse('it names no payroll line');
  if (e.kind === 'household_review') throw refuse('the household is under review');
  if (e.programme === 'LIPW') {
    throw refuse(
      'no payroll pays LIPW wages again (only LEAP builds repay failed lines); ' +
        'note the wages owed, or refer them to a grievance case',
    );
  }
  if (e.line_status !== 'failed' && e.line_status !== 'returned') {
    throw refuse(`the line is ${e.line_status}, not failed or returned`);
  }
  if (e.reason_code && NEVER_PAY_AGAIN.includes(e.reason_code)) {
    throw refuse(`reason ${e.reason_code} forbids it`);
  }
  const [again] = await rows<{ id: number }>(
    tx,
    sql`SELECT id::int FROM exceptions
        WHERE payroll_line_id = ${e.payroll_line_id} AND resolution = 'pay_again' LIMIT 1`,
  );
  if (again) throw refuse(`exception ${again.id} already pays the line again`);
}
