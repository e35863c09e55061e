import type { Db } from '../db/open.js';
import { insertFindings, insertRejects, type RejectRow } from './batch-sql.js';
import { SHOWN_REJECTS } from './file-claim.js';
import type { KindRules } from './rules/rule.js';
import { sourceRows, type SourceInfo } from './source.js';
import type { Finding, RejectedReason, RuleEnv } from './types.js';
import { RowCheck } from './validate.js';

/** Rows per INSERT statement and per transaction. */
const BATCH = 5_000;

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
 * One batch is written while the next is read, so reading and writing overlap; never more than
 * two batches are held.
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
  let rejected: RejectRow[] = [];
  let findings: Finding[] = [];
  let writing: Promise<void> = Promise.resolve();

  const write = async (values: Value[], quarantined: RejectRow[], noted: Finding[], n: number) => {
    await db.transaction(async (tx) => {
      if (values.length > 0) {
        const saved = await p.rules.write(tx, values, p.fileId);
        counts.updated += saved.updated;
        counts.unchanged += values.length - saved.inserted - saved.updated;
      }
      await insertRejects(tx, p.fileId, quarantined);
      await insertFindings(tx, p.fileId, noted);
    });
    p.onProgress?.(n);
  };
  const flush = async () => {
    await writing;
    writing = write(accepted, rejected, findings, counts.rows);
    // Seen at the next flush or at the end; until then not an unhandled rejection.
    writing.catch(() => undefined);
    accepted = [];
    rejected = [];
    findings = [];
  };

  const { header } = p.source;
  const maxLength = p.env.maxFieldLength;
  try {
    for await (const { line, values } of sourceRows(p.source)) {
      counts.rows++;
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = values[i] ?? '';
      const c = new RowCheck(row, p.env);
      if (values.length !== header.length) {
        c.add(null, 'WRONG_COLUMN_COUNT', `${values.length} values for ${header.length} columns`);
      }
      const tooLong = values.findIndex((v) => v.length > maxLength);
      let value: Value | null = null;
      if (tooLong === -1) value = p.rules.check(c, p.ctx);
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
        accepted.push(value as Value);
        findings.push(...c.findings);
      } else {
        counts.rejected++;
        const raw = rawRow(header, values, maxLength);
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
