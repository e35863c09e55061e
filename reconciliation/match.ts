import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../src/db/open.js';
import { openRecordExceptions } from './exceptions.js';
import { inFile, type FileScope } from './load-file.js';
import { isStatusReport } from './settlement-format.js';

/**
 * Line status a reported status leads to; every other status leaves a line pending. pain.002:
 * ACSC/ACCC settled, RJCT rejected; camt: BOOK our debit booked, RTRN the money came back.
 */
export const TARGET_STATUS = sql.raw(`CASE
  WHEN r.status IN ('ACSC', 'ACCC', 'BOOK') THEN 'paid'
  WHEN r.status = 'RJCT' THEN 'failed'
  WHEN r.status = 'RTRN' THEN 'returned'
  ELSE 'pending' END`);

/**
 * The working set of one pass over a file: each line it speaks of, once, with the record that
 * decides it. Lines a transaction record names come first; lines only a payment information or
 * group status covers are added after, so a line's own status always wins.
 *
 * Each line's cycle, channel, number, status, amount and household are copied in as it is
 * assigned (one probe by primary key), so the steps after it never join payroll_lines, whose
 * every earlier cycle a hash join would read once per step and file. Nothing else moves a line
 * meanwhile: the pass holds the reconciliation lock, and a pass's lines are assigned after the
 * previous pass applied its own.
 */
export async function createAssignments(tx: Db): Promise<void> {
  await tx.execute(sql`
    CREATE TEMP TABLE recon_assign (
      line_id bigint PRIMARY KEY,
      record_id bigint NOT NULL,
      status text NOT NULL,
      target text NOT NULL,
      reason_code text,
      level text NOT NULL,
      active boolean NOT NULL,
      cycle_id integer NOT NULL,
      channel text NOT NULL,
      line_no integer NOT NULL,
      line_status text NOT NULL,
      amount numeric(14,2) NOT NULL,
      household_ref text NOT NULL
    ) ON COMMIT DROP`);
}

/**
 * SQL: the line columns recon_assign keeps, of the line whose id is given, as a LATERAL subquery
 * aliased l. The LIMIT keeps it a probe by primary key per line instead of a hash join.
 */
function lineOf(lineId: SQL) {
  return sql`LATERAL (
      SELECT l.cycle_id, l.channel, l.line_no, l.status, l.amount,
             coalesce(w.household_ref, l.beneficiary_ref) AS href
      FROM payroll_lines l LEFT JOIN lipw_workers w ON w.id = l.worker_id
      WHERE l.id = ${lineId} LIMIT 1) l`;
}

/**
 * Sets aside the records of a file that repeat news already applied and opens an exception for
 * every record that cannot be applied as it stands (unknown reference, repeat, amount that is
 * not the line's). Records were matched to lines as they were loaded; everything here is
 * set-based and writes only the rare rows.
 *
 * A line named twice in one status report is a repeat, or a conflict when the statuses differ
 * (settled, then rejected): only the first is applied. A camt message may name a line twice with
 * different news (booked, then returned), so there only the same status repeats; and a statement
 * or account report (camt.053, camt.052) restating what an earlier file applied is 'confirmed',
 * not a repeat worth an exception, since they overlap notifications by design.
 *
 * A camt credit that names a line but is no return (no RRTN, no reversal indicator) cannot be
 * told apart from other money coming in: it moves nothing and opens an unexplained_credit
 * exception, so it is not lost.
 */
export async function markRepeats(tx: Db, p: { file: FileScope; format: string }): Promise<void> {
  const statusReport = isStatusReport(p.format);
  await tx.execute(sql`
    UPDATE settlement_records r
    SET outcome = CASE WHEN ${p.format === 'camt.053' || p.format === 'camt.052'} AND NOT EXISTS (
                         SELECT 1 FROM settlement_records q
                         WHERE q.settlement_file_id = r.settlement_file_id
                           AND q.payroll_line_id = r.payroll_line_id AND q.id < r.id
                           AND q.status = r.status)
                       THEN 'confirmed'
                       WHEN ${statusReport} AND EXISTS (
                         SELECT 1 FROM settlement_records q
                         WHERE q.settlement_file_id = r.settlement_file_id
                           AND q.payroll_line_id = r.payroll_line_id AND q.id < r.id
                           AND q.status <> r.status)
                       THEN 'conflict'
                       ELSE 'duplicate' END
    WHERE ${inFile(p.file)} AND r.outcome IN ('matched', 'amount_mismatch')
      AND EXISTS (SELECT 1 FROM settlement_records q
                  WHERE q.payroll_line_id = r.payroll_line_id
                    AND ((q.settlement_file_id = r.settlement_file_id AND q.id < r.id
                          AND (${statusReport} OR q.status = r.status))
                      OR (q.settlement_file_id <> r.settlement_file_id AND q.status = r.status
                          AND q.outcome IN ('matched', 'confirmed'))))`);

  if (!statusReport) {
    await tx.execute(sql`
      UPDATE settlement_records r SET outcome = 'unexplained_credit'
      WHERE ${inFile(p.file)} AND r.outcome = 'matched' AND r.status = 'CRDT'`);
  }
  await openRecordExceptions(tx, p.file);
}

/**
 * Puts the lines the file names into recon_assign, optionally only the records a condition on
 * r picks. Lines set aside are still named by this file: they go in inactive, so that no group
 * status reaches them either.
 */
export async function assignRecords(tx: Db, p: { file: FileScope; where?: SQL }): Promise<void> {
  await tx.execute(sql`
    INSERT INTO recon_assign (line_id, record_id, status, target, reason_code, level, active,
                              cycle_id, channel, line_no, line_status, amount, household_ref)
    SELECT r.payroll_line_id, r.id, r.status, r.target, r.reason_code, 'transaction', r.active,
           l.cycle_id, l.channel, l.line_no, l.status, l.amount, l.href
    FROM (
      SELECT DISTINCT ON (r.payroll_line_id) r.payroll_line_id, r.id, r.status,
             ${TARGET_STATUS} AS target, r.reason_code, r.outcome = 'matched' AS active
      FROM settlement_records r
      WHERE ${inFile(p.file)} AND r.payroll_line_id IS NOT NULL AND ${p.where ?? sql`true`}
      ORDER BY r.payroll_line_id, r.id) r
    CROSS JOIN ${lineOf(sql`r.payroll_line_id`)}`);
}
