import { mkdtempSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SikaError } from '../../src/errors.js';
import { makeDir, makeOutputDir } from '../../src/make-dir.js';

const work = mkdtempSync(join(tmpdir(), 'sika-dir-'));

describe('makeDir', () => {
  it('makes every missing folder of a path, and accepts one that exists', async () => {
    const deep = join(work, 'a', 'b', 'c');
    await makeDir(deep);
    await makeDir(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it('refuses a path through a file with ENOTDIR', async () => {
    const file = join(work, 'plain.txt');
    writeFileSync(file, 'x');
    await expect(makeDir(join(file, 'reports'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  // Node's recursive mkdir never returns for this path; makeDir must answer at once.
  it.skipIf(process.platform !== 'linux')('answers for a folder under /proc', async () => {
    const err = await makeOutputDir('/proc/sika-nope/reports', 'report').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SikaError);
    expect((err as SikaError).code).toBe('OUTPUT_UNWRITABLE');
    expect((err as SikaError).message).toBe(
      'report folder /proc/sika-nope/reports cannot be created (ENOENT)',
    );
  });
});
