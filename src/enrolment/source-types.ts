import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { SikaError } from '../errors.js';

export interface SourceRow {
  /** Physical line where the record starts (CSV), or the sheet row number (XLSX). */
  line: number;
  values: string[];
}

export const isBlank = (values: string[]) => values.every((v) => v.trim() === '');

/** Refuses a path that is not a readable file, saying what stands there instead. */
export async function requireFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info?.isFile()) return;
  if (info?.isDirectory()) {
    throw new SikaError(
      'FILE_NOT_FOUND',
      `${path} is a folder, not a file: name a CSV or XLSX file in it, or load the whole ` +
        `folder with --dir ${path}`,
      { path },
    );
  }
  const folder = dirname(path);
  if (!(await stat(folder).catch(() => null))?.isDirectory()) {
    throw new SikaError('FILE_NOT_FOUND', `folder ${folder} does not exist (for ${path})`, {
      path,
    });
  }
  throw new SikaError('FILE_NOT_FOUND', `no such file: ${path}`, { path });
}

export function badFile(path: string, why: string): SikaError {
  return new SikaError('BAD_INPUT_FILE', `${basename(path)}: ${why}`, { path });
}
