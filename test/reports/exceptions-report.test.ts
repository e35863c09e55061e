import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/write-report.js';
import { MONEY_FORMAT } from '../../reports/xlsx/workbook.js';
import { rows } from '../../src/db/open.js';
import { formatCedi, money, sum } from '../../src/money.js';
import { reasonCode } from '../../src/reference/reason-codes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createReportCycle, FORMULA_DETAIL, type ReportCycle } from './fixtures.js';
import { columnOf, dataRows, readPdfText, readWorkbook, totalRows } from './read-back.js';

const NOW = new Date('2026-12-20T12:00:00Z');
let t: TestDatabase;
let cycle: ReportCycle;
let outDir: string;
let db: { count: number; total: string; byReason: { code: string; n: number; amount: string }[] };

beforeAll(async () => {
  t = await createTestDatabase();
  cycle = await createReportCycle(t.db, { lines: 600 });
  outDir = await mkdtemp(join(tmpdir(), 'sika-reports-'));
  const [all] = await rows<{ n: number; total: string }>(
    t.db,
    sql`SELECT count(*)::int AS n, sum(amount)::text AS total FROM exceptions
        WHERE cycle_id = ${cycle.cycleId}`,
  );
  const byReason = await rows<{ code: string | null; n: number; amount: string }>(
    t.db,
    sql`SELECT reason_code AS code, count(*)::int AS n, sum(amount)::text AS amount
        FROM exceptions WHERE cycle_id = ${cycle.cycleId}
        GROUP BY reason_code ORDER BY reason_code NULLS LAST`,
  );
  db = {
    count: all!.n,
    total: all!.total,
    byReason: byReason.map((r) => ({ code: r.code ?? '(none)', n: r.n, amount: r.amount })),
  };
});

afterAll(async () => {
  await t.drop();
  await rm(outDir, { recursive: true, force: true });
});

const write = (format: 'pdf' | 'xlsx') =>
  writeReport(t.db, {
    kind: 'exceptions',
    cycleId: cycle.cycleId,
    format,
    outDir,
    generatedBy: 'yaw.darko',
    now: NOW,
  });

