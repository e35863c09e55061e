import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database, type Db } from '../../src/db/open.js';
import { seedReferenceData } from '../../src/reference/seed.js';
import { reconcileFile } from '../../reconciliation/reconcile.js';
import { createTestDatabase, pgFailure, type TestDatabase } from '../helpers/database.js';
import { createSubmittedCycle, endToEndId, FIXTURES, messageId, writePain002 } from './fixtures.js';

/**
 * settlement_records and line_status_events have no per-row foreign keys: statement triggers
 * check their references. These tests make sure a bad reference is still refused, and that
 * the whole reconciliation runs the same on the embedded database.
 */
let t: TestDatabase;
let lineId: number;
let fileId: number;
let recordId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  const { lines } = await createSubmittedCycle(t.db, { cycleNumber: 701, lines: ['304.00'] });
  lineId = lines[0]!.id;
  const [f] = await rows<{ id: number }>(
    t.db,
    sql`INSERT INTO settlement_files (sha256, file_name, format, loaded_by)
        VALUES ('x', 'x.xml', 'pain.002', 'efua.owusu') RETURNING id`,
  );
  fileId = f!.id;
  const [r] = await rows<{ id: number }>(
    t.db,
    sql`INSERT INTO settlement_records (settlement_file_id, status, outcome, payroll_line_id)
        VALUES (${fileId}, 'ACSC', 'matched', ${lineId}) RETURNING id::int`,
  );
  recordId = r!.id;
  await t.db.execute(sql`
    INSERT INTO line_status_events (payroll_line_id, from_status, to_status, settlement_record_id)
    VALUES (${lineId}, 'pending', 'pending', ${recordId})`);
});
afterAll(async () => {
  await t.drop();
});

describe('references checked once per statement', () => {
  it.each([
    [
      'a record naming a line that does not exist',
      () => sql`INSERT INTO settlement_records (settlement_file_id, status, outcome, payroll_line_id)
                VALUES (${fileId}, 'ACSC', 'matched', 1), (${fileId}, 'ACSC', 'matched', 999999)`,
      'settlement_records names a payroll line that does not exist',
    ],
    [
      'a record of a file that does not exist',
      () => sql`INSERT INTO settlement_records (settlement_file_id, status, outcome)
                VALUES (999999, 'ACSC', 'unknown_reference')`,
      'settlement_records names a settlement file that does not exist',
    ],
    [
      'a record moved to a line that does not exist',
      () => sql`UPDATE settlement_records SET payroll_line_id = 999999 WHERE id = ${recordId}`,
      'settlement_records names a payroll line that does not exist',
    ],
    [
      'an event of a line that does not exist',
      () => sql`INSERT INTO line_status_events (payroll_line_id, from_status, to_status)
                VALUES (999999, 'pending', 'paid')`,
      'line_status_events names a payroll line that does not exist',
    ],
    [
      'an event naming a record that does not exist',
      () => sql`INSERT INTO line_status_events (payroll_line_id, from_status, to_status,
                                                settlement_record_id)
                VALUES (${lineId}, 'pending', 'paid', 999999)`,
      'line_status_events names a settlement record that does not exist',
    ],
    [
      'deleting a record an event names',
      () => sql`DELETE FROM settlement_records WHERE id = ${recordId}`,
      'settlement records named by status events cannot be deleted',
    ],
    [
      'deleting a file that has records',
      () => sql`DELETE FROM settlement_files WHERE id = ${fileId}`,
      'settlement files with records cannot be deleted',
    ],
  ])('refuses %s (23503)', async (_what, query, message) => {
    expect(await pgFailure(t.db.execute(query()))).toEqual({ code: '23503', message });
  });

  it('refuses deleting a line a record names, even of an unsealed cycle', async () => {
    const [c] = await rows<{ id: number }>(
      t.db,
      sql`INSERT INTO cycles (programme, cycle_number, period_key, period_start, period_end,
                              status, built_by)
          VALUES ('LEAP', 703, '703', '2030-01-01', '2030-02-28', 'built', 'akosua.mensah')
          RETURNING id`,
    );
    const [l] = await rows<{ id: number }>(
      t.db,
      sql`INSERT INTO payroll_lines (cycle_id, line_no, programme, period_key, beneficiary_ref,
            recipient_name, region_code, district_code, channel, account_number, base_amount,
            amount, end_to_end_id)
          VALUES (${c!.id}, 1, 'LEAP', '703', 'HH0000001', 'Test Recipient', 'NR', 'NR-01',
                  'ezwich', '9900000001', 304, 304, ${endToEndId(703, 1)})
          RETURNING id::int`,
    );
    await t.db.execute(sql`
      INSERT INTO settlement_records (settlement_file_id, status, outcome, payroll_line_id)
      VALUES (${fileId}, 'ACSC', 'matched', ${l!.id})`);
    const failure = await pgFailure(
      t.db.execute(sql`DELETE FROM payroll_lines WHERE cycle_id = ${c!.id}`),
    );
    expect(failure).toEqual({
      code: '23503',
      message: 'payroll lines named by settlement records or status events cannot be deleted',
    });
  });
});

