import { open } from 'node:fs/promises';

/** Forces a written file to disk, so a rename never publishes a file a crash could empty. */
export async function syncFile(path: string): Promise<void> {
  await syncPath(path, 'r+');
}

/** Forces a folder's entries to disk, so a rename into it survives a crash. */
export async function syncFolder(path: string): Promise<void> {
  await syncPath(path, 'r');
}

async function syncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
