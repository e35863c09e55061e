import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_KINDS, writeReport } from '../../reports/index.js';
import { appendAudit } from '../../src/audit/audit-log.js';
import { rows, type Db } from '../../src/db/open.js';
import { formatCedi, money } from '../../src/money.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { dataRows, readPdfText, readWorkbook, totalRows } from './read-back.js';
import { createLeapCycle, createLipwCycle, FORMULA_NAME } from './register-fixtures.js';

const NOW = new Date('2026-12-20T12:00:00Z');
let t: TestDatabase;
let outDir: string;
let leap105: number;
let leap106: number;
let lipwFirst: number;
let lipwSecond: number;

/**
 * Cycle 105 pays households 1-60; cycle 106 drops 1-3, adds 61-65 (65 named "=..."), and pays
 * households 10-14 one tier more (530 stays 530 for tier 4, so only tiers 1-3 change).
 */
beforeAll(async () => {
  t = await createTestDatabase();
  outDir = await mkdtemp(join(tmpdir(), 'sika-more-reports-'));
  const tier = (i: number) => (i % 4) + 1;
  leap105 = await createLeapCycle(t.db, {
    cycleNumber: 105,
    lines: Array.from({ length: 60 }, (_, k) => ({ i: k + 1 })),
  });
  leap106 = await createLeapCycle(t.db, {
    cycleNumber: 106,
    lines: Array.from({ length: 62 }, (_, k) => {
      const i = k + 4;
      return {
        i,
        members: i >= 10 && i <= 14 ? Math.min(4, tier(i) + 1) : undefined,
        name: i === 65 ? FORMULA_NAME : undefined,
      };
    }),
  });
  lipwFirst = await createLipwCycle(t.db, {
    start: '2026-10-19',
    end: '2026-11-01',
    workers: [1, 2, 3].map((i) => ({ i, days: 5 })),
  });
  lipwSecond = await createLipwCycle(t.db, {
    start: '2026-11-02',
    end: '2026-11-15',
    workers: [2, 3, 4].map((i) => ({ i, days: i === 3 ? 8 : 5 })),
  });
});

afterAll(async () => {
  await t.drop();
  await rm(outDir, { recursive: true, force: true });
});

const write = (kind: (typeof REPORT_KINDS)[number], cycleId: number, format: 'pdf' | 'xlsx') =>
  writeReport(t.db, { kind, cycleId, format, outDir, generatedBy: 'yaw.darko', now: NOW });

describe('every report kind', () => {
  it.each(
    REPORT_KINDS.flatMap((kind) =>
      (['pdf', 'xlsx'] as const).flatMap((format) =>
        (['LEAP', 'LIPW'] as const).map((programme) => [kind, format, programme] as const),
      ),
    ),
  )('writes %s as %s for a %s cycle', async (kind, format, programme) => {
    const cycleId = programme === 'LEAP' ? leap106 : lipwSecond;
    const report = await write(kind, cycleId, format);
    const stem = programme === 'LEAP' ? 'LEAP-106' : 'LIPW-2026-11-02_2026-11-15';
    expect(basename(report.path)).toBe(`${stem}-${kind}.${format}`);
  });
});

describe('payment summary', () => {
  it('sums households, eligible members and amounts by channel as the database does', async () => {
    const expected = await rows<{ channel: string; n: number; members: number; total: string }>(
      t.db,
      sql`SELECT channel, count(*)::int AS n, sum(eligible_members)::int AS members,
                 sum(amount)::text AS total
          FROM payroll_lines WHERE cycle_id = ${leap106} GROUP BY channel ORDER BY channel`,
    );
    const report = await write('payment-summary', leap106, 'xlsx');
    const wb = await readWorkbook(report.path);
    const ws = wb.getWorksheet('By channel')!;
    expect(
      dataRows(ws).map((r) => ({
        channel: r[0]!.value,
        n: r[1]!.value,
        members: r[2]!.value,
        total: (r[5]!.value as number).toFixed(2),
      })),
    ).toEqual(expected);
    const [grand] = totalRows(ws);
    expect(grand![1]!.value).toBe(62);
    expect((grand![5]!.value as number).toFixed(2)).toBe(report.total);

    const area = wb.getWorksheet('By area and channel')!;
    const karaga = dataRows(area).find(
      (r) => r[0]!.value === 'district' && r[2]!.value === 'Karaga (NR-02)',
    )!;
    const [k] = await rows<{ n: number; total: string }>(
      t.db,
      sql`SELECT count(*)::int AS n, sum(amount)::text AS total FROM payroll_lines
          WHERE cycle_id = ${leap106} AND district_code = 'NR-02'`,
    );
    expect(karaga[4]!.value).toBe(k!.n);
    expect((karaga[8]!.value as number).toFixed(2)).toBe(k!.total);
  });

  it('prints the district, region and grand totals in the PDF', async () => {
    const report = await write('payment-summary', leap106, 'pdf');
    const all = (await readPdfText(report.path)).pages.join(' ');
    expect(all).toContain('Total Karaga (NR-02) all');
    expect(all).toContain('Total region Northern (NR) all');
    expect(all).toContain(`Grand total all 62`);
    expect(all).toContain(formatCedi(money(report.total!)));
  });
});

