import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileDirectory } from '../../reconciliation/index.js';
import { resolveException } from '../../reconciliation/resolve-exception.js';
import { rows, type Db } from '../../src/db/open.js';
import { nextAttemptIds, resendRefusedFile } from '../../src/ghipss/resend.js';
import { parseMix } from '../../src/ghipss/simulator/mix.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';
import { texts } from './xml-helpers.js';

let tdb: TestDatabase;
let db: Db;
let root: string;
let cycleId: number;
let outbox: string;
const refusalReport = (messageId: string) =>
  Promise.resolve(
    join(root, 'in-1', `${messageId.replace(/R(\d+)$/, '_R$1').replaceAll('-', '_')}.pain002.xml`),
  );
const officer = 'efua.owusu';

async function submissionRows() {
  return rows<{ file_name: string; message_id: string; payment_info_id: string; status: string }>(
    db,
    sql`SELECT file_name, message_id, payment_info_id, status FROM submissions
        WHERE cycle_id = ${cycleId} ORDER BY id`,
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  root = mkdtempSync(join(tmpdir(), 'sika-resend-'));
  ({ cycleId } = await createCycle(db, { programme: 'LEAP', periodKey: '101', generated: 20 }));
  outbox = join(root, 'outbox');
  await submitCycle(db, { cycleId, submittedBy: officer, outbox });
  // The switch refuses every file whole for its control sum.
  await respondToOutbox({
    outbox,
    inbox: join(root, 'in-1'),
    seed: 3,
    mix: parseMix({ refuseFileRate: 1, rejectRate: 0 }),
  });
});