async function reconcileOn(db: Db, dir: string) {
  const { cycleId } = await createSubmittedCycle(db, {
    cycleNumber: 702,
    lines: ['304.00', '380.00', '440.00'],
  });
  const path = await writePain002(dir, 'part-702.xml', {
    messageId: 'RSP-702',
    originalMessageId: messageId(702, 'ezwich', 1),
    groupStatus: 'PART',
    txs: [{ endToEndId: endToEndId(702, 2), status: 'RJCT', reason: 'AC04', amount: '380.00' }],
  });
  const r = await reconcileFile(db, { path, loadedBy: 'efua.owusu' });
  const states = await rows<{ status: string }>(
    db,
    sql`SELECT status FROM payroll_lines WHERE cycle_id = ${cycleId} ORDER BY line_no`,
  );
  return { r, states: states.map((s) => s.status) };
}

describe('the same reconciliation on PGlite', () => {
  let database: Database;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sika-recon-pglite-'));
    database = await openDatabase({ dbDir: join(dir, 'pglite') });
    await database.migrate();
    await seedReferenceData(database.db);
  }, 120_000);
  afterAll(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pays the lines a PART report leaves out, fails the rejected one, and the equation holds', async () => {
    const { r, states } = await reconcileOn(database.db, dir);
    expect(r).toMatchObject({ records: 1, matched: 1, paid: 2, failed: 1, exceptions: 1 });
    expect(states).toEqual(['paid', 'failed', 'paid']);
    const control = r.cycles[0]!.control;
    expect(control.byStatus.paid.amount.toFixed(2)).toBe('744.00');
    expect(control.byStatus.failed.amount.toFixed(2)).toBe('380.00');
    expect(control.holds).toBe(true);
  });

  it('reads and reconciles the camt.052 fixture', async () => {
    await createSubmittedCycle(database.db, {
      cycleNumber: 405,
      lines: ['304.00', '380.00', '440.00', '530.00'],
    });
    const r = await reconcileFile(database.db, {
      path: join(FIXTURES, 'camt052-405.xml'),
      loadedBy: 'efua.owusu',
    });
    expect(r).toMatchObject({ records: 5, matched: 4, paid: 3, returned: 1, exceptions: 2 });
  });

  it('refuses an event of a line that does not exist there too', async () => {
    const err = await database.db
      .execute(
        sql`INSERT INTO line_status_events (payroll_line_id, from_status, to_status)
            VALUES (999999, 'pending', 'paid')`,
      )
      .catch((e: unknown) => e);
    expect(String((err as { cause?: Error }).cause?.message ?? err)).toMatch(
      /line_status_events names a payroll line that does not exist/,
    );
  });
});
