import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { SikaError } from '../errors.js';

export interface SourceRow {
  /** Physical line where the record starts (CSV), or the sheet row number (XLSX). */
  line: number;
  values: string[];
}

export const isBlank = (values: string[]) => values.every((v) => v.trim() === '');

export async function requireFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new SikaError('FILE_NOT_FOUND', `no such file: ${path}`);
}

export function badFile(path: string, why: string): SikaError {
  return new SikaError('BAD_INPUT_FILE', `${basename(path)}: ${why}`, { path });
}