describe('exception report', () => {
  it.each(['pdf', 'xlsx'] as const)(
    'writes %s as LEAP-106-exceptions with every exception and the grand total',
    async (format) => {
      const report = await write(format);
      expect(basename(report.path)).toBe(`LEAP-106-exceptions.${format}`);
      expect(report.rows).toBe(cycle.failedLines + 1);
      expect(report.rows).toBe(db.count);
      expect(report.total).toBe(db.total);
    },
  );

  describe('as XLSX', () => {
    let wb: ExcelJS.Workbook;
    beforeAll(async () => {
      wb = await readWorkbook((await write('xlsx')).path);
    });

    it('lists each exception with reference, household, district, reason meaning, action and age', () => {
      const ws = wb.getWorksheet('Exceptions')!;
      const data = dataRows(ws);
      expect(data).toHaveLength(db.count);

      const first = data[0]!;
      const at = (h: string) => first[columnOf(ws, h)]!.value;
      expect(at('Kind')).toBe('failed_payment');
      expect(at('Payment reference')).toBe('LEAP-106-HH0000005');
      expect(at('Household / worker')).toBe('HH0000005');
      expect(at('District')).toBe('Karaga (NR-02)');
      expect(at('Reason code')).toBe('AC04');
      expect(at('Meaning')).toBe(reasonCode('AC04').meaning);
      expect(at('Recommended action')).toBe(reasonCode('AC04').action);
      expect(at('Amount')).toBe(342.85);
      expect(at('State')).toBe('open');
      expect(at('Age (days)')).toBe(10);

      const second = data[1]!;
      expect(second[columnOf(ws, 'Age (days)')]!.value).toBe(11);

      const unknown = data[data.length - 1]!;
      expect(unknown[columnOf(ws, 'Kind')]!.value).toBe('unknown_reference');
      expect(unknown[columnOf(ws, 'Payment reference')]!.value).toBe('LEAP-106-HH9999999');
      expect(unknown[columnOf(ws, 'Meaning')]!.value).toBe('No reason given');
    });

    it('writes money as numbers in GH¢ format that add up to the database total to the pesewa', () => {
      const ws = wb.getWorksheet('Exceptions')!;
      const amountCells = dataRows(ws).map((r) => r[columnOf(ws, 'Amount')]!);
      for (const c of amountCells) {
        expect(typeof c.value).toBe('number');
        expect(c.numFmt).toBe(MONEY_FORMAT);
      }
      const total = sum(amountCells.map((c) => money((c.value as number).toFixed(2))));
      expect(total.toFixed(2)).toBe(db.total);
    });

    it('totals count and amount per reason code and in all, as the database sums them', () => {
      const ws = wb.getWorksheet('By reason code')!;
      const got = dataRows(ws).map((r) => ({
        code: r[0]!.value,
        n: r[2]!.value,
        amount: (r[3]!.value as number).toFixed(2),
      }));
      expect(got).toEqual(db.byReason);
      expect(dataRows(ws).every((r) => r[3]!.numFmt === MONEY_FORMAT)).toBe(true);

      const [all, stake] = totalRows(ws);
      expect(all!.map((c) => c.value)).toEqual(['All exceptions', null, db.count, null]);
      // No line of this cycle carries two exceptions: each counts once either way.
      expect(stake!.map((c) => c.value)).toEqual([
        'Amount at stake (each line once)',
        `${db.count} payroll lines or response records`,
        null,
        Number(db.total),
      ]);
      expect(stake![3]!.numFmt).toBe(MONEY_FORMAT);
    });

    it.each(['Exceptions', 'By reason code'])(
      'freezes the header row of %s and filters its data',
      (name) => {
        const ws = wb.getWorksheet(name)!;
        expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
        expect(ws.autoFilter).toBeTruthy();
        expect(ws.getColumn(2).width).toBeGreaterThan(8);
      },
    );

    it('keeps detail text that starts with "=" as text, never a formula', () => {
      const ws = wb.getWorksheet('Exceptions')!;
      const cell = dataRows(ws)[0]![columnOf(ws, 'Detail')]!;
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      expect(cell.value).toBe(`'${FORMULA_DETAIL}`);
    });

    it('opens with a header sheet: cycle, seal, prepared and approved by, and signature lines', () => {
      const ws = wb.worksheets[0]!;
      expect(ws.name).toBe('Report');
      const fields = new Map<string, unknown>();
      for (let r = 1; r <= 11; r++) {
        fields.set(String(ws.getCell(r, 1).value), ws.getCell(r, 2).value);
      }
      expect(fields.get('Report')).toBe('Exception report');
      expect(fields.get('Cycle')).toBe(`LEAP cycle 106, Nov-Dec 2026 (id ${cycle.cycleId})`);
      expect(fields.get('Seal (SHA-256)')).toBe(cycle.seal);
      expect(fields.get('Prepared by')).toBe('Akosua Mensah (akosua.mensah)');
      expect(fields.get('Prepared at')).toBe('2026-12-01 09:00 GMT');
      expect(fields.get('Approved by')).toBe('Kwame Boateng (kwame.boateng)');
      expect(fields.get('Approved at')).toBe('2026-12-02 14:30 GMT');
      expect(fields.get('Generated by')).toBe('Yaw Darko (yaw.darko)');
      expect(fields.get('Generated at')).toBe('2026-12-20 12:00 GMT');

      const signatures = [14, 15, 16, 17].map((r) =>
        [1, 2, 3, 4].map((c) => ws.getCell(r, c).value ?? ''),
      );
      expect(signatures).toEqual([
        ['Role', 'Name', 'Signature', 'Date'],
        ['Prepared by', 'Akosua Mensah', '', ''],
        ['Checked by', '', '', ''],
        ['Approved by', 'Kwame Boateng', '', ''],
      ]);
    });
  });

  describe('as PDF', () => {
    let pages: string[];
    beforeAll(async () => {
      pages = (await readPdfText((await write('pdf')).path)).pages;
    });

    it('numbers every page "Page x of y" and prints the seal on each', () => {
      expect(pages.length).toBeGreaterThan(2);
      pages.forEach((text, i) => {
        expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
        expect(text).toContain(cycle.seal!);
      });
    });

    it('carries the cycle, its months and who prepared, approved and generated it', () => {
      const first = pages[0]!;
      expect(first).toContain('Exception report');
      expect(first).toContain('cycle 106, Nov-Dec 2026');
      expect(first).toContain('Akosua Mensah (akosua.mensah)');
      expect(first).toContain('Kwame Boateng (kwame.boateng)');
      expect(first).toContain('Yaw Darko (yaw.darko)');
      expect(first).toContain('2026-12-20 12:00 GMT');
    });

    it('shows the totals per reason code and the grand total in cedis', () => {
      const all = pages.join(' ');
      for (const r of db.byReason) {
        expect(all).toContain(
          `${r.code} ${reasonCode(r.code === '(none)' ? null : r.code).meaning} ${r.n} ${formatCedi(money(r.amount))}`,
        );
      }
      expect(all).toContain(`All exceptions ${db.count} Amount at stake (each line once)`);
      expect(all).toContain(
        `(each line once): ${db.count} payroll lines or response records ${formatCedi(money(db.total))}`,
      );
    });

    it('repeats the table header on every page the exception list runs over', () => {
      const listed = pages.filter((p) => p.includes('LEAP-106-HH'));
      expect(listed.length).toBeGreaterThan(1);
      for (const p of listed) expect(p).toContain('Payment reference');
    });

    it('ends with Prepared by, Checked by and Approved by signature lines', () => {
      const last = pages[pages.length - 1]!;
      expect(last).toMatch(/Signatures.*Prepared by.*Checked by.*Approved by/);
      expect(last).toContain('Kwame Boateng');
    });
  });
});
