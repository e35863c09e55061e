import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';

/** The fields of a line the seal covers, and those of an exclusion later cycles read. */
const LINE_FIELDS = [
  'line_no',
  'end_to_end_id',
  'recipient_name',
  'channel',
  'account_number',
  'amount',
  'items',
] as const;
const EXCLUSION_FIELDS = ['kind', 'reason_code', 'amount_held', 'held_by_cycle'] as const;

export interface CycleDifference {
  /** A payroll line, or an exclusion (a household left out or held back). */
  record: 'line' | 'exclusion';
  /** missing: stored but not rebuilt; extra: rebuilt but not stored; changed: a field differs. */
  kind: 'missing' | 'extra' | 'changed';
  beneficiaryRef: string;
  field?: (typeof LINE_FIELDS)[number] | (typeof EXCLUSION_FIELDS)[number];
  stored?: string | null;
  rebuilt?: string | null;
}

/** Field-by-field differences between two sets keyed by beneficiary_ref, as SQL. */
function differences(record: string, stored: string, rebuilt: string, fields: readonly string[]) {
  const values = fields.map((f) => `('${f}', s.${f}::text, r.${f}::text)`).join(', ');
  return `SELECT '${record}' AS record,
      coalesce(s.beneficiary_ref, r.beneficiary_ref) AS beneficiary_ref,
      CASE WHEN r.beneficiary_ref IS NULL THEN 'missing'
           WHEN s.beneficiary_ref IS NULL THEN 'extra' ELSE 'changed' END AS kind,
      f.field, f.stored, f.rebuilt
    FROM ${stored} s FULL JOIN ${rebuilt} r ON r.beneficiary_ref = s.beneficiary_ref
    LEFT JOIN LATERAL (VALUES ${values}) AS f(field, stored, rebuilt)
      ON s.beneficiary_ref IS NOT NULL AND r.beneficiary_ref IS NOT NULL
    WHERE s.beneficiary_ref IS NULL OR r.beneficiary_ref IS NULL
      OR f.stored IS DISTINCT FROM f.rebuilt`;
}

/**
 * The stored lines (with their items, in the seal's form) and exclusions of a cycle against
 * replay_lines and replay_exclusions, compared in the database: all differences are counted,
 * the first `max` listed (lines first, by beneficiary).
 */
export async function compareWithStored(
  tx: Db,
  cycleId: number,
  max: number,
): Promise<{ count: number; listed: CycleDifference[] }> {
  const found = await rows<{
    record: CycleDifference['record'];
    kind: CycleDifference['kind'];
    beneficiary_ref: string;
    field: CycleDifference['field'] | null;
    stored: string | null;
    rebuilt: string | null;
    total: number;
  }>(
    tx,
    sql`WITH stored_lines AS (
          SELECT l.line_no, l.beneficiary_ref, l.end_to_end_id, l.recipient_name, l.channel,
            l.account_number, l.amount,
            (SELECT string_agg(i.kind || ':' || i.for_cycle || ':' || i.amount::text
                               || coalesce(':' || rl.end_to_end_id, ''), '|'
                               ORDER BY i.for_cycle, i.kind COLLATE "C",
                                 rl.end_to_end_id COLLATE "C", i.amount)
             FROM public.payroll_line_items i
             LEFT JOIN public.payroll_lines rl ON rl.id = i.replaces_line_id
             WHERE i.payroll_line_id = l.id) AS items
          FROM public.payroll_lines l WHERE l.cycle_id = ${cycleId}
        ),
        stored_exclusions AS (
          SELECT beneficiary_ref, kind, reason_code, amount_held, held_by_cycle
          FROM public.cycle_exclusions WHERE cycle_id = ${cycleId}
        ),
        diffs AS (
          ${sql.raw(differences('line', 'stored_lines', 'replay_lines', LINE_FIELDS))}
          UNION ALL
          ${sql.raw(differences('exclusion', 'stored_exclusions', 'replay_exclusions', EXCLUSION_FIELDS))}
        )
        SELECT record, kind, beneficiary_ref, field, stored, rebuilt,
          count(*) OVER ()::int AS total
        FROM diffs
        ORDER BY record DESC, beneficiary_ref COLLATE "C", field LIMIT ${max}`,
  );
  return {
    count: found[0]?.total ?? 0,
    listed: found.map((d) => ({
      record: d.record,
      kind: d.kind,
      beneficiaryRef: d.beneficiary_ref,
      ...(d.field ? { field: d.field, stored: d.stored, rebuilt: d.rebuilt } : {}),
    })),
  };
}
