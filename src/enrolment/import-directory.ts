import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import type { Db } from '../db/open.js';
import { FILE_NAMES } from '../sample/file-layout.js';
import { importFile, type ImportFileParams } from './import-file.js';
import { requireFile } from './source.js';
import { IMPORT_KINDS, type ImportKind, type ImportResult } from './types.js';

export interface ImportDirectoryParams extends Omit<
  ImportFileParams,
  'kind' | 'path' | 'onProgress'
> {
  dir: string;
  onProgress?: (kind: ImportKind, rows: number) => void;
}

/** The kind's file in a folder: NAME.csv, or else NAME.xlsx when only that one is there. */
async function fileOf(dir: string, kind: ImportKind): Promise<string> {
  const csv = join(dir, FILE_NAMES[kind]);
  const xlsx = csv.replace(/\.csv$/, '.xlsx');
  const isFile = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;
  return !(await isFile(csv)) && (await isFile(xlsx)) ? xlsx : csv;
}

/**
 * Loads the six files of an extract folder in dependency order (households before members and
 * instruments, sites before workers before attendance). All six must be there before any loads.
 */
export async function importDirectory(db: Db, p: ImportDirectoryParams): Promise<ImportResult[]> {
  const paths: { kind: ImportKind; path: string }[] = [];
  for (const kind of IMPORT_KINDS) paths.push({ kind, path: await fileOf(p.dir, kind) });
  for (const { path } of paths) await requireFile(path);

  const { dir: _dir, onProgress, ...shared } = p;
  const ezwichPattern = p.ezwichPattern ?? loadConfig().ezwichPattern;
  const results: ImportResult[] = [];
  for (const { kind, path } of paths) {
    results.push(
      await importFile(db, {
        ...shared,
        kind,
        path,
        ezwichPattern,
        onProgress: onProgress && ((rows) => onProgress(kind, rows)),
      }),
    );
  }
  return results;
}
