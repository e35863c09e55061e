import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { SikaError } from '../src/errors.js';

export interface ExceptionListing {
  id: number;
  kind: string;
  state: string;
  reasonCode: string | null;
  amount: string | null;
  /** The line's payment reference, or the record's for one that matched no line. */
  endToEndId: string | null;
  beneficiaryRef: string | null;
  householdRef: string | null;
  detail: string;
  action: string | null;
  resolution: string | null;
  resolvedBy: string | null;
}

/**
 * One page of a cycle's exceptions in id order, after afterId: page on with the last id. With
 * cycleId null, the exceptions that name no cycle: records naming no payroll line, and reports
 * answering no file this database sent.
 */
export async function listExceptions(
  db: Db,
  p: { cycleId: number | null; state?: string; afterId?: number; limit?: number },
): Promise<ExceptionListing[]> {
  if (p.cycleId !== null) {
    const [cycle] = await rows<{ id: number }>(
      db,
      sql`SELECT id FROM cycles WHERE id = ${p.cycleId}`,
    );
    if (!cycle) throw new SikaError('CYCLE_NOT_FOUND', `no cycle ${p.cycleId}`);
  }
  return rows<ExceptionListing>(
    db,
    sql`SELECT e.id::int, e.kind, e.state, e.reason_code AS "reasonCode", e.amount::text,
               coalesce(l.end_to_end_id, r.end_to_end_id) AS "endToEndId",
               l.beneficiary_ref AS "beneficiaryRef", e.household_ref AS "householdRef",
               e.detail, e.action, e.resolution, e.resolved_by AS "resolvedBy"
        FROM exceptions e
        LEFT JOIN payroll_lines l ON l.id = e.payroll_line_id
        LEFT JOIN settlement_records r ON r.id = e.settlement_record_id
        WHERE ${p.cycleId === null ? sql`e.cycle_id IS NULL` : sql`e.cycle_id = ${p.cycleId}`}
          AND e.id > ${p.afterId ?? 0}
          AND (${p.state ?? null}::text IS NULL OR e.state = ${p.state ?? null})
        ORDER BY e.id LIMIT ${p.limit ?? 1000}`,
  );
}
