import type { Db } from '../db/open.js';
import { insertRejects, type RejectRow } from './batch-sql.js';
import { csvRows } from './csv-source.js';
import { SHOWN_REJECTS } from './file-claim.js';
import type { KindRules } from './rules/rule.js';
import type { RejectedReason, RuleEnv } from './types.js';
import { RowCheck } from './validate.js';

/** Rows per INSERT statement and per transaction. */
const BATCH = 5_000;

export interface LoadCounts {
  rows: number;
  accepted: number;
  rejected: number;
  shown: RejectedReason[];
}

/**
 * Streams the rows of a file through the checks and writes them in batches: accepted rows by
 * the kind's upsert, rejected ones to the quarantine, each batch in its own short transaction.
 * One batch is written while the next is read, so reading and writing overlap; never more than
 * two batches are held.
 */
export async function loadRows<Ctx, Value>(
  db: Db,
  p: {
    fileId: number;
    path: string;
    sha256: string;
    header: string[];
    rules: KindRules<Ctx, Value>;
    ctx: Ctx;
    env: RuleEnv;
    onProgress?: (rows: number) => void;
  },
): Promise<LoadCounts> {
  const counts: LoadCounts = { rows: 0, accepted: 0, rejected: 0, shown: [] };
  let accepted: Value[] = [];
  let rejected: RejectRow[] = [];
  let writing: Promise<void> = Promise.resolve();

  const write = async (values: Value[], quarantined: RejectRow[], rowsSoFar: number) => {
    await db.transaction(async (tx) => {
      if (values.length > 0) await p.rules.write(tx, values, p.fileId);
      await insertRejects(tx, p.fileId, quarantined);
    });
    p.onProgress?.(rowsSoFar);
  };
  const flush = async () => {
    await writing;
    writing = write(accepted, rejected, counts.rows);
    // Seen at the next flush or at the end; until then not an unhandled rejection.
    writing.catch(() => undefined);
    accepted = [];
    rejected = [];
  };

  const { header } = p;
  try {
    for await (const { line, values } of csvRows(p.path, p.sha256)) {
      counts.rows++;
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = values[i] ?? '';
      const c = new RowCheck(row, p.env);
      if (values.length !== header.length) {
        c.add(null, 'WRONG_COLUMN_COUNT', `${values.length} values for ${header.length} columns`);
      }
      const value = p.rules.check(c, p.ctx);
      if (c.ok) {
        counts.accepted++;
        accepted.push(value);
      } else {
        counts.rejected++;
        const raw = rawRow(header, values);
        for (const problem of c.problems) {
          rejected.push({ line, ...problem, raw });
          if (counts.shown.length < SHOWN_REJECTS) counts.shown.push({ line, ...problem });
        }
      }
      if (accepted.length >= BATCH || rejected.length >= BATCH) await flush();
    }
    await flush();
  } finally {
    // Never leave a write running behind the caller's back (PGlite has one connection).
    await writing.catch(() => undefined);
  }
  await writing;
  return counts;
}

/** The row as read, for the quarantine; values beyond the header are kept by position. */
function rawRow(header: string[], values: string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  values.forEach((v, i) => (raw[header[i] || `column_${i + 1}`] = v));
  return raw;
}
