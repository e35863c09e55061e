import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/open.js';
import { openRecordExceptions } from './exceptions.js';
import { inFile, type FileScope } from './load-file.js';

/** Line status a reported ISO 20022 status leads to; every other status leaves a line pending. */
export const TARGET_STATUS = sql.raw(`CASE
  WHEN r.status IN ('ACSC', 'ACCC') THEN 'paid'
  WHEN r.status = 'RJCT' THEN 'failed'
  ELSE 'pending' END`);

/**
 * The working set of one file: each line it speaks of, once, with the record that decides it.
 * Lines a transaction record names come first; lines only a payment information or group status
 * covers are added after, so a line's own status always wins.
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
      active boolean NOT NULL
    ) ON COMMIT DROP`);
}

/**
 * Sets aside the records of a file that repeat news already applied, opens an exception for
 * every record that cannot be applied as it stands (unknown reference, repeat, amount that is
 * not the line's), and puts the lines the file names into recon_assign. Records were matched to
 * lines as they were loaded; everything here is set-based and writes only the rare rows.
 */
export async function matchRecords(tx: Db, file: FileScope): Promise<void> {
  // The same line named again, in this file or (with the same status) in an earlier one, is a
  // repeat of news already applied, never a second change.
  await tx.execute(sql`
    UPDATE settlement_records r SET outcome = 'duplicate'
    WHERE ${inFile(file)} AND r.outcome IN ('matched', 'amount_mismatch')
      AND EXISTS (SELECT 1 FROM settlement_records p
                  WHERE p.payroll_line_id = r.payroll_line_id
                    AND ((p.settlement_file_id = r.settlement_file_id AND p.id < r.id)
                      OR (p.settlement_file_id <> r.settlement_file_id AND p.status = r.status)))`);

  await openRecordExceptions(tx, file);

  // Lines set aside are still named by this file: they go in inactive, so that no group status
  // reaches them either.
  await tx.execute(sql`
    INSERT INTO recon_assign (line_id, record_id, status, target, reason_code, level, active)
    SELECT DISTINCT ON (r.payroll_line_id) r.payroll_line_id, r.id, r.status,
           ${TARGET_STATUS}, r.reason_code, 'transaction', r.outcome = 'matched'
    FROM settlement_records r
    WHERE ${inFile(file)} AND r.payroll_line_id IS NOT NULL
    ORDER BY r.payroll_line_id, r.id`);
}
