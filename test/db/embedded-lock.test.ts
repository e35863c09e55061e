import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../src/db/open.js';
import { exitCodeFor, SikaError } from '../../src/errors.js';
import { sql } from 'drizzle-orm';

// PGlite is PostgreSQL inside one process: a second process opening the same folder would write
// its files as if alone. The folder is locked while open and a second opener is refused.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sika-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the embedded database is open in one process at a time', () => {
  it('refuses a second opener while the first is open, and opens again once it is closed', async () => {
    const dbDir = join(dir, 'db');
    const first = await openDatabase({ dbDir });
    const refused = await openDatabase({ dbDir }).then(
      () => 'opened',
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(SikaError);
    expect((refused as SikaError).code).toBe('DATABASE_IN_USE');
    expect(exitCodeFor(refused)).toBe(75);
    expect((refused as SikaError).message).toContain(`the embedded database in ${dbDir} is open`);
    await first.close();
    expect((await stat(`${dbDir}.lock`).catch(() => null)) === null).toBe(true);

    const again = await openDatabase({ dbDir });
    expect(await rows<{ one: number }>(again.db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    await again.close();
  });

  it('refuses a command in another process with exit code 75, naming the folder', async () => {
    const dbDir = join(dir, 'db2');
    const held = await openDatabase({ dbDir });
    try {
      const cli = join(process.cwd(), 'src', 'cli.ts');
      const run = promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', cli, 'exceptions', 'list', '--without-cycle'],
        { env: { ...process.env, DATABASE_URL: '', SIKA_DB_DIR: dbDir, SIKA_LOG_FILE: '-' } },
      );
      const err = (await run.then(
        () => ({ code: 0, stderr: '' }),
        (e: unknown) => e,
      )) as { code: number; stderr: string };
      expect(err.code).toBe(75);
      expect(err.stderr).toContain(`the embedded database in ${dbDir} is open in another`);
    } finally {
      await held.close();
    }
  });

  it('refuses while the process named in the lock lives, even stopped, and takes over once it has ended', async () => {
    const dbDir = join(dir, 'db3');
    // A process that is alive but does nothing, as one suspended with Ctrl-Z.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    try {
      child.kill('SIGSTOP');
      await writeFile(
        `${dbDir}.lock`,
        JSON.stringify({ pid: child.pid, host: hostname(), since: '2026-12-04T08:00:00.000Z' }),
      );
      const old = new Date(Date.now() - 60 * 60_000);
      await utimes(`${dbDir}.lock`, old, old);
      const refused = await openDatabase({ dbDir }).then(
        () => 'opened',
        (err: unknown) => err,
      );
      expect((refused as SikaError).message).toContain(
        `is open in another sika process (process ${child.pid} on ${hostname()}, since ` +
          '2026-12-04T08:00:00.000Z)',
      );
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((done) => child.once('exit', done));
    const db = await openDatabase({ dbDir });
    expect(await rows<{ one: number }>(db.db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    expect(JSON.parse(await readFile(`${dbDir}.lock`, 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    await db.close();
  });

  it('takes over the lock folder an earlier version left', async () => {
    const dbDir = join(dir, 'db4');
    await mkdir(`${dbDir}.lock`, { recursive: true });
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(`${dbDir}.lock`, old, old);
    const db = await openDatabase({ dbDir });
    await db.close();
    expect((await stat(`${dbDir}.lock`).catch(() => null)) === null).toBe(true);
  });
});
