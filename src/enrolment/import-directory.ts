import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { singleConnection, type Db } from '../db/open.js';
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
 * Kinds loaded one after the other; the groups of a stage run at once. Members and instruments
 * name households only, and the LIPW files nothing of LEAP, so on PostgreSQL the LIPW chain is
 * loaded beside the LEAP one and instruments beside members: Node and the database each wait on
 * the other less. PGlite has one connection and loads in file order.
 */
export const CHAINS: readonly (readonly (readonly ImportKind[])[])[] = [
  [['households'], ['members', 'instruments']],
  [['subprojects'], ['workers'], ['attendance']],
];

/**
 * Waits for every promise, so that no load is left running behind the caller's back, then
 * gives the values in order or throws the first error.
 */
async function all<T>(started: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(started);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/**
 * Loads the six files of an extract folder in dependency order (households before members and
 * instruments, sites before workers before attendance). All six must be there before any loads.
 * A file that fails stops the files that depend on it, not those loading beside it; the error
 * is thrown once they have finished.
 */
export async function importDirectory(db: Db, p: ImportDirectoryParams): Promise<ImportResult[]> {
  const paths = new Map<ImportKind, string>();
  for (const kind of IMPORT_KINDS) paths.set(kind, await fileOf(p.dir, kind));
  for (const path of paths.values()) await requireFile(path);

  const { dir: _dir, onProgress, ...shared } = p;
  const ezwichPattern = p.ezwichPattern ?? loadConfig().ezwichPattern;
  const results = new Map<ImportKind, ImportResult>();
  const load = async (kind: ImportKind) => {
    results.set(
      kind,
      await importFile(db, {
        ...shared,
        kind,
        path: paths.get(kind)!,
        ezwichPattern,
        onProgress: onProgress && ((rows) => onProgress(kind, rows)),
      }),
    );
  };
  if (singleConnection(db)) {
    for (const kind of IMPORT_KINDS) await load(kind);
  } else {
    await all(
      CHAINS.map(async (chain) => {
        for (const group of chain) await all(group.map(load));
      }),
    );
  }
  return IMPORT_KINDS.map((kind) => results.get(kind)!);
}
