import type { ImportResult } from './types.js';

/**
 * One line per import for a person to read: rows, new, updated, unchanged, rejected and
 * findings, with how the file was read.
 */
export function formatImportSummary(r: ImportResult): string {
  const inserted = r.accepted - r.updated - r.unchanged;
  const read = r.format === 'xlsx' ? 'xlsx' : `csv, ${r.encoding}`;
  const parts = [
    `${r.rowsTotal} ${r.rowsTotal === 1 ? 'row' : 'rows'}`,
    `${r.accepted} accepted (${inserted} new, ${r.updated} updated, ${r.unchanged} unchanged)`,
    `${r.rejected} rejected`,
    `${r.findings} findings`,
  ];
  const note = r.alreadyLoaded ? ' (already loaded: nothing changed)' : '';
  const rejects = r.rejectsFile ? `; rejects in ${r.rejectsFile}` : '';
  return `${r.kind} ${r.fileName} [${read}]: ${parts.join(', ')}${note}${rejects}`;
}
