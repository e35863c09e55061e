import { join } from 'node:path';
import { loadConfig } from '../config.js';
import type { Db } from '../db/open.js';
import { FILE_NAMES } from '../sample/file-layout.js';
import { requireFile } from './csv-source.js';
import { importFile } from './import-file.js';
import { IMPORT_KINDS, type ImportKind, type ImportResult } from './types.js';

export interface ImportDirectoryParams {
  dir: string;
  loadedBy: string;
  onProgress?: (kind: ImportKind, rows: number) => void;
  ezwichPattern?: string;
  asOf?: string;
}

/**
 * Loads the six files of an extract folder in dependency order (households before members and
 * instruments, sites before workers before attendance). All six must be there before any loads.
 */
export async function importDirectory(db: Db, p: ImportDirectoryParams): Promise<ImportResult[]> {
  const paths = IMPORT_KINDS.map((kind) => ({ kind, path: join(p.dir, FILE_NAMES[kind]) }));
  for (const { path } of paths) await requireFile(path);

  const ezwichPattern = p.ezwichPattern ?? loadConfig().ezwichPattern;
  const results: ImportResult[] = [];
  for (const { kind, path } of paths) {
    results.push(
      await importFile(db, {
        kind,
        path,
        loadedBy: p.loadedBy,
        ezwichPattern,
        asOf: p.asOf,
        onProgress: p.onProgress && ((rows) => p.onProgress!(kind, rows)),
      }),
    );
  }
  return results;
}
