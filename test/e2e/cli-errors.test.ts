import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const work = mkdtempSync(join(tmpdir(), 'sika-cli-'));
let t: TestDatabase;

/**
 * Runs the command line in a child process. Asynchronous on purpose: a run of synchronous spawns
 * would block the test worker's event loop for longer than vitest's worker heartbeat allows.
 */
function sika(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsx, 'src/cli.ts', ...args],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          DATABASE_URL: t.url,
          SIKA_OUT_DIR: join(work, 'out'),
          SIKA_ARCHIVE_DIR: join(work, 'archive'),
          SIKA_LOG_FILE: join(work, 'sika.log'),
        },
      },
      (error, out, err) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, out, err });
      },
    );
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe('the command line refuses bad input clearly and changes nothing', () => {
  it.each([
    [
      'a missing file',
      ['import', 'members', join(work, 'nope.csv'), '--as', 'akosua.mensah'],
      66,
      /nope\.csv/,
    ],
    [
      'an unknown import kind',
      ['import', 'pets', 'x.csv', '--as', 'akosua.mensah'],
      64,
      /KIND must be one of/,
    ],
    [
      'a LEAP build without a cycle',
      ['cycle', 'build', '--programme', 'leap', '--as', 'akosua.mensah'],
      64,
      /--cycle/,
    ],
    [
      'an unknown programme',
      ['cycle', 'build', '--programme', 'nhis', '--cycle', '5', '--as', 'akosua.mensah'],
      64,
      /leap or lipw/,
    ],
    [
      'a bad date',
      [
        'cycle',
        'build',
        '--programme',
        'lipw',
        '--from',
        '2026-02-30',
        '--to',
        '2026-03-01',
        '--as',
        'akosua.mensah',
      ],
      64,
      /YYYY-MM-DD/,
    ],
    [
      'approving an unknown cycle',
      ['cycle', 'approve', '--cycle', '999', '--as', 'kwame.boateng'],
      67,
      /999/,
    ],
    ['submitting an unknown cycle', ['submit', '--cycle', '999', '--as', 'efua.owusu'], 67, /999/],
    [
      'a report of an unknown cycle',
      ['report', 'exceptions', '--cycle', '999', '--as', 'yaw.darko'],
      67,
      /999/,
    ],
    [
      'an unknown report',
      ['report', 'payslips', '--cycle', '1', '--as', 'yaw.darko'],
      64,
      /exceptions, reconciliation/,
    ],
    [
      'a missing response file',
      ['reconcile', join(work, 'none.xml'), '--as', 'efua.owusu'],
      66,
      /none\.xml/,
    ],
    ['an unknown bench stage', ['bench', 'everything'], 64, /STAGE must be one of/],
    [
      'a rejection reason under 3 characters',
      ['cycle', 'reject', '--cycle', '1', '--reason', ' x ', '--as', 'kwame.boateng'],
      64,
      /--reason must say why, in at least 3 characters \(got 1\)/,
    ],
    [
      'a cycle number that is not a number',
      ['cycle', 'approve', '--cycle', 'abc', '--as', 'kwame.boateng'],
      64,
      /whole number/,
    ],
  ])('%s', async (_name, args, code, message) => {
    const r = await sika(...args);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(code);
  });

  it('refuses a CSV file that is only a header, naming it', async () => {
    const file = join(work, 'households.csv');
    writeFileSync(file, 'household_ref,region_code\n');
    const r = await sika('import', 'households', file, '--as', 'akosua.mensah');
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/households\.csv/);
  });

  it('a response file that is not XML is quarantined with its reason, naming it', async () => {
    const file = join(work, 'garbage.xml');
    writeFileSync(file, 'this is not a status report');
    const r = await sika('reconcile', file, '--as', 'efua.owusu');
    expect(r.code).toBe(65);
    expect(r.out).toMatch(/^garbage\.xml: QUARANTINED: unreadable: not well-formed XML \(/);
    expect(r.err).toBe(
      'sika: 1 file quarantined, nothing moved by it: garbage.xml [UNREADABLE_RESPONSE]\n',
    );
    const sha = createHash('sha256').update('this is not a status report').digest('hex');
    const kept = join(work, 'archive', 'settlements', sha.slice(0, 2), `${sha}.xml`);
    expect(readFileSync(kept, 'utf8')).toBe('this is not a status report');
  });

  it('has written nothing after all those refusals but the quarantined file', async () => {
    const [n] = await rows<{ files: number; cycles: number; settlements: number }>(
      t.db,
      sql`SELECT (SELECT count(*)::int FROM import_files) AS files,
                 (SELECT count(*)::int FROM cycles) AS cycles,
                 (SELECT count(*)::int FROM settlement_files) AS settlements`,
    );
    expect(n).toEqual({ files: 0, cycles: 0, settlements: 1 });
  });

  it.each([
    [['cycle', 'reject'], /--reason <text>\s+why it is rejected, at least 3 characters/],
    [['submit'], /--reason <text>\s+why the refused file is sent again, at least 3\s+characters/],
  ])('states the same minimum reason length in `sika %s --help`', async (command, text) => {
    const r = await sika(...command, '--help');
    expect(r.out).toMatch(text);
  });

  it('exits quietly when the reader of its output goes away (| head)', async () => {
    const child = spawn(process.execPath, [tsx, 'src/cli.ts', 'cycle', 'list', '--help'], {
      env: { ...process.env, DATABASE_URL: t.url, SIKA_LOG_FILE: join(work, 'sika.log') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the command has started: every write it makes meets a closed pipe.
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect([code, err]).toEqual([0, '']);
  });

  it.each([
    ['demo'],
    ['import'],
    ['cycle', 'build'],
    ['submit'],
    ['reconcile'],
    ['report'],
    ['bench'],
  ])('explains `sika %s` with --help', async (...command) => {
    const r = await sika(...command, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: sika /);
  });
});
