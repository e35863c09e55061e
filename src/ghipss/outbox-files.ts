import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SikaError } from '../errors.js';
import { makeDir } from '../make-dir.js';
import { syncFile } from '../sync-file.js';

/**
 * A file system failure in the outbox as the refusal the caller sees; anything else (a database
 * error, a refused line) is returned unchanged.
 */
export function outboxError(outbox: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof SikaError || typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return err;
  return new SikaError('PAYMENT_FILE_INVALID', `outbox ${outbox} cannot be written (${code})`, {
    outbox,
    code,
  });
}

/** Creates the outbox if needed and proves it can be written, before anything is recorded. */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await makeDir(dir);
    await access(dir, constants.W_OK);
    const probe = join(dir, `.probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    throw outboxError(dir, err);
  }
}

/** Hidden temporary name beside the final one: readers of the folder skip dot files. */
export function temporaryPath(dir: string, fileName: string): string {
  return join(dir, `.${fileName}.tmp`);
}

export { syncFile } from '../sync-file.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes a small file under a temporary name and renames it into place. */
export async function writeFileAtomically(
  dir: string,
  fileName: string,
  text: string,
): Promise<void> {
  const tmp = temporaryPath(dir, fileName);
  await writeFile(tmp, text, 'utf8');
  await syncFile(tmp);
  await rename(tmp, join(dir, fileName));
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
