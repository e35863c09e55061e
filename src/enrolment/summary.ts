import type { ImportResult } from './types.js';

/**
 * One line per import for a person to read: rows, new, updated, unchanged, rejected and
 * findings, with how the file was read.
 */
export function formatImportSummary(r: ImportResult): string {
  const read = r.format === 'xlsx' ? 'xlsx' : `csv, ${r.encoding}`;
  const rejects = r.rejectsFile ? `; rejects in ${r.rejectsFile}` : '';
  if (r.alreadyLoaded) {
    // Counts would read as this run's work; the earlier load's are in import_files.
    const when = r.loadedBefore ? ` on ${loadedOn(r.loadedBefore)}` : '';
    return `${r.kind} ${r.fileName} [${read}]: already loaded${when}: nothing changed${rejects}`;
  }
  const inserted = r.accepted - r.updated - r.unchanged;
  const parts = [
    `${r.rowsTotal} ${r.rowsTotal === 1 ? 'row' : 'rows'}`,
    `${r.accepted} accepted (${inserted} new, ${r.updated} updated, ${r.unchanged} unchanged)`,
    `${r.rejected} rejected`,
    `${r.findings} findings`,
  ];
  return `${r.kind} ${r.fileName} [${read}]: ${parts.join(', ')}${rejects}`;
}

/** "2026-12-04 17:20 UTC": the minute is enough to tell one load from another. */
function loadedOn(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
