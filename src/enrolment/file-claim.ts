import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { importFiles, importFindings, importRejects } from '../db/schema.js';
import type { ImportKind, ImportResult } from './types.js';

export const SHOWN_REJECTS = 100;

type Stored = Pick<
  ImportResult,
  | 'fileId'
  | 'rowsTotal'
  | 'accepted'
  | 'updated'
  | 'unchanged'
  | 'rejected'
  | 'rejects'
  | 'loadedBefore'
>;

export type Claim = { done: true; result: Stored } | { done: false; fileId: number };

/**
 * The import_files row for this kind and content. A file that finished loading before is done.
 * A row whose counts were never written is a load that stopped part way: its quarantine and
 * findings are cleared and the file is loaded again under the same id (the upserts make that
 * safe); every finished load has at least one row, so a zero rows_total only means an
 * unfinished one.
 */
export async function claimFile(
  db: Db,
  f: {
    kind: ImportKind;
    fileName: string;
    sha256: string;
    loadedBy: string;
    format: 'csv' | 'xlsx';
    encoding: string | null;
  },
): Promise<Claim> {
  const [created] = await db
    .insert(importFiles)
    .values(f)
    .onConflictDoNothing()
    .returning({ id: importFiles.id });
  if (created) return { done: false, fileId: created.id };

  const [existing] = await db
    .select()
    .from(importFiles)
    .where(and(eq(importFiles.kind, f.kind), eq(importFiles.sha256, f.sha256)));
  if (!existing) throw new Error('import_files row vanished while claiming it');
  if (existing.rowsTotal === 0) {
    // Limitation: two processes resuming the same unfinished load at once would both reload it.
    await db.delete(importRejects).where(eq(importRejects.importFileId, existing.id));
    await db.delete(importFindings).where(eq(importFindings.importFileId, existing.id));
    return { done: false, fileId: existing.id };
  }
  const shown = await db
    .select()
    .from(importRejects)
    .where(eq(importRejects.importFileId, existing.id))
    .orderBy(asc(importRejects.lineNo), asc(importRejects.id))
    .limit(SHOWN_REJECTS);
  return {
    done: true,
    result: {
      fileId: existing.id,
      loadedBefore: existing.loadedAt,
      rowsTotal: existing.rowsTotal,
      accepted: existing.accepted,
      updated: existing.updated,
      unchanged: existing.unchanged,
      rejected: existing.rejected,
      rejects: shown.map((r) => ({
        line: r.lineNo,
        field: r.field,
        reason: r.reasonCode,
        message: r.message,
      })),
    },
  };
}
