import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../src/db/open.js';
import { REASON_CODES } from '../src/reference/reason-codes.js';
import { inFile, type FileScope } from './load-file.js';

export const EXCEPTION_KINDS = [
  'failed_payment',
  'unknown_reference',
  'duplicate_record',
  'amount_mismatch',
  'conflicting_status',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/**
 * SQL giving the meaning of a reason code from the reference table, as reason-codes.ts words it;
 * never the bank's free text, which may carry personal data.
 */
export function reasonMeaning(code: SQL): SQL {
  const known = sql.join(
    REASON_CODES.map((c) => sql`WHEN ${c.code} THEN ${c.meaning}`),
    sql` `,
  );
  return sql`CASE WHEN ${code} IS NULL THEN 'No reason given'
    ELSE CASE ${code} ${known}
      ELSE 'Reason code ' || ${code} || ' (not in the reference table)' END END`;
}

/**
 * Opens an exception for every record of the file that could not be applied as it stood: an
 * EndToEndId that matches no line, a record seen before, an amount that is not the line's.
 */
export async function openRecordExceptions(tx: Db, file: FileScope): Promise<void> {
  await tx.execute(sql`
    INSERT INTO exceptions (cycle_id, payroll_line_id, settlement_record_id, kind, reason_code,
                            amount, detail)
    SELECT l.cycle_id, l.id, r.id,
           CASE r.outcome WHEN 'unknown_reference' THEN 'unknown_reference'
                          WHEN 'duplicate' THEN 'duplicate_record'
                          ELSE 'amount_mismatch' END,
           r.reason_code,
           coalesce(r.amount, l.amount),
           CASE r.outcome
             WHEN 'unknown_reference' THEN
               'EndToEndId ' || coalesce(r.end_to_end_id, '(none given)') || ' matches no payroll line'
             WHEN 'duplicate' THEN
               'status ' || r.status || ' for this line was already reported'
               || CASE WHEN EXISTS (SELECT 1 FROM settlement_records p
                                     WHERE p.settlement_file_id = r.settlement_file_id
                                       AND p.payroll_line_id = r.payroll_line_id AND p.id < r.id)
                       THEN ' earlier in the same file' ELSE ' by an earlier file' END
             ELSE 'reported amount ' || coalesce(r.amount::text, '?')
                  || ' (or its currency) differs from the line amount ' || l.amount::text
                  || '; the line was not moved'
           END
    FROM settlement_records r
    LEFT JOIN payroll_lines l ON l.id = r.payroll_line_id
    WHERE ${inFile(file)}
      AND r.outcome IN ('unknown_reference', 'duplicate', 'amount_mismatch')
    ORDER BY r.id`);
}

/** One exception about a whole group or payment information status that could not be applied. */
export async function openStatusException(
  tx: Db,
  p: { recordId: number; cycleId: number | null; detail: string },
): Promise<void> {
  await tx.execute(sql`
    INSERT INTO exceptions (cycle_id, settlement_record_id, kind, reason_code, detail)
    SELECT ${p.cycleId}, r.id, 'unknown_reference', r.reason_code, ${p.detail}
    FROM settlement_records r WHERE r.id = ${p.recordId}`);
}
