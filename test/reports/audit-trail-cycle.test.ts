import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileFile, resolveException } from '../../reconciliation/index.js';
import { writeReport } from '../../reports/index.js';
import { appendAudit } from '../../src/audit/audit-log.js';
import { rows, type Db } from '../../src/db/open.js';
import { resendRefusedFile } from '../../src/ghipss/resend.js';
import { parseMix } from '../../src/ghipss/simulator/mix.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from '../ghipss/fixtures.js';
import { dataRows, readPdfText, readWorkbook } from './read-back.js';

const officer = 'efua.owusu';
let t: TestDatabase;
let root: string;
let cycleId: number;
let otherCycleId: number;
let resentSubmission: number;
let settlementFile: number;
let resolved: number;

const audit = (db: Db, e: Parameters<typeof appendAudit>[1]) =>
  db.transaction(async (tx) => appendAudit(tx as unknown as Db, e));

/**
 * Cycle 101 is sent, every file refused whole; its e-zwich file is sent again, answered with some
 * lines rejected, reconciled, and one of the exceptions this raises is resolved. Cycle 102 is sent
 * too and has events of its own on its exceptions, payment files and lines: none may show.
 */
beforeAll(async () => {
  t = await createTestDatabase();
  root = mkdtempSync(join(tmpdir(), 'sika-audit-cycle-'));
  const outbox = join(root, 'outbox');
  const inbox = join(root, 'inbox');
  ({ cycleId } = await createCycle(t.db, { programme: 'LEAP', periodKey: '101', generated: 20 }));
  ({ cycleId: otherCycleId } = await createCycle(t.db, {
    programme: 'LEAP',
    periodKey: '102',
    generated: 5,
  }));
  await submitCycle(t.db, { cycleId, submittedBy: officer, outbox });
  await respondToOutbox({
    outbox,
    inbox,
    seed: 3,
    mix: parseMix({ refuseFileRate: 1, rejectRate: 0 }),
  });
  await resendRefusedFile(t.db, {
    cycleId,
    submittedBy: officer,
    outbox,
    fileName: 'SIKA_LEAP_101_EZWICH_001.xml',
    reason: 'GhIPSS refused the control sum; confirmed with their desk',
    refusalReport: join(inbox, 'SIKA_LEAP_101_EZWICH_001.pain002.xml'),
  });
  await respondToOutbox({ outbox, inbox, seed: 3, mix: parseMix({ rejectRate: 0.5 }) });
  const loaded = await reconcileFile(t.db, {
    path: join(inbox, 'SIKA_LEAP_101_EZWICH_001_R1.pain002.xml'),
    loadedBy: officer,
  });
  settlementFile = loaded.settlementFileId!;
  const [exception] = await rows<{ id: number }>(
    t.db,
    sql`SELECT id::int AS id FROM exceptions WHERE cycle_id = ${cycleId} ORDER BY id LIMIT 1`,
  );
  resolved = exception!.id;
  await resolveException(t.db, {
    exceptionId: resolved,
    by: officer,
    action: 'note',
    note: 'recipient told to visit the agent',
  });
  [{ id: resentSubmission }] = (await rows<{ id: number }>(
    t.db,
    sql`SELECT id FROM submissions WHERE file_name = 'SIKA_LEAP_101_EZWICH_001_R1.xml'`,
  )) as [{ id: number }];

  await submitCycle(t.db, {
    cycleId: otherCycleId,
    submittedBy: officer,
    outbox: join(root, 'outbox-102'),
  });
  const [other] = await rows<{ exception: number; submission: number }>(
    t.db,
    sql`WITH x AS (
          INSERT INTO exceptions (cycle_id, kind, detail)
          VALUES (${otherCycleId}, 'unknown_reference', 'fixture') RETURNING id)
        SELECT (SELECT id::int FROM x) AS exception,
               (SELECT min(id) FROM submissions WHERE cycle_id = ${otherCycleId}) AS submission`,
  );
  await resolveException(t.db, {
    exceptionId: other!.exception,
    by: officer,
    action: 'note',
    note: 'not ours',
  });
  await audit(t.db, {
    actor: officer,
    action: 'submission.resend',
    entity: 'submission',
    entityId: other!.submission,
  });
  await audit(t.db, {
    actor: officer,
    action: 'lines.unconfirmed',
    entity: 'payroll_lines',
    entityId: `${cycleId},${otherCycleId}`,
    detail: { cycleIds: [cycleId, otherCycleId] },
  });
  await audit(t.db, {
    actor: officer,
    action: 'lines.unconfirmed',
    entity: 'payroll_lines',
    entityId: String(otherCycleId),
    detail: { cycleIds: [otherCycleId] },
  });
});

afterAll(async () => {
  await t.drop();
  rmSync(root, { recursive: true, force: true });
});

const write = (format: 'pdf' | 'xlsx') =>
  writeReport(t.db, {
    kind: 'audit-trail',
    cycleId,
    format,
    outDir: join(root, 'reports'),
    generatedBy: 'yaw.darko',
    now: new Date('2026-12-20T12:00:00Z'),
  });

describe('the audit trail of a cycle', () => {
  it('lists the events on its exceptions, payment files, settlement files and lines in XLSX', async () => {
    const report = await write('xlsx');
    const wb = await readWorkbook(report.path);
    const events = dataRows(wb.getWorksheet('Events')!).map((r) => [
      r[3]!.value,
      r[4]!.value,
      r[5]!.value,
    ]);
    expect(events).toEqual([
      ['cycle.submit', 'cycle', String(cycleId)],
      ['submission.resend', 'submission', String(resentSubmission)],
      // The resent file leaves as any prepared one does, through a submission of the cycle.
      ['cycle.submit', 'cycle', String(cycleId)],
      ['settlement.load', 'settlement_file', String(settlementFile)],
      ['exception.resolve', 'exception', String(resolved)],
      ['lines.unconfirmed', 'payroll_lines', `${cycleId},${otherCycleId}`],
    ]);
    expect(report.rows).toBe(6);
    // The chain check still covers every event, the other cycle's too.
    const [check] = dataRows(wb.getWorksheet('Chain check')!);
    expect([check![0]!.value, check![1]!.value]).toEqual(['ok', 10]);
  });

  it('prints the resend and the resolution in the PDF', async () => {
    const text = (await readPdfText((await write('pdf')).path)).pages.join(' ');
    expect(text).toContain('AUDIT TRAIL INTACT: all 10 events verified');
    expect(text).toContain(`submission.resend submission ${resentSubmission}`);
    expect(text).toContain(`exception.resolve exception ${resolved}`);
    expect(text).toContain(`settlement.load settlement_file ${settlementFile}`);
    expect(text).not.toContain(`lines.unconfirmed payroll_lines ${otherCycleId} `);
    expect(text.match(/exception\.resolve/g)).toHaveLength(1);
    expect(text.match(/submission\.resend/g)).toHaveLength(1);
  });
});
