import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SikaError } from './errors.js';
import { makeOutputDir } from './make-dir.js';
import { syncFile, syncFolder } from './sync-file.js';

/** settlements: response files (settlement_files); imports: enrolment files (import_files). */
export type ArchiveKind = 'settlements' | 'imports';

/** Where the file with this SHA-256 is kept: the row's sha256 and file name are enough to find it. */
export function archivePath(
  archiveDir: string,
  kind: ArchiveKind,
  sha256: string,
  fileName: string,
): string {
  return join(archiveDir, kind, sha256.slice(0, 2), `${sha256}${extname(fileName)}`);
}

/**
 * Keeps a copy of a loaded file under its SHA-256, so the exact bytes a row was read from can be
 * handed to an auditor after the input folder is cleaned. The copy is written under a temporary
 * name and renamed once on disk, so the archive never holds half a file; bytes that no longer
 * hash to `sha256` (the file changed after it was read) are refused. A file already archived is
 * left as it is: the same bytes loaded twice are one archived file.
 */
export async function archiveFile(p: {
  archiveDir: string;
  kind: ArchiveKind;
  path: string;
  sha256: string;
}): Promise<{ archivedAs: string; added: boolean }> {
  const target = archivePath(p.archiveDir, p.kind, p.sha256, p.path);
  if (await exists(target)) return { archivedAs: target, added: false };
  const folder = join(p.archiveDir, p.kind, p.sha256.slice(0, 2));
  await makeOutputDir(folder, 'archive');
  const temp = join(folder, `.${p.sha256}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const unwritable = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    const message = `archive folder ${folder} cannot be written (${code})`;
    return new SikaError('OUTPUT_UNWRITABLE', message, { dir: folder, code });
  };
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      createReadStream(p.path),
      hashing,
      createWriteStream(temp, { flags: 'wx' }),
    ).catch((err: unknown) => {
      throw (err as NodeJS.ErrnoException).path === p.path ? err : unwritable(err);
    });
    await syncFile(temp).catch((err: unknown) => {
      throw unwritable(err);
    });
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  const got = hash.digest('hex');
  if (got !== p.sha256) {
    await rm(temp, { force: true });
    throw new SikaError('BAD_INPUT_FILE', `${p.path} changed while it was being loaded`, {
      path: p.path,
    });
  }
  await rename(temp, target).catch(async (err: unknown) => {
    await rm(temp, { force: true });
    throw unwritable(err);
  });
  await syncFolder(folder);
  return { archivedAs: target, added: true };
}

/** Any failure to look counts as absent: making the folder then says why it cannot be used. */
async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
