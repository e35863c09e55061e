import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { KIND_ACTIONS } from './exceptions.js';
import { inFile, type FileScope } from './load-file.js';

/** How far a value date may lie from the day the payment file was sent, by default. */
export const DEFAULT_VALUE_DATE_TOLERANCE_DAYS = 3;

/**
 * Finds the line of each record that has no usable reference (none, or NOTPROVIDED) by the
 * counterparty account, the amount and the value date: a line fits when its account and amount
 * are the record's and a payment file of its cycle and channel was sent within the tolerance of
 * the value date. Exactly one line fitting is a match; several is an ambiguous_match exception
 * and none is chosen; none leaves the record unknown. All set-based: one pass over the lines.
 */
export async function fallbackMatch(
  tx: Db,
  p: { file: FileScope; toleranceDays: number },
): Promise<{ matched: number; ambiguous: number }> {
  // Limitation: the date compared is the send date of any file of the line's cycle and channel;
  // a channel whose files were sent on different days may fit a line to the wrong file's date.
  await tx.execute(sql`
    CREATE TEMP TABLE recon_fallback ON COMMIT DROP AS
    SELECT r.id AS record_id, count(*)::int AS fits, min(l.id) AS line_id,
           CASE WHEN count(DISTINCT l.cycle_id) = 1 THEN min(l.cycle_id) END AS cycle_id
    FROM settlement_records r
    JOIN payroll_lines l ON l.account_number = r.account AND l.amount = r.amount
    WHERE ${inFile(p.file)} AND r.outcome = 'unknown_reference'
      AND (r.end_to_end_id IS NULL OR upper(r.end_to_end_id) = 'NOTPROVIDED')
      AND r.value_date IS NOT NULL AND coalesce(r.currency, 'GHS') = 'GHS'
      AND EXISTS (SELECT 1 FROM submissions s
                  WHERE s.cycle_id = l.cycle_id AND s.channel = l.channel AND s.sent_at IS NOT NULL
                    AND abs(r.value_date - (s.sent_at AT TIME ZONE 'UTC')::date)
                        <= ${p.toleranceDays})
    GROUP BY r.id`);

  await tx.execute(sql`
    UPDATE settlement_records r
    SET payroll_line_id = CASE WHEN f.fits = 1 THEN f.line_id END,
        outcome = CASE WHEN f.fits = 1 THEN 'matched' ELSE 'ambiguous_match' END,
        match_method = CASE WHEN f.fits = 1 THEN 'fallback' END
    FROM recon_fallback f WHERE r.id = f.record_id`);

  await tx.execute(sql`
    INSERT INTO exceptions (cycle_id, settlement_record_id, kind, reason_code, amount, detail,
                            action)
    SELECT f.cycle_id, r.id, 'ambiguous_match', r.reason_code, r.amount,
           'no usable EndToEndId; ' || f.fits || ' payroll lines fit its account, amount and '
           || 'value date within ' || ${p.toleranceDays} || ' days, so none was chosen',
           ${KIND_ACTIONS['ambiguous_match']}
    FROM recon_fallback f JOIN settlement_records r ON r.id = f.record_id
    WHERE f.fits > 1 ORDER BY r.id`);

  const [counts] = await rows<{ matched: number; ambiguous: number }>(
    tx,
    sql`SELECT count(*) FILTER (WHERE fits = 1)::int AS matched,
               count(*) FILTER (WHERE fits > 1)::int AS ambiguous
        FROM recon_fallback`,
  );
  await tx.execute(sql`DROP TABLE recon_fallback`);
  return counts ?? { matched: 0, ambiguous: 0 };
}
