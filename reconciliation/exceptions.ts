import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../src/db/open.js';
import { REASON_CODES } from '../src/reference/reason-codes.js';
import { inFile, type FileScope } from './load-file.js';

export const EXCEPTION_KINDS = [
  'failed_payment',
  'returned_payment',
  'unknown_reference',
  'ambiguous_match',
  'duplicate_record',
  'amount_mismatch',
  'conflicting_status',
  'unconfirmed_past_time',
  'household_review',
  'unexplained_credit',
  'unreadable_file',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** The recommended action of the kinds whose action does not come from a reason code. */
export const KIND_ACTIONS: Record<string, string> = {
  unknown_reference: 'Find the payment this record speaks of; correct or report it to the bank',
  ambiguous_match: 'Choose the line by hand from those that fit; nothing was moved',
  duplicate_record: 'None if it repeats news already applied; make sure nothing was paid twice',
  amount_mismatch: 'Check the amount with the bank; the line was not moved',
  conflicting_status: 'Ask the bank which outcome is final; the line was kept as it was',
  unconfirmed_past_time:
    'Ask GhIPSS for the status of the payment; a later report still settles it',
  unexplained_credit:
    'Ask the bank what the credit is; if the payment came back, have it reported as a return',
  unreadable_file:
    'Ask the sender for a readable copy and load it (or, if it is no response, file it ' +
    'elsewhere); this one is kept as received, unapplied',
};

/** SQL: the action of a kind from KIND_ACTIONS. */
export function kindAction(kind: SQL): SQL {
  const known = sql.join(
    Object.entries(KIND_ACTIONS).map(([k, a]) => sql`WHEN ${k} THEN ${a}`),
    sql` `,
  );
  return sql`CASE ${kind} ${known} END`;
}

/** SQL giving the recommended action of a reason code from the reference table. */
export function reasonAction(code: SQL): SQL {
  const known = sql.join(
    REASON_CODES.map((c) => sql`WHEN ${c.code} THEN ${c.action}`),
    sql` `,
  );
  return sql`CASE WHEN ${code} IS NULL THEN 'Investigate'
    ELSE CASE ${code} ${known} ELSE 'Investigate' END END`;
}

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
 * EndToEndId that matches no line, a record seen before, a status contradicting one the same file
 * gave before, an amount that is not the line's, a camt credit naming a line that is no return.
 */
export async function openRecordExceptions(tx: Db, file: FileScope): Promise<void> {
  await tx.execute(sql`
    INSERT INTO exceptions (cycle_id, payroll_line_id, settlement_record_id, kind, reason_code,
                            amount, detail, action)
    SELECT cycle_id, line_id, record_id, kind, reason_code, amount, detail, ${kindAction(sql`kind`)}
    FROM (
    SELECT l.cycle_id, l.id AS line_id, r.id AS record_id,
           CASE r.outcome WHEN 'unknown_reference' THEN 'unknown_reference'
                          WHEN 'duplicate' THEN 'duplicate_record'
                          WHEN 'unexplained_credit' THEN 'unexplained_credit'
                          WHEN 'conflict' THEN 'conflicting_status'
                          ELSE 'amount_mismatch' END AS kind,
           r.reason_code,
           coalesce(r.amount, l.amount) AS amount,
           CASE r.outcome
             WHEN 'unknown_reference' THEN
               CASE WHEN r.account IS NOT NULL
                         AND (r.end_to_end_id IS NULL OR upper(r.end_to_end_id) = 'NOTPROVIDED')
                    THEN 'no usable EndToEndId, and no payroll line fits its account, amount and value date'
                    ELSE 'EndToEndId ' || coalesce(r.end_to_end_id, '(none given)')
                         || ' matches no payroll line' END
             WHEN 'duplicate' THEN
               'status ' || r.status || ' for this line was already reported'
               || CASE WHEN EXISTS (SELECT 1 FROM settlement_records p
                                     WHERE p.settlement_file_id = r.settlement_file_id
                                       AND p.payroll_line_id = r.payroll_line_id AND p.id < r.id)
                       THEN ' earlier in the same file' ELSE ' by an earlier file' END
             WHEN 'conflict' THEN
               'this file reports this line twice: '
               || (SELECT q.status FROM settlement_records q
                   WHERE q.settlement_file_id = r.settlement_file_id
                     AND q.payroll_line_id = r.payroll_line_id AND q.id < r.id
                   ORDER BY q.id LIMIT 1)
               || ', then ' || r.status || coalesce(' (' || r.reason_code || ')', '')
               || '; the later one was not applied'
             WHEN 'unexplained_credit' THEN
               'a credit of ' || coalesce(r.amount::text, '?') || ' names this line but is no '
               || 'return (no RRTN code, no reversal indicator); the line was kept as it is'
             ELSE CASE
               WHEN r.currency IS NOT NULL AND r.currency <> 'GHS' THEN
                 'reported amount ' || coalesce(r.amount::text, '?') || ' ' || r.currency
                 || ' is not in cedis (GHS); the line amount is ' || l.amount::text
                 || ' GHS; the line was not moved'
               WHEN r.amount = l.amount THEN
                 'reported amount is finer than a pesewa (' || r.amount::text || ' once rounded), '
                 || 'so it is not the line amount ' || l.amount::text || '; the line was not moved'
               ELSE 'reported amount ' || coalesce(r.amount::text, '?')
                    || ' differs from the line amount ' || l.amount::text
                    || '; the line was not moved' END
           END AS detail
    FROM settlement_records r
    LEFT JOIN payroll_lines l ON l.id = r.payroll_line_id
    WHERE ${inFile(file)}
      AND r.outcome IN ('unknown_reference', 'duplicate', 'amount_mismatch', 'unexplained_credit',
                        'conflict')
    ) x ORDER BY record_id`);
}

/** One exception about a whole group or payment information status that could not be applied. */
export async function openStatusException(
  tx: Db,
  p: { recordId: number; cycleId: number | null; detail: string },
): Promise<void> {
  await tx.execute(sql`
    INSERT INTO exceptions (cycle_id, settlement_record_id, kind, reason_code, detail, action)
    SELECT ${p.cycleId}, r.id, 'unknown_reference', r.reason_code, ${p.detail},
           ${KIND_ACTIONS['unknown_reference']}
    FROM settlement_records r WHERE r.id = ${p.recordId}`);
}
