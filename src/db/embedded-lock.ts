import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { SikaError } from '../errors.js';

/** Who holds the embedded database: written into the lock file when it is taken. */
interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** A lock file this young with nothing readable in it is being written by its owner. */
const BEING_WRITTEN_MS = 5_000;

/**
 * PGlite is PostgreSQL inside one process: two processes opening the same folder each write its
 * files as if alone, and the database is lost. So a process holds FOLDER.lock while it has the
 * folder open, naming its pid and host, and a second process is refused for as long as that
 * process lives, however long it is stopped or busy (a lock that goes stale after a time would
 * be taken from a process suspended with Ctrl-Z or running one long statement). A lock left by
 * a process that has ended is taken over. The packages that lock by time cannot tell those
 * apart, hence this small one.
 *
 * Returns the release, which also runs when the process exits.
 */
export function lockEmbedded(dbDir: string): () => void {
  const path = `${dbDir.replace(/\/+$/, '')}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder === 'being written' || (holder && alive(holder))) throw inUse(dbDir, holder);
      // Its process has ended (or the file is an older kind of lock): take it over.
      rmSync(path, { recursive: true, force: true });
      continue;
    }
    const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(mine));
    closeSync(fd);
    const release = () => {
      const holder = readHolder(path);
      if (holder && holder !== 'being written' && holder.pid === mine.pid) {
        rmSync(path, { force: true });
      }
    };
    process.once('exit', release);
    return () => {
      process.off('exit', release);
      release();
    };
  }
  // Another process took the lock between our removal of a dead one and our own attempt.
  throw inUse(dbDir, undefined);
}

function readHolder(path: string): Holder | 'being written' | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const h = JSON.parse(text) as Partial<Holder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string') {
      return { pid: h.pid, host: h.host, since: String(h.since ?? '') };
    }
  } catch {
    // Empty, half written, not JSON, or a directory: decided below by its age.
  }
  try {
    return Date.now() - statSync(path).mtimeMs < BEING_WRITTEN_MS ? 'being written' : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder still runs. A holder on another machine cannot be asked: it counts as alive. */
function alive(h: Holder): boolean {
  if (h.host !== hostname()) return true;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dbDir: string, holder: Holder | 'being written' | undefined): SikaError {
  const who =
    holder && holder !== 'being written'
      ? ` (process ${holder.pid} on ${holder.host}, since ${holder.since})`
      : '';
  return new SikaError(
    'DATABASE_IN_USE',
    `the embedded database in ${dbDir} is open in another sika process${who}; run one at a ` +
      `time, or use PostgreSQL (DATABASE_URL) to work from several at once. A lock left by a ` +
      `process that has ended is taken over.`,
    holder && holder !== 'being written' ? { pid: holder.pid, host: holder.host } : undefined,
  );
}
