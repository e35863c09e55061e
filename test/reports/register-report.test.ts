import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/index.js';
import { MONEY_FORMAT } from '../../reports/xlsx/workbook.js';
import { rows } from '../../src/db/open.js';
import { formatCedi, money, sum } from '../../src/money.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { columnOf, dataRows, readPdfText, readWorkbook, totalRows } from './read-back.js';
import { createLeapCycle, createLipwCycle, fixturePin, FORMULA_NAME } from './register-fixtures.js';

const NOW = new Date('2026-12-20T12:00:00Z');
const LEAP_LINES = 1200;
let t: TestDatabase;
let outDir: string;
let leap: number;
let lipw: number;
interface AreaTotal {
  district: string;
  lines: number;
  total: string;
}
let leapTotal: string;
let byDistrict: AreaTotal[];

beforeAll(async () => {
  t = await createTestDatabase();
  outDir = await mkdtemp(join(tmpdir(), 'sika-register-'));
  leap = await createLeapCycle(t.db, {
    cycleNumber: 106,
    lines: Array.from({ length: LEAP_LINES }, (_, k) => ({
      i: k + 1,
      name: k === 0 ? FORMULA_NAME : undefined,
      arrears: k % 9 === 0 ? '76.00' : undefined,
    })),
  });
  lipw = await createLipwCycle(t.db, {
    start: '2026-11-02',
    end: '2026-11-15',
    workers: Array.from({ length: 30 }, (_, k) => ({ i: k + 1, days: 1 + (k % 10) })),
  });
  const [all] = await rows<{ total: string }>(
    t.db,
    sql`SELECT sum(amount)::text AS total FROM payroll_lines WHERE cycle_id = ${leap}`,
  );
  leapTotal = all!.total;
  byDistrict = await rows<AreaTotal>(
    t.db,
    sql`SELECT district_code AS district, count(*)::int AS lines, sum(amount)::text AS total
        FROM payroll_lines WHERE cycle_id = ${leap} GROUP BY district_code ORDER BY district_code`,
  );
});

afterAll(async () => {
  await t.drop();
  await rm(outDir, { recursive: true, force: true });
});

const write = (cycleId: number, format: 'pdf' | 'xlsx', generatedBy = 'yaw.darko') =>
  writeReport(t.db, { kind: 'register', cycleId, format, outDir, generatedBy, now: NOW });

describe('payroll register as XLSX', () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    const report = await write(leap, 'xlsx');
    expect(basename(report.path)).toBe('LEAP-106-register.xlsx');
    expect(report.rows).toBe(LEAP_LINES);
    expect(report.total).toBe(leapTotal);
    wb = await readWorkbook(report.path);
  });

  it('lists every line once, and its totals add up to the cycle total to the pesewa', () => {
    const ws = wb.getWorksheet('Register')!;
    const data = dataRows(ws);
    expect(data).toHaveLength(LEAP_LINES);
    const households = new Set(data.map((r) => r[columnOf(ws, 'Household')]!.value));
    expect(households.size).toBe(LEAP_LINES);
    const totals = data.map((r) => r[columnOf(ws, 'Total')]!);
    expect(totals.every((c) => c.numFmt === MONEY_FORMAT)).toBe(true);
    expect(sum(totals.map((c) => money((c.value as number).toFixed(2)))).toFixed(2)).toBe(
      leapTotal,
    );
    const [grand] = totalRows(ws);
    expect(grand![0]!.value).toBe(`Grand total: ${LEAP_LINES} households`);
    expect((grand![columnOf(ws, 'Total')]!.value as number).toFixed(2)).toBe(leapTotal);
  });

  it('groups lines by region and district, in the order of the subtotals', () => {
    const ws = wb.getWorksheet('Register')!;
    const districts = dataRows(ws).map((r) => String(r[columnOf(ws, 'District')]!.value));
    const order = [...new Set(districts)];
    expect(order).toEqual(['Ablekuma Central (GA-01)', 'Gushegu (NR-01)', 'Karaga (NR-02)']);
    // Each district's lines are contiguous: no district appears again after another began.
    expect(districts.filter((d, k) => k > 0 && d !== districts[k - 1]).length).toBe(2);
  });

  it('subtotals each district and region as the database sums them', () => {
    const ws = wb.getWorksheet('Subtotals')!;
    const got = dataRows(ws)
      .filter((r) => r[0]!.value === 'district')
      .map((r) => ({
        district: String(r[2]!.value).replace(/.*\((.*)\)$/, '$1'),
        lines: r[3]!.value,
        total: (r[7]!.value as number).toFixed(2),
      }))
      .sort((a, b) => a.district.localeCompare(b.district));
    expect(got).toEqual(byDistrict);

    const regions = dataRows(ws).filter((r) => r[0]!.value === 'region');
    expect(regions.map((r) => [r[1]!.value, r[3]!.value])).toEqual([
      ['Greater Accra (GA)', 400],
      ['Northern (NR)', 800],
    ]);
    const [national] = totalRows(ws);
    expect(national![3]!.value).toBe(LEAP_LINES);
    expect((national![7]!.value as number).toFixed(2)).toBe(leapTotal);
  });

  it('masks the Ghana Card PIN and the instrument to their last 4 digits for an auditor', () => {
    const ws = wb.getWorksheet('Register')!;
    const first = dataRows(ws).find((r) => r[columnOf(ws, 'Household')]!.value === 'HH0000001')!;
    expect(first[columnOf(ws, 'Ghana Card PIN')]!.value).toBe('GHA-XXXXX1001-X');
    expect(first[columnOf(ws, 'Instrument')]!.value).toBe('XXXXXX5001');
    expect(wb.getWorksheet('Report')!.getCell('A12').value).toBe('Identifiers');
  });

  it('writes a recipient name that starts with "=" as text, never a formula', () => {
    const ws = wb.getWorksheet('Register')!;
    const first = dataRows(ws).find((r) => r[columnOf(ws, 'Household')]!.value === 'HH0000001')!;
    const cell = first[columnOf(ws, 'Recipient')]!;
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
    expect(cell.value).toBe(`'${FORMULA_NAME}`);
  });
});

