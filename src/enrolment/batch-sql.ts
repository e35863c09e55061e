import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import type { Finding, RejectedReason } from './types.js';

/**
 * A batch of rows as one jsonb parameter, unpacked in SQL by jsonb_to_recordset: a batch of any
 * size is a single bind parameter, far from PostgreSQL's limit of 65,535, and the statement text
 * stays the same for every batch.
 */
export function recordset(rowsOfBatch: readonly object[], columns: string): SQL {
  return sql`jsonb_to_recordset(${JSON.stringify(rowsOfBatch)}::jsonb) AS r(${sql.raw(columns)})`;
}

/** Rows of a batch that created a record, and rows that changed one. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/**
 * Runs an INSERT ... ON CONFLICT DO UPDATE ... WHERE (changed) RETURNING (xmax = 0) AS inserted
 * and counts its rows: a new row has no xmax, an updated one has; a row equal to the stored one
 * is not updated, so not returned.
 */
export async function upsertCounted(db: Db, upsert: SQL): Promise<UpsertCounts> {
  const [c] = await rows<UpsertCounts>(
    db,
    sql`WITH saved AS (${upsert})
        SELECT (count(*) FILTER (WHERE inserted))::int AS inserted,
               (count(*) FILTER (WHERE NOT inserted))::int AS updated
        FROM saved`,
  );
  return c!;
}

export interface RejectRow extends RejectedReason {
  raw: Record<string, string>;
}

/** Quarantines the reasons of rejected rows: one import_rejects row per reason. */
export async function insertRejects(db: Db, fileId: number, rejects: RejectRow[]): Promise<void> {
  if (rejects.length === 0) return;
  const batch = rejects.map((r) => ({
    line_no: r.line,
    field: r.field,
    reason_code: r.reason,
    message: r.message,
    raw: r.raw,
  }));
  await db.execute(sql`
    INSERT INTO import_rejects (import_file_id, line_no, field, reason_code, message, raw)
    SELECT ${fileId}, r.line_no, r.field, r.reason_code, r.message, r.raw
    FROM ${recordset(batch, 'line_no int, field text, reason_code text, message text, raw jsonb')}`);
}

/** Records findings of accepted rows. */
export async function insertFindings(db: Db, fileId: number, findings: Finding[]): Promise<void> {
  if (findings.length === 0) return;
  await db.execute(sql`
    INSERT INTO import_findings (import_file_id, kind, refs, detail)
    SELECT ${fileId}, r.kind, ARRAY(SELECT jsonb_array_elements_text(r.refs)), r.detail
    FROM ${recordset(findings, 'kind text, refs jsonb, detail text')}`);
}