describe('variance report', () => {
  it('counts new, dropped and changed beneficiaries against the previous LEAP cycle', async () => {
    const report = await write('variance', leap106, 'xlsx');
    const wb = await readWorkbook(report.path);
    const listing = dataRows(wb.getWorksheet('Beneficiaries')!).map((r) => [
      r[2]!.value,
      r[3]!.value,
    ]);
    const of = (change: string) =>
      listing
        .filter(([c]) => c === change)
        .map(([, ref]) => String(ref))
        .sort();
    expect(of('new')).toEqual(['HH0000061', 'HH0000062', 'HH0000063', 'HH0000064', 'HH0000065']);
    expect(of('dropped')).toEqual(['HH0000001', 'HH0000002', 'HH0000003']);
    // Households 10-14 move up a tier, except 11 (tier 4 already).
    expect(of('changed')).toEqual(['HH0000010', 'HH0000012', 'HH0000013', 'HH0000014']);
    expect(report.rows).toBe(12);

    const [totals] = await rows<{ prev: string; cur: string }>(
      t.db,
      sql`SELECT (SELECT sum(amount) FROM payroll_lines WHERE cycle_id = ${leap105})::text AS prev,
                 (SELECT sum(amount) FROM payroll_lines WHERE cycle_id = ${leap106})::text AS cur`,
    );
    expect(report.total).toBe(money(totals!.cur).minus(money(totals!.prev)).toFixed(2));
    const [net] = totalRows(wb.getWorksheet('Comparison')!);
    expect((net![2]!.value as number).toFixed(2)).toBe(report.total);
  });

  it('shows each district with its new, dropped and changed counts and amounts', async () => {
    const report = await write('variance', leap106, 'xlsx');
    const ws = (await readWorkbook(report.path)).getWorksheet('By district')!;
    const got = dataRows(ws).map((r) => [r[1]!.value, r[2]!.value, r[4]!.value, r[6]!.value]);
    // i % 3: 0 -> Gushegu (NR-01), 1 -> Karaga (NR-02), 2 -> Ablekuma Central (GA-01).
    expect(got).toEqual([
      ['Ablekuma Central (GA-01)', 2, 1, 1],
      ['Gushegu (NR-01)', 1, 1, 1],
      ['Karaga (NR-02)', 2, 1, 2],
    ]);
    const [grand] = totalRows(ws);
    expect([grand![2]!.value, grand![4]!.value, grand![6]!.value]).toEqual([5, 3, 4]);
  });

  it('writes the changed beneficiaries with both amounts in the PDF', async () => {
    const report = await write('variance', leap106, 'pdf');
    const all = (await readPdfText(report.path)).pages.join(' ');
    expect(all).toContain('LEAP cycle 105');
    // Household 10: tier 3 (440) in 105, tier 4 (530) in 106.
    expect(all).toContain('amount changed HH0000010 Ɛfua Ɔwusu 10 GH¢ 440.00 GH¢ 530.00 GH¢ 90.00');
    expect(all).toContain('dropped HH0000001 Ɛfua Ɔwusu 1 GH¢ 380.00 -GH¢ 380.00');
  });

  it('keeps a recipient name starting with "=" as text in the XLSX listing', async () => {
    const report = await write('variance', leap106, 'xlsx');
    const ws = (await readWorkbook(report.path)).getWorksheet('Beneficiaries')!;
    const row = dataRows(ws).find((r) => r[3]!.value === 'HH0000065')!;
    expect(row[4]!.value).toBe(`'${FORMULA_NAME}`);
    expect(row[4]!.formula).toBeUndefined();
  });

  it('compares a LIPW pay period with the period before it', async () => {
    const report = await write('variance', lipwSecond, 'xlsx');
    const ws = (await readWorkbook(report.path)).getWorksheet('Beneficiaries')!;
    expect(dataRows(ws).map((r) => [r[2]!.value, r[3]!.value, r[7]!.value])).toEqual([
      ['new', 'WK0000004', 99.85],
      ['dropped', 'WK0000001', -99.85],
      ['changed', 'WK0000003', 59.91],
    ]);
  });

  it.each(['pdf', 'xlsx'] as const)(
    'says there is no previous cycle for the first LIPW period (%s)',
    async (format) => {
      const report = await write('variance', lipwFirst, format);
      expect(report.rows).toBe(0);
      expect(report.total).toBe('0.00');
      const text =
        format === 'pdf'
          ? (await readPdfText(report.path)).pages.join(' ')
          : String(
              dataRows((await readWorkbook(report.path)).getWorksheet('Comparison')!)[0]![0]!.value,
            );
      expect(text).toContain('No previous cycle of this programme');
    },
  );
});