describe('payroll register as PDF', () => {
  let pages: string[];
  beforeAll(async () => {
    const report = await write(leap, 'pdf');
    expect(report.rows).toBe(LEAP_LINES);
    expect(report.total).toBe(leapTotal);
    pages = (await readPdfText(report.path)).pages;
  });

  it('numbers every page "Page x of y" with the count it planned before writing', () => {
    expect(pages.length).toBeGreaterThan(20);
    pages.forEach((text, i) => {
      expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
  });

  it('lists every household once', () => {
    const all = pages.join(' ');
    const listed = all.match(/\bHH\d{7}\b/g) ?? [];
    expect(new Set(listed).size).toBe(LEAP_LINES);
    expect(listed).toHaveLength(LEAP_LINES);
  });

  it('prints district subtotals, region subtotals and the grand total in cedis', () => {
    const all = pages.join(' ');
    for (const d of byDistrict) {
      expect(all).toMatch(
        new RegExp(
          `Total [^:]*\\(${d.district}\\): ${d.lines} households .*?GH¢ [\\d,.]+ GH¢ [\\d,.]+ ${formatCedi(money(d.total)).replace(/[.]/g, '\\.')}`,
        ),
      );
    }
    expect(all).toContain('Total region Northern (NR): 800 households');
    expect(all).toContain(`Grand total: ${LEAP_LINES} households`);
    expect(all).toContain(formatCedi(money(leapTotal)));
  });

  it('says which district a page continues, and repeats the table header on it', () => {
    const continued = pages.filter((p) => p.includes('(continued)'));
    expect(continued.length).toBeGreaterThan(10);
    for (const p of continued) expect(p).toContain('Ghana Card PIN');
    expect(pages[5]).toMatch(/› .* \(continued\)/);
  });

  it('shows masked PINs and instruments only', () => {
    const all = pages.join(' ');
    expect(all).toContain('GHA-XXXXX1001-X');
    expect(all).toContain('XXXXXX5001');
    expect(all).not.toContain(fixturePin(1));
  });

  it('ends with the signature lines', () => {
    expect(pages[pages.length - 1]).toMatch(/Signatures.*Prepared by.*Checked by.*Approved by/);
  });
});

describe('LIPW register', () => {
  it('groups workers by sub-project with days, daily rate and a total per sub-project', async () => {
    const report = await write(lipw, 'pdf');
    expect(basename(report.path)).toBe('LIPW-2026-11-02_2026-11-15-register.pdf');
    const all = (await readPdfText(report.path)).pages.join(' ');
    expect(all).toContain('Sub-project: SP-NR-01-001 Feeder road Gushegu');
    expect(all).toMatch(
      /WK0000001 HH0900001 Kofi Mensah 1 GHA-XXXXX1001-X ezwich XXXXXX5001 1 GH¢ 19\.97 GH¢ 19\.97/,
    );
    const [site] = await rows<{ n: number; days: number; total: string }>(
      t.db,
      sql`SELECT count(*)::int AS n, sum(days_worked)::int AS days, sum(amount)::text AS total
          FROM payroll_lines l JOIN lipw_subprojects s ON s.id = l.subproject_id
          WHERE cycle_id = ${lipw} AND s.code = 'SP-NR-01-001'`,
    );
    expect(all).toContain(
      `Total SP-NR-01-001: ${site!.n} workers ${site!.days} ${formatCedi(money(site!.total))}`,
    );
  });

  it('prints a grand total of GH¢ 99,999,999.99 whole in the amount columns of the PDF', async () => {
    const big = await createLipwCycle(t.db, {
      start: '2026-11-16',
      end: '2026-11-29',
      workers: [
        ...Array.from({ length: 9 }, (_, k) => ({ i: 101 + k, days: 10, rate: '1111111.11' })),
        { i: 110, days: 1, rate: '0.09' },
      ],
    });
    const report = await write(big, 'pdf');
    const { pages } = await readPdfText(report.path);
    const all = pages.join(' ');
    expect(all).toContain(
      'Grand total: 10 workers 91 GH¢ 99,999,999.99 GH¢ 0.00 GH¢ 99,999,999.99',
    );
    expect(all).toContain('GH¢ 11,111,111.10 GH¢ 0.00 GH¢ 11,111,111.10');
    expect(all).toContain(
      'Total region Northern (NR): 6 workers 60 GH¢ 66,666,666.60 GH¢ 0.00 GH¢ 66,666,666.60',
    );
  });

  it('puts worker, household, sub-project, days and rate on each row of the XLSX', async () => {
    const report = await write(lipw, 'xlsx');
    const ws = (await readWorkbook(report.path)).getWorksheet('Register')!;
    const data = dataRows(ws);
    expect(data).toHaveLength(30);
    const w1 = data.find((r) => r[columnOf(ws, 'Worker')]!.value === 'WK0000001')!;
    expect(w1[columnOf(ws, 'Sub-project')]!.value).toBe('SP-NR-01-002 Dugout dam Zantani');
    expect(w1[columnOf(ws, 'Household')]!.value).toBe('HH0900001');
    expect(w1[columnOf(ws, 'Days')]!.value).toBe(1);
    expect(w1[columnOf(ws, 'Daily rate')]!.value).toBe(19.97);
    expect(w1[columnOf(ws, 'Total')]!.value).toBe(19.97);
  });
});
