import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../src/audit/audit-log.js';
import { rows } from '../../src/db/open.js';
import { createTestDatabase, pgFailure, type TestDatabase } from '../helpers/database.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe('the database', () => {
  it('holds the 16 regions, 261 districts and the four grant schedules', async () => {
    const [counts] = await rows<{ regions: number; districts: number; schedules: number }>(
      t.db,
      sql`SELECT (SELECT count(*)::int FROM regions) AS regions,
                 (SELECT count(*)::int FROM districts) AS districts,
                 (SELECT count(*)::int FROM grant_schedules) AS schedules`,
    );
    expect(counts).toEqual({ regions: 16, districts: 261, schedules: 4 });
  });

  it('migrates twice without change', async () => {
    await t.migrate();
    const [n] = await rows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM regions`);
    expect(n!.n).toBe(16);
  });
});

describe('the audit trail', () => {
  it('chains events and verifies them', async () => {
    await appendAudit(t.db, {
      actor: 'admin',
      action: 'test.one',
      entity: 'cycle',
      entityId: 1,
      detail: { b: 1, a: 'x' },
    });
    await appendAudit(t.db, { actor: 'admin', action: 'test.two', entity: 'cycle', entityId: 1 });
    expect(await verifyAuditChain(t.db)).toEqual({ events: 2, ok: true });
  });

  it('refuses to update or delete an event', async () => {
    expect(await pgFailure(t.db.execute(sql`UPDATE audit_events SET actor = 'mallory'`))).toEqual({
      code: 'P0001',
      message: 'audit_events is append-only',
    });
    expect((await pgFailure(t.db.execute(sql`DELETE FROM audit_events`))).code).toBe('P0001');
  });

  it('detects an event altered behind the triggers', async () => {
    await t.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    await t.db.execute(
      sql`UPDATE audit_events SET detail = '{"b":2,"a":"x"}' WHERE action = 'test.one'`,
    );
    await t.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    const check = await verifyAuditChain(t.db);
    expect(check.ok).toBe(false);
    expect(check.events).toBe(0);
  });
});

describe('sealed payroll lines', () => {
  it('guard every column but the settlement status against updates', async () => {
    const columns = await rows<{ column_name: string }>(
      t.db,
      sql`SELECT column_name FROM information_schema.columns
          WHERE table_name = 'payroll_lines' AND column_name NOT IN ('id', 'status', 'status_reason')
          ORDER BY column_name`,
    );
    const guarded = await rows<{ event_object_column: string }>(
      t.db,
      sql`SELECT event_object_column FROM information_schema.triggered_update_columns
          WHERE trigger_name = 'payroll_lines_sealed_guard' ORDER BY event_object_column`,
    );
    expect(guarded.map((g) => g.event_object_column)).toEqual(columns.map((c) => c.column_name));
  });
});