describe('audit trail extract', () => {
  const audit = (db: Db, e: Parameters<typeof appendAudit>[1]) =>
    db.transaction(async (tx) => appendAudit(tx as unknown as Db, e));

  beforeAll(async () => {
    await audit(t.db, {
      actor: 'akosua.mensah',
      action: 'cycle.build',
      entity: 'cycle',
      entityId: leap106,
      detail: { lines: '62' },
    });
    await audit(t.db, {
      actor: 'akosua.mensah',
      action: 'cycle.build',
      entity: 'cycle',
      entityId: leap105,
    });
    await audit(t.db, {
      actor: 'kwame.boateng',
      action: 'cycle.approve',
      entity: 'cycle',
      entityId: leap106,
    });
    await audit(t.db, {
      actor: 'efua.owusu',
      action: 'settlement.load',
      entity: 'settlement_file',
      entityId: 77,
      detail: { cycleIds: [leap106] },
    });
    await audit(t.db, {
      actor: 'efua.owusu',
      action: 'settlement.load',
      entity: 'settlement_file',
      entityId: 78,
      detail: { cycleIds: [leap105] },
    });
  });

  it('lists the events of the cycle and the settlement loads that touched it, and an intact chain', async () => {
    const report = await write('audit-trail', leap106, 'xlsx');
    // An extract of events has no money total to give.
    expect([report.rows, report.total]).toEqual([3, null]);
    const wb = await readWorkbook(report.path);
    const events = dataRows(wb.getWorksheet('Events')!).map((r) => [r[3]!.value, r[5]!.value]);
    expect(events).toEqual([
      ['cycle.build', String(leap106)],
      ['cycle.approve', String(leap106)],
      ['settlement.load', '77'],
    ]);
    const [check] = dataRows(wb.getWorksheet('Chain check')!);
    expect(check![0]!.value).toBe('ok');
    expect(check![1]!.value).toBe(5);
    const pdf = (await readPdfText((await write('audit-trail', leap106, 'pdf')).path)).pages[0]!;
    expect(pdf).toContain('AUDIT TRAIL INTACT: all 5 events verified');
  });

  it('prints the first broken event when the chain was tampered with', async () => {
    const [target] = await rows<{ id: number }>(
      t.db,
      sql`SELECT id::int AS id FROM audit_events WHERE action = 'cycle.approve'`,
    );
    await t.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    await t.db.execute(sql`UPDATE audit_events SET actor = 'mallory' WHERE id = ${target!.id}`);
    await t.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER USER`);

    const pdf = (await readPdfText((await write('audit-trail', leap106, 'pdf')).path)).pages[0]!;
    expect(pdf).toContain(`AUDIT TRAIL BROKEN at event id ${target!.id}`);
    const wb = await readWorkbook((await write('audit-trail', leap106, 'xlsx')).path);
    const [check] = dataRows(wb.getWorksheet('Chain check')!);
    expect([check![0]!.value, check![2]!.value]).toEqual(['BROKEN', target!.id]);
  });
});
