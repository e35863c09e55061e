import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SikaError } from './errors.js';

/**
 * mkdir -p that always answers. Node's own recursive mkdir never returns for a path under a
 * pseudo file system such as /proc (it retries for ever), so each missing folder is made on its
 * own, from the nearest one that exists; a failure surfaces as the plain file system error.
 */
export async function makeDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const found = await stat(current).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (found) {
      if (!found.isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, '${current}'`), {
          code: 'ENOTDIR',
          path: current,
        });
      }
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/** makeDir for an output folder: a failure is the refusal the user sees, naming the folder. */
export async function makeOutputDir(dir: string, what: string): Promise<void> {
  try {
    await makeDir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SikaError('OUTPUT_UNWRITABLE', `${what} folder ${dir} cannot be created (${code})`, {
      dir,
      code,
    });
  }
}
