import { copyFile, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MANIFEST_SUFFIX, readManifest } from '../manifest.js';
import { ensureWritableDir, exists, sha256File, syncFile, temporaryPath } from '../outbox-files.js';
import {
  TransportError,
  type Acknowledgement,
  type FarSideStatus,
  type OutgoingFile,
  type Transport,
} from './transport.js';

/** Copies under a hidden temporary name, syncs and renames: the folder never shows half a file. */
async function publish(from: string, dir: string, fileName: string): Promise<void> {
  const tmp = temporaryPath(dir, fileName);
  try {
    await copyFile(from, tmp);
    await syncFile(tmp);
    await rename(tmp, join(dir, fileName));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * The folder GhIPSS collects from (as SFTP would give). A file is sent once it stands in the
 * folder under its final name with its checksum and manifest beside it. When the folder is the
 * outbox the file was written to, that rename was the send and nothing is copied.
 */
export class DropFolderTransport implements Transport {
  readonly name = 'drop-folder';

  constructor(readonly dir: string) {}

  async send(file: OutgoingFile): Promise<Acknowledgement> {
    const target = join(this.dir, file.fileName);
    const ack = { messageId: file.messageId, sha256: file.sha256, reference: target };
    if (resolve(dirname(file.path)) === resolve(this.dir)) return { ...ack, duplicate: false };

    try {
      await ensureWritableDir(this.dir);
      if (await exists(target)) {
        if ((await sha256File(target)) === file.sha256) return { ...ack, duplicate: true };
        throw new TransportError(
          'duplicate_message',
          `${file.fileName} already stands in ${this.dir} with other content`,
          { messageId: file.messageId },
        );
      }
      // Checksum and manifest first: whoever sees the payment file can check it at once.
      await publish(`${file.path}.sha256`, this.dir, `${file.fileName}.sha256`);
      await publish(file.manifestPath, this.dir, `${file.fileName}${MANIFEST_SUFFIX}`);
      await publish(file.path, this.dir, file.fileName);
      return { ...ack, duplicate: false };
    } catch (err) {
      if (err instanceof TransportError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      throw new TransportError(
        'unavailable',
        `drop folder ${this.dir} cannot be written (${code})`,
        {
          code,
        },
      );
    }
  }

  /**
   * Known when a manifest in the folder names the message id and the file beside it matches the
   * manifest's hash.
   */
  // Limitation: a folder only tells what still stands in it; once GhIPSS moves a file away, a
  // resumed submission would send it again and rely on the switch's duplicate check (DU01).
  async status(messageId: string): Promise<FarSideStatus> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith(MANIFEST_SUFFIX) || name.startsWith('.')) continue;
      const path = join(this.dir, name.slice(0, -MANIFEST_SUFFIX.length));
      const manifest = await readManifest(path);
      if (manifest?.messageId !== messageId || !(await exists(path))) continue;
      if ((await sha256File(path)) === manifest.sha256) {
        return { known: true, sha256: manifest.sha256, answered: false };
      }
    }
    return { known: false };
  }
}
