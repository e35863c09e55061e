import { sql, type SQL } from 'drizzle-orm';
import { sqlState, type Db } from '../db/open.js';
import { findingsInsert, rejectsInsert, type RejectRow, type UpsertCounts } from './batch-sql.js';
import { SHOWN_REJECTS } from './file-claim.js';
import type { KindRules } from './rules/rule.js';
import { sourceRowBatches, type SourceInfo } from './source.js';
import type { Finding, RejectedReason, RuleEnv } from './types.js';
import { RowCheck } from './validate.js';

interface PreparedBatch<Value> {
  upsert: ((db: Db) => Promise<UpsertCounts>) | null;
  /** Accepted rows in the upsert. */
  values: number;
  /** The plain insert of accepted rows whose key had no record, and those rows. */
  insert: SQL | null;
  fresh: Value[];
  /** The rows of the upsert, for writing the batch again. */
  upserted: Value[];
  rejects: SQL | null;
  findings: SQL | null;
  /** Rows read so far, for progress. */
  rows: number;
}

/** Rows per INSERT statement and per transaction. */
const BATCH = 10_000;
/**
 * Batches written at once, each in its own transaction on its own connection, while the next
 * is read. Batches of one file never hold the same key (a key seen twice is rejected), so they
 * neither wait for nor undo each other. PGlite runs them one after the other.
 */
const WRITERS = 2;

export interface LoadCounts {
  rows: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  shown: RejectedReason[];
}

/**
 * Streams the rows of a file through the checks and writes them in batches: accepted rows by
 * the kind's upsert, rejected ones to the quarantine, each batch in its own short transaction.
 * Up to WRITERS batches are written while the next is read, so reading and writing overlap;
 * never more than WRITERS + 1 batches are held.
 */
export async function loadRows<Ctx, Value>(
  db: Db,
  p: {
    fileId: number;
    source: SourceInfo;
    rules: KindRules<Ctx, Value>;
    ctx: Ctx;
    env: RuleEnv;
    onProgress?: (rows: number) => void;
  },
): Promise<LoadCounts> {
  const counts: LoadCounts = {
    rows: 0,
    accepted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    shown: [],
  };
  let accepted: Value[] = [];
  let fresh: Value[] = [];
  let rejected: RejectRow[] = [];
  let findings: Finding[] = [];
  /** Writes still running, oldest first. */
  const writing: Promise<void>[] = [];
  let reported = 0;

  const transaction = (batch: PreparedBatch<Value>) =>
    db.transaction(async (tx) => {
      // A batch is not waited on to reach the disk: a crash can lose only batches of a load
      // that has not finished, which is then loaded again; the load's last transaction, which
      // marks it finished, waits for them all.
      await tx.execute(sql`SET LOCAL synchronous_commit = off`);
      let inserted = 0;
      let updated = 0;
      if (batch.insert) {
        await tx.execute(batch.insert);
        inserted += batch.fresh.length;
      }
      if (batch.upsert) {
        const saved = await batch.upsert(tx);
        inserted += saved.inserted;
        updated += saved.updated;
      }
      if (batch.rejects) await tx.execute(batch.rejects);
      if (batch.findings) await tx.execute(batch.findings);
      return { updated, unchanged: batch.values + batch.fresh.length - inserted - updated };
    });
  const write = async (batch: PreparedBatch<Value>) => {
    let saved: { updated: number; unchanged: number };
    try {
      saved = await transaction(batch);
    } catch (err) {
      if (!batch.insert || sqlState(err) !== '23505') throw err;
      // A key new when the file began was stored since by another load: all by the upsert.
      const values = [...batch.fresh, ...batch.upserted];
      saved = await transaction({
        ...batch,
        insert: null,
        fresh: [],
        upsert: p.rules.write(values, p.fileId),
        values: values.length,
      });
    }
    counts.updated += saved.updated;
    counts.unchanged += saved.unchanged;
    // Batches may end out of order; progress only moves forward.
    if (batch.rows > reported) {
      reported = batch.rows;
      p.onProgress?.(batch.rows);
    }
  };
  const flush = async () => {
    // Made before waiting for the batch before to be written, not while its own transaction
    // waits for them.
    const batch: PreparedBatch<Value> = {
      upsert: accepted.length > 0 ? p.rules.write(accepted, p.fileId) : null,
      values: accepted.length,
      upserted: accepted,
      insert: fresh.length > 0 && p.rules.insert ? p.rules.insert(fresh, p.fileId) : null,
      fresh,
      rejects: rejectsInsert(p.fileId, rejected),
      findings: findingsInsert(p.fileId, findings),
      rows: counts.rows,
    };
    accepted = [];
    fresh = [];
    rejected = [];
    findings = [];
    if (writing.length >= WRITERS) await writing.shift();
    const started = write(batch);
    // Seen when it is waited for; until then not an unhandled rejection.
    started.catch(() => undefined);
    writing.push(started);
  };

  const { header } = p.source;
  // A name given twice reads its last column, as a row keyed by name would.
  const columns = new Map<string, number>();
  header.forEach((name, i) => columns.set(name, i));
  const maxLength = p.env.maxFieldLength;
  try {
    for await (const batch of sourceRowBatches(p.source)) {
      for (const { line, values } of batch) {
        counts.rows++;
        const c = new RowCheck(values, columns, p.env);
        if (values.length !== header.length) {
          c.add(null, 'WRONG_COLUMN_COUNT', `${values.length} values for ${header.length} columns`);
        }
        let tooLong = false;
        for (const v of values) if (v.length > maxLength) tooLong = true;
        let value: Value | null = null;
        if (!tooLong) value = p.rules.check(c, p.ctx);
        else {
          // The row's other checks are skipped: their messages would echo the huge value.
          values.forEach((v, i) => {
            if (v.length > maxLength) {
              c.add(
                columnName(header, i),
                'FIELD_TOO_LONG',
                `${v.length} characters, at most ${maxLength}`,
              );
            }
          });
        }
        if (c.ok) {
          counts.accepted++;
          if (p.rules.isNew?.(value as Value, p.ctx)) fresh.push(value as Value);
          else accepted.push(value as Value);
          findings.push(...c.findings);
        } else {
          counts.rejected++;
          const raw = rawRow(header, values, maxLength);
          for (const problem of c.problems) {
            rejected.push({ line, ...problem, raw });
            if (counts.shown.length < SHOWN_REJECTS) counts.shown.push({ line, ...problem });
          }
        }
        if (accepted.length + fresh.length >= BATCH || rejected.length >= BATCH) await flush();
      }
    }
    await flush();
  } finally {
    // Never leave a write running behind the caller's back (PGlite has one connection).
    await Promise.allSettled(writing);
  }
  for (const w of writing) await w;
  return counts;
}

function columnName(header: string[], i: number): string {
  return header[i] || `column_${i + 1}`;
}

/**
 * The row as read, for the quarantine; values beyond the header are kept by position. A value
 * over the length limit is cut there: the rejects file, read from the file, keeps it whole.
 */
function rawRow(header: string[], values: string[], maxLength: number): Record<string, string> {
  const raw: Record<string, string> = {};
  values.forEach(
    (v, i) => (raw[columnName(header, i)] = v.length > maxLength ? `${v.slice(0, maxLength)}…` : v),
  );
  return raw;
}
