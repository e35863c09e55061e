import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReconcile } from '../../src/cli/reconcile-command.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createSubmittedCycle, endToEndId, messageId, writePain002 } from './fixtures.js';

let t: TestDatabase;
let tmp: string;
const saved = process.env.DATABASE_URL;
const savedArchive = process.env.SIKA_ARCHIVE_DIR;

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  tmp = await mkdtemp(join(tmpdir(), 'sika-folder-'));
  process.env.SIKA_ARCHIVE_DIR = join(tmp, 'archive');
});
afterAll(async () => {
  process.env.DATABASE_URL = saved;
  if (savedArchive === undefined) delete process.env.SIKA_ARCHIVE_DIR;
  else process.env.SIKA_ARCHIVE_DIR = savedArchive;
  await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

/** Runs one command line in-process; returns what it printed and what it failed with. */
async function sika(...args: string[]): Promise<{ out: string; err: unknown }> {
  const program = new Command('sika').exitOverride();
  registerReconcile(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  try {
    await program.parseAsync(['node', 'sika', ...args]);
    return { out, err: null };
  } catch (err) {
    return { out, err };
  } finally {
    spy.mockRestore();
  }
}

describe('sika reconcile --dir', () => {
  it('says a folder holds no response files', async () => {
    const dir = await mkdtemp(join(tmp, 'empty-'));
    expect(await sika('reconcile', '--dir', dir, '--as', 'efua.owusu')).toEqual({
      out: `no response files in ${dir}\n`,
      err: null,
    });
  });

  it('quarantines an unreadable file, goes on, names repeats under their own name, then fails', async () => {
    const { submissions } = await createSubmittedCycle(t.db, {
      cycleNumber: 501,
      lines: ['10.00', '20.00'],
    });
    const dir = await mkdtemp(join(tmp, 'inbox-'));
    const first = await writePain002(dir, '01-rsp.xml', {
      messageId: 'RSP-501',
      originalMessageId: submissions[0]!.messageId,
      txs: [{ endToEndId: endToEndId(501, 1), status: 'ACSC' }],
    });
    await writeFile(join(dir, '02-broken.xml'), 'not xml at all');
    await writeFile(join(dir, '03-copy.xml'), await readFile(first));
    await writeFile(join(dir, '04-resent.xml'), `${await readFile(first, 'utf8')}\n`);
    await writePain002(dir, '05-foreign.xml', {
      messageId: 'RSP-501-X',
      originalMessageId: messageId(999, 'ezwich', 1),
      txs: [{ endToEndId: endToEndId(501, 2), status: 'ACSC' }],
    });

    const { out, err } = await sika('reconcile', '--dir', dir, '--as', 'efua.owusu');
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      '01-rsp.xml (pain.002): 1 records, 1 paid, 0 failed, 0 returned, 0 pending, 0 unknown, ' +
        '0 ambiguous, 0 conflicts, 0 exceptions',
    );
    expect(lines[1]).toMatch(/^02-broken.xml: QUARANTINED: unreadable: not well-formed XML \(/);
    expect(lines.slice(2, 5)).toEqual([
      '03-copy.xml: same content as 01-rsp.xml, loaded before (same SHA-256): nothing changed',
      '04-resent.xml (pain.002): 1 records: repeats message RSP-501, already loaded from ' +
        '01-rsp.xml: the same 1 records and statuses; nothing moved',
      '05-foreign.xml: QUARANTINED: answers message SIKA-LEAP-999-EZWICH-1, which is no payment ' +
        'file this database sent; nothing moved',
    ]);
    expect(err).toMatchObject({
      code: 'UNREADABLE_RESPONSE',
      message: '2 files quarantined, nothing moved by them: 02-broken.xml, 05-foreign.xml',
    });
    // Loaded, unreadable, repeat and foreign alike are archived; the copy is 01's bytes again.
    const archived = await readdir(join(tmp, 'archive', 'settlements'), {
      recursive: true,
      withFileTypes: true,
    });
    expect(archived.filter((e) => e.isFile())).toHaveLength(4);
  });
});