afterAll(async () => {
  await tdb.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('sending a refused file again', () => {
  it('numbers the attempts in the ids and the file name', () => {
    const first = {
      messageId: 'SIKA-LEAP-101-EZWICH-001',
      paymentInfoId: 'PMT-LEAP-101-EZWICH-001',
      fileName: 'SIKA_LEAP_101_EZWICH_001.xml',
    };
    const second = nextAttemptIds(first);
    expect(second).toEqual({
      messageId: 'SIKA-LEAP-101-EZWICH-001R1',
      paymentInfoId: 'PMT-LEAP-101-EZWICH-001R1',
      fileName: 'SIKA_LEAP_101_EZWICH_001_R1.xml',
    });
    expect(nextAttemptIds(second).fileName).toBe('SIKA_LEAP_101_EZWICH_001_R2.xml');
  });

  it('sends it under a new message id, audited, and the switch accepts it', async () => {
    const inbox = join(root, 'in-1');
    const first = readFileSync(join(inbox, 'SIKA_LEAP_101_EZWICH_001.pain002.xml'), 'utf8');
    expect(texts(first, 'GrpSts')).toEqual(['RJCT']);
    const r = await resendRefusedFile(db, {
      refusalReport,
      cycleId,
      submittedBy: officer,
      outbox,
      fileName: 'SIKA_LEAP_101_EZWICH_001.xml',
      reason: 'GhIPSS refused the control sum; confirmed with their desk',
    });

    expect(r.files.map((f) => [f.fileName, f.alreadySent])).toEqual([
      ['SIKA_LEAP_101_EZWICH_001_R1.xml', false],
      ['SIKA_LEAP_101_MOMO_001.xml', true],
      ['SIKA_LEAP_101_BANK_001.xml', true],
    ]);
    expect(
      (await submissionRows()).map((s) => [s.message_id, s.payment_info_id, s.status]),
    ).toEqual([
      ['SIKA-LEAP-101-EZWICH-001R1', 'PMT-LEAP-101-EZWICH-001R1', 'sent'],
      ['SIKA-LEAP-101-MOMO-001', 'PMT-LEAP-101-MOMO-001', 'sent'],
      ['SIKA-LEAP-101-BANK-001', 'PMT-LEAP-101-BANK-001', 'sent'],
    ]);
    // The refused file stays where it was, as evidence.
    expect(existsSync(join(outbox, 'SIKA_LEAP_101_EZWICH_001.xml'))).toBe(true);
    const resent = readFileSync(join(outbox, 'SIKA_LEAP_101_EZWICH_001_R1.xml'), 'utf8');
    expect(texts(resent, 'MsgId')).toEqual(['SIKA-LEAP-101-EZWICH-001R1']);

    const [audit] = await rows<{ actor: string; entity: string; detail: Record<string, string> }>(
      db,
      sql`SELECT actor, entity, detail FROM audit_events WHERE action = 'submission.resend'`,
    );
    expect(audit).toMatchObject({
      actor: officer,
      entity: 'submission',
      detail: {
        cycleId: String(cycleId),
        reason: 'GhIPSS refused the control sum; confirmed with their desk',
        refusedBy: 'SIKA_LEAP_101_EZWICH_001.pain002.xml',
        fileName: 'SIKA_LEAP_101_EZWICH_001.xml',
        messageId: 'SIKA-LEAP-101-EZWICH-001',
        newFileName: 'SIKA_LEAP_101_EZWICH_001_R1.xml',
        newMessageId: 'SIKA-LEAP-101-EZWICH-001R1',
      },
    });

    const { answered } = await respondToOutbox({
      outbox,
      inbox: join(root, 'in-1'),
      seed: 3,
      mix: parseMix({ rejectRate: 0 }),
    });
    expect(answered.map((a) => [a.request, a.accepted, a.rejected])).toEqual([
      ['SIKA_LEAP_101_EZWICH_001_R1.xml', 12, 0],
    ]);
  });

  it('refuses a file the switch did not refuse whole, and a resend without a reason', async () => {
    const base = { cycleId, submittedBy: officer, outbox, refusalReport };
    await expect(
      resendRefusedFile(db, {
        ...base,
        fileName: 'SIKA_LEAP_101_EZWICH_001_R1.xml',
        reason: 'again',
      }),
    ).rejects.toMatchObject({ code: 'USAGE', message: /not refused as a whole/ });
    await expect(
      resendRefusedFile(db, { ...base, fileName: 'SIKA_LEAP_101_MOMO_001.xml', reason: ' ' }),
    ).rejects.toMatchObject({ code: 'USAGE', message: /--reason/ });
    await expect(
      resendRefusedFile(db, { ...base, fileName: 'NO_SUCH.xml', reason: 'typo' }),
    ).rejects.toMatchObject({ code: 'USAGE', message: /no payment file NO_SUCH\.xml/ });
    await expect(
      resendRefusedFile(db, {
        ...base,
        submittedBy: 'akosua.mensah',
        fileName: 'SIKA_LEAP_101_MOMO_001.xml',
        reason: 'refused',
      }),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
  });

  it('says what is really wrong with a resend it refuses', async () => {
    const base = { cycleId, submittedBy: officer, outbox, refusalReport };
    const inbox = join(root, 'in-1');
    const refused = (fileName: string, more: Partial<Parameters<typeof resendRefusedFile>[1]>) =>
      resendRefusedFile(db, { ...base, fileName, reason: 'refused again', ...more }).then(
        () => 'no refusal',
        (e: { code: string; message: string }) => [e.code, e.message],
      );

    expect(await refused('SIKA_LEAP_101_EZWICH_001.xml', {})).toEqual([
      'USAGE',
      'SIKA_LEAP_101_EZWICH_001.xml was already sent again, as SIKA_LEAP_101_EZWICH_001_R1.xml ' +
        '(message SIKA-LEAP-101-EZWICH-001R1): to send it once more, name ' +
        "SIKA_LEAP_101_EZWICH_001_R1.xml and the switch's refusal of that file",
    ]);
    expect(
      await refused('SIKA_LEAP_101_MOMO_001.xml', {
        refusalReport: join(inbox, 'SIKA_LEAP_101_BANK_001.pain002.xml'),
      }),
    ).toEqual([
      'USAGE',
      'SIKA_LEAP_101_BANK_001.pain002.xml is the status report of SIKA_LEAP_101_BANK_001.xml ' +
        '(message SIKA-LEAP-101-BANK-001), not of SIKA_LEAP_101_MOMO_001.xml (message ' +
        "SIKA-LEAP-101-MOMO-001): give the switch's report on SIKA_LEAP_101_MOMO_001.xml with " +
        '--refusal',
    ]);
    expect(await refused(join(inbox, 'SIKA_LEAP_101_MOMO_001.pain002.xml'), {})).toEqual([
      'USAGE',
      'SIKA_LEAP_101_MOMO_001.pain002.xml is a status report, not a payment file: name the ' +
        'payment file it answers with --resend (as sika submit printed it) and this report ' +
        'with --refusal',
    ]);
    expect(await refused('SIKA_LEAP_101_EZWICH_001_R1.xml', {})).toEqual([
      'USAGE',
      'SIKA_LEAP_101_EZWICH_001_R1.xml was not refused as a whole: its status report ' +
        'SIKA_LEAP_101_EZWICH_001_R1.pain002.xml says group status ACSC, and only a file ' +
        'refused whole (RJCT) can be sent again',
    ]);
    expect(await refused('SIKA_LEAP_101_MOMO_001.xml', { reason: ' ok ' })).toEqual([
      'USAGE',
      '--reason must say why the file is sent again, in at least 3 characters (got 2)',
    ]);
    // Nothing of those attempts changed a submission.
    expect((await submissionRows()).map((s) => s.file_name)).toEqual([
      'SIKA_LEAP_101_EZWICH_001_R1.xml',
      'SIKA_LEAP_101_MOMO_001.xml',
      'SIKA_LEAP_101_BANK_001.xml',
    ]);
  });

  it('refuses once the refusal is reconciled: its lines are failed by then', async () => {
    await reconcileDirectory(db, { dir: join(root, 'in-1'), loadedBy: officer });
    await expect(
      resendRefusedFile(db, {
        cycleId,
        submittedBy: officer,
        outbox,
        refusalReport,
        fileName: 'SIKA_LEAP_101_MOMO_001.xml',
        reason: 'refused for the control sum',
      }),
    ).rejects.toMatchObject({
      code: 'CYCLE_STATE',
      message:
        'SIKA_LEAP_101_MOMO_001.xml cannot be sent again: its refusal ' +
        '(SIKA_LEAP_101_MOMO_001.pain002.xml) is already reconciled, which failed all 6 payments ' +
        'of the file. To pay them, resolve their exceptions "pay again" (sika exceptions list ' +
        `--cycle ${cycleId} --state open, then sika exceptions resolve ID --action pay_again ` +
        '--note TEXT --as USER): the next cycle built pays them.',
    });

    // The route the refusal names is open: each failed line's exception says so and takes it.
    const open = await rows<{ id: number; reason_code: string; action: string }>(
      db,
      sql`SELECT e.id::int, e.reason_code, e.action FROM exceptions e
          JOIN payroll_lines l ON l.id = e.payroll_line_id
          JOIN submissions s ON s.cycle_id = l.cycle_id AND s.channel = l.channel
          WHERE s.file_name = 'SIKA_LEAP_101_MOMO_001.xml' AND e.state = 'open' ORDER BY e.id`,
    );
    expect(open.map((e) => [e.reason_code, e.action])).toEqual(
      Array(6).fill([
        'AM10',
        'Resolve "pay again" so the next cycle pays the line (the refused file can no longer be resent)',
      ]),
    );
    const resolved = await resolveException(db, {
      exceptionId: open[0]!.id,
      action: 'pay_again',
      note: 'refused file, pay in the next cycle',
      by: officer,
    });
    expect(resolved.state).toBe('carried');
  });
});
