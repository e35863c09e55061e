import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Db } from '../../src/db/open.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';
import { pain001SchemaErrors, texts } from './xml-helpers.js';

let tdb: TestDatabase;
let db: Db;
let root: string;
const outbox = (name: string) => join(root, name);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function cycleStatus(cycleId: number): Promise<string> {
  const [c] = await rows<{ status: string }>(
    db,
    sql`SELECT status FROM cycles WHERE id = ${cycleId}`,
  );
  return c!.status;
}

async function auditEvents(cycleId: number) {
  return rows<{ actor: string; detail: Record<string, unknown> }>(
    db,
    sql`SELECT actor, detail FROM audit_events
        WHERE action = 'cycle.submit' AND entity_id = ${String(cycleId)} ORDER BY id`,
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  root = mkdtempSync(join(tmpdir(), 'sika-submit-'));
});

afterAll(async () => {
  await tdb?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('submitCycle', () => {
  it('writes one schema-valid pain.001 per channel with exact counts and control sums', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '106',
      generated: 100,
    });
    const dir = outbox('one-per-channel');

    const result = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });

    expect(result.files.map((f) => [f.fileName, f.txCount, f.controlSum, f.alreadySent])).toEqual([
      ['SIKA_LEAP_106_EZWICH_001.xml', 60, '22096.70', false],
      ['SIKA_LEAP_106_MOMO_001.xml', 30, '13500.00', false],
      ['SIKA_LEAP_106_BANK_001.xml', 10, '2196.70', false],
    ]);
    for (const f of result.files) {
      const xml = readFileSync(f.path, 'utf8');
      expect(await pain001SchemaErrors(xml)).toEqual([]);
      expect(texts(xml, 'NbOfTxs')).toEqual([String(f.txCount), String(f.txCount)]);
      expect(texts(xml, 'CtrlSum')).toEqual([f.controlSum, f.controlSum]);
      expect(texts(xml, 'EndToEndId')).toHaveLength(f.txCount);
      expect(sha256(f.path)).toBe(f.sha256);
      expect(readFileSync(`${f.path}.sha256`, 'utf8')).toBe(`${f.sha256}  ${f.fileName}\n`);
    }
    const ezwich = readFileSync(result.files[0]!.path, 'utf8');
    expect(texts(ezwich, 'MsgId')).toEqual(['SIKA-LEAP-106-EZWICH-001']);
    expect(texts(ezwich, 'PmtInfId')).toEqual(['PMT-LEAP-106-EZWICH-001']);
    expect(texts(ezwich, 'EndToEndId').slice(0, 3)).toEqual([
      'LEAP-106-HH0000001',
      'LEAP-106-HH0000002',
      'LEAP-106-HH0000003',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      'SIKA_LEAP_106_BANK_001.xml',
      'SIKA_LEAP_106_BANK_001.xml.manifest.json',
      'SIKA_LEAP_106_BANK_001.xml.sha256',
      'SIKA_LEAP_106_EZWICH_001.xml',
      'SIKA_LEAP_106_EZWICH_001.xml.manifest.json',
      'SIKA_LEAP_106_EZWICH_001.xml.sha256',
      'SIKA_LEAP_106_MOMO_001.xml',
      'SIKA_LEAP_106_MOMO_001.xml.manifest.json',
      'SIKA_LEAP_106_MOMO_001.xml.sha256',
    ]);
  });

  it('produces files the GhIPSS stand-in answers in full', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '97',
      generated: 100,
    });
    const dir = outbox('answered');
    await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });

    const { answered } = await respondToOutbox({ outbox: dir, inbox: `${dir}-in`, seed: 1 });

    expect(answered.map((a) => [a.request, a.accepted + a.rejected])).toEqual([
      ['SIKA_LEAP_97_BANK_001.xml', 10],
      ['SIKA_LEAP_97_EZWICH_001.xml', 60],
      ['SIKA_LEAP_97_MOMO_001.xml', 30],
    ]);
  });

  it('records each file as sent with its hash, marks the cycle submitted and audits it', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '105',
      generated: 100,
    });

    const result = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: outbox('recorded'),
    });

    const subs = await rows<{
      file_name: string;
      status: string;
      sha256: string;
      tx_count: number;
      control_sum: string;
      sent: boolean;
    }>(
      db,
      sql`SELECT file_name, status, sha256, tx_count, control_sum::text, sent_at IS NOT NULL AS sent
          FROM submissions WHERE cycle_id = ${cycleId} ORDER BY id`,
    );
    expect(subs).toEqual(
      result.files.map((f) => ({
        file_name: f.fileName,
        status: 'sent',
        sha256: f.sha256,
        tx_count: f.txCount,
        control_sum: f.controlSum,
        sent: true,
      })),
    );
    expect(await cycleStatus(cycleId)).toBe('submitted');
    const events = await auditEvents(cycleId);
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe('efua.owusu');
    expect(events[0]!.detail).toMatchObject({
      format: 'pain.001.001.03',
      txCount: '100',
      controlSum: '37793.40',
      files: [
        { fileName: 'SIKA_LEAP_105_EZWICH_001.xml', txCount: '60', controlSum: '22096.70' },
        { fileName: 'SIKA_LEAP_105_MOMO_001.xml', txCount: '30', controlSum: '13500.00' },
        { fileName: 'SIKA_LEAP_105_BANK_001.xml', txCount: '10', controlSum: '2196.70' },
      ],
    });
  });

  it('splits each channel by maxTxPerFile in line order', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LIPW',
      periodKey: '2026-11-02..2026-11-15',
      generated: 100,
    });

    const result = await submitCycle(db, {
      cycleId,
      submittedBy: 'admin',
      outbox: outbox('split'),
      maxTxPerFile: 25,
    });

    expect(result.files.map((f) => [f.fileName, f.txCount, f.controlSum])).toEqual([
      ['SIKA_LIPW_20261102-20261115_EZWICH_001.xml', 25, '9218.68'],
      ['SIKA_LIPW_20261102-20261115_EZWICH_002.xml', 25, '9278.68'],
      ['SIKA_LIPW_20261102-20261115_EZWICH_003.xml', 10, '3599.34'],
      ['SIKA_LIPW_20261102-20261115_MOMO_001.xml', 25, '11180.00'],
      ['SIKA_LIPW_20261102-20261115_MOMO_002.xml', 5, '2320.00'],
      ['SIKA_LIPW_20261102-20261115_BANK_001.xml', 10, '2196.70'],
    ]);
    const second = readFileSync(result.files[1]!.path, 'utf8');
    expect(await pain001SchemaErrors(second)).toEqual([]);
    expect(texts(second, 'MsgId')).toEqual(['SIKA-LIPW-261102-261115-EZWICH-002']);
    expect(texts(second, 'EndToEndId').at(0)).toBe('LIPW-20261102-WK0000042');
    expect(texts(second, 'EndToEndId').at(-1)).toBe('LIPW-20261102-WK0000082');
    expect(texts(second, 'Ustrd').at(0)).toBe('LIPW wages 2026-11-02..2026-11-15');
  });

  it('sends nothing on a second run and leaves the files untouched', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '104',
      generated: 30,
    });
    const dir = outbox('twice');
    const first = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });
    const before = first.files.map((f) => ({
      bytes: readFileSync(f.path),
      mtime: statSync(f.path).mtimeMs,
    }));

    const second = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });

    expect(second.files.map((f) => f.alreadySent)).toEqual([true, true, true]);
    expect(second.files.map((f) => f.sha256)).toEqual(first.files.map((f) => f.sha256));
    second.files.forEach((f, i) => {
      expect(readFileSync(f.path).equals(before[i]!.bytes)).toBe(true);
      expect(statSync(f.path).mtimeMs).toBe(before[i]!.mtime);
    });
    expect(await auditEvents(cycleId)).toHaveLength(1);
    const [{ n }] = (await rows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM submissions WHERE cycle_id = ${cycleId}`,
    )) as [{ n: number }];
    expect(n).toBe(3);
  });

  it('writes a file left prepared by a crash again, byte for byte', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '103',
      generated: 40,
    });
    const dir = outbox('crash');
    const first = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });
    const momo = first.files[1]!;
    const original = readFileSync(momo.path);
    unlinkSync(momo.path);
    unlinkSync(`${momo.path}.sha256`);
    await db.execute(sql`
      UPDATE submissions SET status = 'prepared', sha256 = NULL, sent_at = NULL
      WHERE id = ${momo.submissionId}`);

    const retry = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });

    expect(retry.files.map((f) => [f.fileName, f.alreadySent])).toEqual([
      ['SIKA_LEAP_103_EZWICH_001.xml', true],
      ['SIKA_LEAP_103_MOMO_001.xml', false],
      ['SIKA_LEAP_103_BANK_001.xml', true],
    ]);
    expect(readFileSync(momo.path).equals(original)).toBe(true);
    expect(retry.files[1]!.sha256).toBe(momo.sha256);
    expect(await auditEvents(cycleId)).toHaveLength(2);
  });

  it('refuses, and leaves in place, a file of the same name that holds other payments', async () => {
    // Another database submitted its own LEAP 95 into the same outbox: same names, same ids.
    const other = await createTestDatabase();
    const dir = outbox('shared');
    try {
      const theirs = await createCycle(other.db, {
        programme: 'LEAP',
        periodKey: '95',
        generated: 30,
      });
      await submitCycle(other.db, {
        cycleId: theirs.cycleId,
        submittedBy: 'efua.owusu',
        outbox: dir,
      });
    } finally {
      await other.drop();
    }
    const path = join(dir, 'SIKA_LEAP_95_EZWICH_001.xml');
    const before = sha256(path);
    const held = JSON.parse(readFileSync(`${path}.manifest.json`, 'utf8')) as {
      cycleId: number;
      createdAt: string;
      cycleSeal: string;
    };
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '95',
      generated: 20,
    });
    const [ours] = await rows<{ created_at: Date; seal_sha256: string }>(
      db,
      sql`SELECT s.created_at, c.seal_sha256 FROM cycles c
          LEFT JOIN submissions s ON s.cycle_id = c.id WHERE c.id = ${cycleId}`,
    );
    expect(ours!.created_at).toBeNull();

    const err = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir }).catch(
      (e) => e,
    );

    const [record] = await rows<{ created_at: Date }>(
      db,
      sql`SELECT created_at FROM submissions WHERE cycle_id = ${cycleId} AND channel = 'ezwich'`,
    );
    expect(err.code).toBe('OUTBOX_CONFLICT');
    expect(err.message).toBe(
      `${path} already exists and holds LEAP 95 cycle ${held.cycleId}: 18 payments, ` +
        `GH¢ 6,629.01, recorded ${held.createdAt}, seal ${held.cycleSeal.slice(0, 12)}…; ` +
        `this submission is LEAP 95 cycle ${cycleId}: 12 payments, GH¢ 4,419.34, recorded ` +
        `${new Date(record!.created_at).toISOString()}, seal ${ours!.seal_sha256.slice(0, 12)}…. ` +
        `It may already have been collected, so it is not replaced: move it (with its .sha256 ` +
        `and .manifest.json) out of ${dir}, or submit to another outbox with --outbox.`,
    );
    expect(sha256(path)).toBe(before);
    expect(await cycleStatus(cycleId)).toBe('approved');
    const statuses = await rows<{ status: string }>(
      db,
      sql`SELECT status FROM submissions WHERE cycle_id = ${cycleId} ORDER BY id`,
    );
    expect(statuses.map((r) => r.status)).toEqual(['prepared', 'prepared', 'prepared']);
  });

  it('reuses its own file after a crash, also under a manifest written before seals were in it', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '94',
      generated: 10,
    });
    const dir = outbox('old-manifest');
    const first = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });
    const ezwich = first.files[0]!;
    const manifestFile = `${ezwich.path}.manifest.json`;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    expect(manifest.cycleSeal).toMatch(/^[0-9a-f]{64}$/);
    const { cycleSeal, ...older } = manifest;
    writeFileSync(manifestFile, JSON.stringify(older));
    const crash = sql`UPDATE submissions SET status = 'prepared', sha256 = NULL, sent_at = NULL
      WHERE cycle_id = ${cycleId}`;
    await db.execute(crash);

    const retry = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });

    expect(retry.files.map((f) => [f.fileName, f.alreadySent, f.sha256])).toEqual(
      first.files.map((f) => [f.fileName, true, f.sha256]),
    );

    // The same names under another seal are another cycle's files.
    writeFileSync(manifestFile, JSON.stringify({ ...older, cycleSeal: 'f'.repeat(64) }));
    await db.execute(crash);
    const err = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir }).catch(
      (e) => e,
    );
    expect(err.code).toBe('OUTBOX_CONFLICT');
    expect(err.message).toContain(
      `seal ffffffffffff…; this submission is LEAP 94 cycle ${cycleId}`,
    );
    expect(String(cycleSeal)).not.toBe('f'.repeat(64));

    // A file with no manifest beside it is not known to be ours either.
    unlinkSync(manifestFile);
    const bare = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir }).catch(
      (e) => e,
    );
    expect(bare.code).toBe('OUTBOX_CONFLICT');
    expect(bare.message).toMatch(
      new RegExp(
        `^${ezwich.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} already exists and holds a file without a readable manifest; `,
      ),
    );
    expect(sha256(ezwich.path)).toBe(ezwich.sha256);
  });

  it('refuses to reuse a file after a crash when its signed manifest no longer verifies', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '93',
      generated: 10,
    });
    const dir = outbox('tampered');
    const key = 'outbox-signing-key';
    const first = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: dir,
      manifestKey: key,
    });
    const file = first.files[0]!;
    const crash = sql`UPDATE submissions SET status = 'prepared', sha256 = NULL, sent_at = NULL
      WHERE cycle_id = ${cycleId}`;
    await db.execute(crash);
    // Its own file, reused as it stands when the manifest verifies.
    const retry = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: dir,
      manifestKey: key,
    });
    expect(retry.files.map((f) => [f.fileName, f.alreadySent, f.sha256])).toEqual(
      first.files.map((f) => [f.fileName, true, f.sha256]),
    );

    // Someone changes a payment and writes the new SHA-256 into the manifest, but cannot sign.
    const bytes = readFileSync(file.path, 'utf8');
    const changed = bytes.replace(/<Id>(\d)/, (_m, d: string) => `<Id>${(Number(d) + 1) % 10}`);
    expect(changed).not.toBe(bytes);
    writeFileSync(file.path, changed);
    const manifestFile = `${file.path}.manifest.json`;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, sha256: sha256(file.path) }));
    await db.execute(crash);

    const err = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: dir,
      manifestKey: key,
    }).catch((e) => e);
    expect(err.code).toBe('OUTBOX_CONFLICT');
    expect(err.message).toMatch(
      /already exists and holds a file with a manifest whose signature does not verify with this key; /,
    );
    expect(sha256(file.path)).not.toBe(file.sha256);
    const sent = await rows<{ sent: number }>(
      db,
      sql`SELECT count(*)::int AS sent FROM submissions
          WHERE cycle_id = ${cycleId} AND sent_at IS NOT NULL`,
    );
    expect(sent[0]!.sent).toBe(0);

    // The same file with its manifest unsigned is refused too while a key is set.
    const { signature: _s, ...unsigned } = manifest;
    writeFileSync(manifestFile, JSON.stringify({ ...unsigned, signature: null }));
    const bare = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: dir,
      manifestKey: key,
    }).catch((e) => e);
    expect(bare.code).toBe('OUTBOX_CONFLICT');
    expect(bare.message).toMatch(/holds a file with an unsigned manifest with this key; /);
  });

  it('takes the file creation time from the prepared record, not the clock', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '102',
      generated: 10,
    });
    const dir = outbox('prepared-before-crash');
    // A first run that died after recording its files and before writing any.
    const first = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });
    for (const f of first.files) {
      for (const suffix of ['', '.sha256', '.manifest.json']) unlinkSync(`${f.path}${suffix}`);
    }
    await db.execute(sql`
      UPDATE submissions SET status = 'prepared', sha256 = NULL, sent_at = NULL,
        created_at = '2026-12-01 08:00:00.654321+00'
      WHERE cycle_id = ${cycleId}`);

    const retry = await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });

    expect(retry.files.every((f) => !f.alreadySent)).toBe(true);
    const xml = readFileSync(retry.files[0]!.path, 'utf8');
    expect(texts(xml, 'CreDtTm')).toEqual(['2026-12-01T08:00:00Z']);
    expect(texts(xml, 'ReqdExctnDt')).toEqual(['2026-12-01']);
  });

  it('refuses a built cycle that is not yet sealed', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '101',
      generated: 5,
      sealed: false,
    });

    const err = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: outbox('built'),
    }).catch((e) => e);

    expect(err.code).toBe('CYCLE_STATE');
    expect(await cycleStatus(cycleId)).toBe('built');
  });

  it('refuses a cycle that does not exist', async () => {
    const err = await submitCycle(db, {
      cycleId: 999_999,
      submittedBy: 'efua.owusu',
      outbox: outbox('none'),
    }).catch((e) => e);

    expect(err.code).toBe('CYCLE_NOT_FOUND');
  });

  it.each([
    ['the payroll officer', 'akosua.mensah', 'ROLE_NOT_ALLOWED'],
    ['the approver', 'kwame.boateng', 'ROLE_NOT_ALLOWED'],
    ['the auditor', 'yaw.darko', 'ROLE_NOT_ALLOWED'],
    ['an unknown user', 'nobody', 'UNKNOWN_USER'],
  ])('refuses a submission by %s', async (_who, submittedBy, code) => {
    const err = await submitCycle(db, { cycleId: 1, submittedBy, outbox: outbox('who') }).catch(
      (e) => e,
    );

    expect(err.code).toBe(code);
  });

  it('refuses an outbox that cannot be written and leaves the cycle approved', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '100',
      generated: 5,
    });
    const notADir = outbox('plain-file');
    writeFileSync(notADir, 'x');

    const err = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: join(notADir, 'outbox'),
    }).catch((e) => e);

    expect(err.code).toBe('PAYMENT_FILE_INVALID');
    expect(err.details).toMatchObject({ code: 'ENOTDIR' });
    expect(await cycleStatus(cycleId)).toBe('approved');
    const subs = await rows(db, sql`SELECT id FROM submissions WHERE cycle_id = ${cycleId}`);
    expect(subs).toHaveLength(0);
  });

  it('refuses to send lines whose total differs from the seal', async () => {
    const { cycleId, total } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '99',
      generated: 5,
      sealed: false,
    });
    await db.execute(sql`
      UPDATE cycles SET total_amount = ${total}::numeric + 0.01, status = 'approved',
        seal_sha256 = md5('tampered') || md5('seal')
      WHERE id = ${cycleId}`);

    const err = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: outbox('seal'),
    }).catch((e) => e);

    expect(err.code).toBe('PAYMENT_FILE_INVALID');
    expect(await cycleStatus(cycleId)).toBe('approved');
  });

  it('refuses a retry that would split the cycle differently from the first run', async () => {
    const { cycleId } = await createCycle(db, {
      programme: 'LEAP',
      periodKey: '98',
      generated: 30,
    });
    const dir = outbox('resplit');
    await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox: dir });

    const err = await submitCycle(db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox: dir,
      maxTxPerFile: 5,
    }).catch((e) => e);

    expect(err.code).toBe('USAGE');
  });
});
