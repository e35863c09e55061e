import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { readPain001 } from '../../src/ghipss/simulator/pain001-reader.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';

// tsx as a loader in the one node process: `tsx src/cli.ts` would run the command in a child
// process that a SIGKILL of the parent leaves running.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
const TOKEN = 'stand-in-process-token';
let t: TestDatabase;
let work: string;
let port: number;
let standIn: ChildProcess | undefined;
let standInOut = '';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port: p } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return p;
}

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  DATABASE_URL: t.url,
  SIKA_OUT_DIR: join(work, 'out'),
  SIKA_LOG_FILE: join(work, 'sika.log'),
  SIKA_GHIPSS_URL: `http://127.0.0.1:${port}`,
  SIKA_GHIPSS_TOKEN: TOKEN,
  ...extra,
});

function sika(args: string[], extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', tsx, 'src/cli.ts', ...args], { env: env(extra) });
}

/** Runs a command to its end: exit code and what it printed. */
async function run(args: string[], extra: Record<string, string> = {}) {
  const child = sika(args, extra);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out, err };
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Every EndToEndId in the files the stand-in took in, with how often it came. */
async function receivedReferences(): Promise<Map<string, number>> {
  const dir = join(work, 'ghipss', 'received');
  const seen = new Map<string, number>();
  for (const name of readdirSync(dir)) {
    for await (const ev of readPain001(join(dir, name))) {
      if (ev.kind === 'tx') seen.set(ev.endToEndId, (seen.get(ev.endToEndId) ?? 0) + 1);
    }
  }
  return seen;
}

beforeAll(async () => {
  t = await createTestDatabase();
  work = mkdtempSync(join(tmpdir(), 'sika-standin-'));
  port = await freePort();
  // Both transports in one process; the first HTTP answer comes only after 60 s.
  standIn = sika([
    'ghipss-sim',
    '--transport',
    'both',
    '--port',
    String(port),
    '--dir',
    join(work, 'ghipss'),
    '--outbox',
    join(work, 'drop-out'),
    '--inbox',
    join(work, 'drop-in'),
    '--poll-ms',
    '200',
    '--slow-first',
    '1',
    '--slow-ms',
    '60000',
  ]);
  standIn.stdout!.on('data', (d: Buffer) => (standInOut += d.toString()));
  await until('the stand-in to listen', () => standInOut.includes('listening on'));
});

afterAll(async () => {
  if (standIn && standIn.exitCode === null) {
    const exited = new Promise((resolve) => standIn!.on('exit', resolve));
    standIn.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => standIn!.kill('SIGKILL'))]);
  }
  await t.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('the stand-in as its own process', () => {
  it('refuses to serve HTTP without SIKA_GHIPSS_TOKEN', async () => {
    const r = await run(['ghipss-sim', '--transport', 'http', '--port', String(port)], {
      SIKA_GHIPSS_TOKEN: '',
    });
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/SIKA_GHIPSS_TOKEN/);
  });

  it('a submitter killed mid-send and started again sends each reference exactly once', async () => {
    const { cycleId, lineCount } = await createCycle(t.db, {
      programme: 'LEAP',
      periodKey: '104',
      generated: 30,
    });
    const args = [
      'submit',
      '--cycle',
      String(cycleId),
      '--as',
      'efua.owusu',
      '--transport',
      'http',
    ];

    const first = sika(args);
    const exited = new Promise((resolve) => first.on('exit', resolve));
    // The submission records are written, and the stand-in has taken the first file in but
    // holds its answer: the submitter is waiting on the network when it dies.
    await until('the first file to reach the stand-in', async () => {
      const [n] = await rows<{ n: number }>(
        t.db,
        sql`SELECT count(*)::int AS n FROM submissions WHERE cycle_id = ${cycleId}`,
      );
      const received = readdirSync(join(work, 'ghipss', 'received'), { withFileTypes: true });
      return n!.n === 3 && received.length === 1;
    });
    first.kill('SIGKILL');
    expect(await exited).toBe(null);
    const states = await rows<{ status: string }>(
      t.db,
      sql`SELECT status FROM submissions WHERE cycle_id = ${cycleId} ORDER BY id`,
    );
    expect(states.map((s) => s.status)).toEqual(['prepared', 'prepared', 'prepared']);

    const again = await run(args);
    expect(again.err, again.err).toBe(
      'note: SIKA_MANIFEST_KEY is not set, so the manifests are unsigned\n',
    );
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/SIKA_LEAP_104_EZWICH_001\.xml .*\(sent before: not sent again\)/);

    const refs = await receivedReferences();
    expect(refs.size).toBe(lineCount);
    expect([...refs.values()].every((n) => n === 1)).toBe(true);
    expect(readdirSync(join(work, 'ghipss', 'received'))).toHaveLength(3);
    const after = await rows<{ status: string }>(
      t.db,
      sql`SELECT status FROM submissions WHERE cycle_id = ${cycleId} ORDER BY id`,
    );
    expect(after.map((s) => s.status)).toEqual(['sent', 'sent', 'sent']);

    // Every report the stand-in wrote, listed over HTTP under the token.
    await until('three reports', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/reports`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      return ((await res.json()) as { reports: string[] }).reports.length === 3;
    });
  });

  it('a wrong token is a clear refusal, and the cycle stays approved and unsent', async () => {
    const { cycleId } = await createCycle(t.db, {
      programme: 'LEAP',
      periodKey: '103',
      generated: 5,
    });
    const r = await run(
      ['submit', '--cycle', String(cycleId), '--as', 'efua.owusu', '--transport', 'http'],
      { SIKA_GHIPSS_TOKEN: 'not-the-token' },
    );
    expect(r.code).toBe(69);
    expect(r.err).toMatch(/refused the bearer token/);
    const [c] = await rows<{ status: string; sent: number }>(
      t.db,
      sql`SELECT c.status, (SELECT count(*)::int FROM submissions s
                             WHERE s.cycle_id = c.id AND s.status = 'sent') AS sent
          FROM cycles c WHERE c.id = ${cycleId}`,
    );
    expect(c).toEqual({ status: 'approved', sent: 0 });
  });

  it('answers the drop folder in the same process', async () => {
    const { cycleId } = await createCycle(t.db, {
      programme: 'LEAP',
      periodKey: '102',
      generated: 10,
    });
    const r = await run([
      'submit',
      '--cycle',
      String(cycleId),
      '--as',
      'efua.owusu',
      '--outbox',
      join(work, 'drop-out'),
    ]);
    expect(r.code, r.err).toBe(0);
    await until('the drop-folder answers', () => {
      const names = readdirSync(join(work, 'drop-in')).filter((n) => !n.startsWith('.'));
      return names.length === 3;
    });
    expect(
      readdirSync(join(work, 'drop-in'))
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual([
      'SIKA_LEAP_102_BANK_001.pain002.xml',
      'SIKA_LEAP_102_EZWICH_001.pain002.xml',
      'SIKA_LEAP_102_MOMO_001.pain002.xml',
    ]);
  });
});
