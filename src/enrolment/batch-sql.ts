import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import type { Finding, RejectedReason } from './types.js';

type ColumnType = 'text' | 'int' | 'date' | 'boolean' | 'jsonb';
const COLUMN_TYPES: readonly string[] = ['text', 'int', 'date', 'boolean', 'jsonb'];

/** "a text, b int" as [name, type] pairs; a type outside the few used here is a mistake. */
function parseColumns(columns: string): [string, ColumnType][] {
  return columns.split(',').map((c) => {
    const [name, type, extra] = c.trim().split(/\s+/);
    if (!name || !type || extra !== undefined || !COLUMN_TYPES.includes(type)) {
      throw new Error(`bad batch column "${c.trim()}"`);
    }
    return [name, type as ColumnType];
  });
}

/** One column of a batch as a PostgreSQL array literal: text elements quoted, nulls as NULL. */
function arrayLiteral(batch: readonly object[], name: string, type: ColumnType): string {
  let out = '{';
  for (let i = 0; i < batch.length; i++) {
    if (i > 0) out += ',';
    const v = (batch[i] as Record<string, unknown>)[name];
    if (v === null || v === undefined) out += 'NULL';
    else if (type === 'int') out += String(v);
    else if (type === 'boolean') out += v ? 't' : 'f';
    else if (type === 'date') out += v as string;
    else {
      const s = type === 'jsonb' ? JSON.stringify(v) : (v as string);
      out += s.includes('"') || s.includes('\\') ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
    }
  }
  return `${out}}`;
}

/**
 * A batch of rows as one array parameter per column, unpacked in SQL by unnest: arrays are
 * cheaper to read for PostgreSQL than JSON (no per-row object to build), a batch of any size is
 * a few bind parameters, far from PostgreSQL's limit of 65,535, and the statement text stays
 * the same for every batch. Each parameter is sent as text and cast, so that PGlite and
 * node-postgres read it the same way.
 */
export function recordset(rowsOfBatch: readonly object[], columns: string): SQL {
  const cols = parseColumns(columns);
  const arrays = cols.map(
    ([name, type]) => sql`${arrayLiteral(rowsOfBatch, name, type)}::text::${sql.raw(type)}[]`,
  );
  return sql`unnest(${sql.join(arrays, sql`, `)}) AS r(${sql.raw(cols.map(([n]) => n).join(', '))})`;
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
export function countedUpsert(upsert: SQL): (db: Db) => Promise<UpsertCounts> {
  const counted = sql`WITH saved AS (${upsert})
        SELECT (count(*) FILTER (WHERE inserted))::int AS inserted,
               (count(*) FILTER (WHERE NOT inserted))::int AS updated
        FROM saved`;
  return async (db) => (await rows<UpsertCounts>(db, counted))[0]!;
}

export interface RejectRow extends RejectedReason {
  raw: Record<string, string>;
}

/** The insert that quarantines the reasons of rejected rows (one row each), or null for none. */
export function rejectsInsert(fileId: number, rejects: RejectRow[]): SQL | null {
  if (rejects.length === 0) return null;
  const batch = rejects.map((r) => ({
    line_no: r.line,
    field: r.field,
    reason_code: r.reason,
    message: r.message,
    raw: r.raw,
  }));
  return sql`
    INSERT INTO import_rejects (import_file_id, line_no, field, reason_code, message, raw)
    SELECT ${fileId}, r.line_no, r.field, r.reason_code, r.message, r.raw
    FROM ${recordset(batch, 'line_no int, field text, reason_code text, message text, raw jsonb')}`;
}

/** The insert that records findings of accepted rows, or null for none. */
export function findingsInsert(fileId: number, findings: Finding[]): SQL | null {
  if (findings.length === 0) return null;
  return sql`
    INSERT INTO import_findings (import_file_id, kind, refs, detail)
    SELECT ${fileId}, r.kind, ARRAY(SELECT jsonb_array_elements_text(r.refs)), r.detail
    FROM ${recordset(findings, 'kind text, refs jsonb, detail text')}`;
}
