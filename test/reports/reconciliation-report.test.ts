import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/write-report.js';
import { MONEY_FORMAT } from '../../reports/xlsx/workbook.js';
import { rows } from '../../src/db/open.js';
import { formatCedi, money } from '../../src/money.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createReportCycle, type ReportCycle } from './fixtures.js';
import { dataRows, readPdfText, readWorkbook, totalRows } from './read-back.js';

const NOW = new Date('2026-12-20T12:00:00Z');
const STATUSES = ['paid', 'failed', 'returned', 'pending', 'unconfirmed'];
let t: TestDatabase;
let cycle: ReportCycle;
let outDir: string;
let byStatus: Map<string, { n: number; amount: string }>;
let sealed: { n: number; total: string };

beforeAll(async () => {
  t = await createTestDatabase();
  cycle = await createReportCycle(t.db, { lines: 600 });
  outDir = await mkdtemp(join(tmpdir(), 'sika-reports-'));
  const grouped = await rows<{ status: string; n: number; amount: string }>(
    t.db,
    sql`SELECT status, count(*)::int AS n, sum(amount)::text AS amount FROM payroll_lines
        WHERE cycle_id = ${cycle.cycleId} GROUP BY status`,
  );
  byStatus = new Map(grouped.map((g) => [g.status, { n: g.n, amount: g.amount }]));
  const [c] = await rows<{ n: number; total: string }>(
    t.db,
    sql`SELECT line_count AS n, total_amount::text AS total FROM cycles WHERE id = ${cycle.cycleId}`,
  );
  sealed = c!;
});

afterAll(async () => {
  await t.drop();
  await rm(outDir, { recursive: true, force: true });
});

const write = (format: 'pdf' | 'xlsx', cycleId = cycle.cycleId) =>
  writeReport(t.db, {
    kind: 'reconciliation',
    cycleId,
    format,
    outDir,
    generatedBy: 'efua.owusu',
    now: NOW,
  });

const amountOf = (c: ExcelJS.Cell) => (c.value as number).toFixed(2);

describe('reconciliation summary', () => {
  it.each(['pdf', 'xlsx'] as const)(
    'writes %s as LEAP-106-reconciliation, accounting for every line of the sealed total',
    async (format) => {
      const report = await write(format);
      expect(basename(report.path)).toBe(`LEAP-106-reconciliation.${format}`);
      expect(report.rows).toBe(600);
      expect(report.total).toBe(sealed.total);
    },
  );

  describe('as XLSX', () => {
    let wb: ExcelJS.Workbook;
    beforeAll(async () => {
      wb = await readWorkbook((await write('xlsx')).path);
    });

    it('states the control equation per status, with lines and amounts as the database sums them', () => {
      const ws = wb.getWorksheet('Control equation')!;
      const data = dataRows(ws);
      expect(data.map((r) => r[0]!.value)).toEqual(['Sealed total', ...STATUSES]);
      expect(data[0]![1]!.value).toBe(sealed.n);
      expect(amountOf(data[0]![2]!)).toBe(sealed.total);
      for (const r of data.slice(1)) {
        const expected = byStatus.get(String(r[0]!.value)) ?? { n: 0, amount: '0.00' };
        expect(r[1]!.value).toBe(expected.n);
        expect(amountOf(r[2]!)).toBe(expected.amount);
        expect(r[2]!.numFmt).toBe(MONEY_FORMAT);
      }
      const totals = totalRows(ws).map((r) => [r[0]!.value, r[1]!.value, r[2]!.value]);
      expect(totals).toEqual([
        ['Accounted for (sum of statuses)', 600, Number(sealed.total)],
        ['Difference', 0, 0],
        ['Equation holds', 'yes', null],
      ]);
    });

    it('breaks lines down by status and reason code', async () => {
      const expected = await rows<{
        status: string;
        reason: string | null;
        n: number;
        amount: string;
      }>(
        t.db,
        sql`SELECT status, status_reason AS reason, count(*)::int AS n, sum(amount)::text AS amount
            FROM payroll_lines WHERE cycle_id = ${cycle.cycleId}
            GROUP BY status, status_reason`,
      );
      const ws = wb.getWorksheet('By status and reason')!;
      const got = dataRows(ws).map((r) => ({
        status: r[0]!.value,
        reason: r[1]!.value ?? null,
        n: r[3]!.value,
        amount: amountOf(r[4]!),
      }));
      expect(got).toHaveLength(expected.length);
      expect(got).toEqual(expect.arrayContaining(expected));
      expect(got.filter((g) => g.status === 'failed').map((g) => g.reason)).toEqual([
        'AC01',
        'AC04',
        'BE01',
        'MD07',
      ]);
    });

    it('gives each district and region its status breakdown, adding up to the national total', async () => {
      const ws = wb.getWorksheet('By region and district')!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      const col = (h: string) => header.indexOf(h);
      const data = dataRows(ws);

      const karaga = data.find((r) => r[col('District')]!.value === 'Karaga (NR-02)')!;
      const [k] = await rows<{ n: number; amount: string; failed: string }>(
        t.db,
        sql`SELECT count(*)::int AS n, sum(amount)::text AS amount,
                   sum(amount) FILTER (WHERE status = 'failed')::text AS failed
            FROM payroll_lines WHERE cycle_id = ${cycle.cycleId} AND district_code = 'NR-02'`,
      );
      expect(karaga[col('Region')]!.value).toBe('Northern (NR)');
      expect(karaga[col('Lines')]!.value).toBe(k!.n);
      expect(amountOf(karaga[col('Amount')]!)).toBe(k!.amount);
      expect(amountOf(karaga[col('failed amount')]!)).toBe(k!.failed);

      const regions = data.filter((r) => r[col('Level')]!.value === 'region');
      expect(regions.map((r) => r[col('Region')]!.value)).toEqual([
        'Ashanti (AS)',
        'Greater Accra (GA)',
        'Northern (NR)',
      ]);
      const [national] = totalRows(ws);
      expect(national![col('Level')]!.value).toBe('national');
      expect(national![col('Lines')]!.value).toBe(600);
      expect(amountOf(national![col('Amount')]!)).toBe(sealed.total);
      for (const s of STATUSES) {
        expect(amountOf(national![col(`${s} amount`)]!)).toBe(byStatus.get(s)!.amount);
        expect(national![col(`${s} amount`)]!.numFmt).toBe(MONEY_FORMAT);
      }
    });

    it('lists each submitted file with channel, transactions and control sum', async () => {
      const expected = await rows<{ file_name: string; channel: string; tx: number; sum: string }>(
        t.db,
        sql`SELECT file_name, channel, tx_count AS tx, control_sum::text AS sum FROM submissions
            WHERE cycle_id = ${cycle.cycleId} ORDER BY channel`,
      );
      const ws = wb.getWorksheet('Submitted files')!;
      const got = dataRows(ws).map((r) => ({
        file_name: r[0]!.value,
        channel: r[1]!.value,
        tx: r[5]!.value,
        sum: amountOf(r[6]!),
      }));
      expect(got).toEqual(expected);
      const [total] = totalRows(ws);
      expect(total![0]!.value).toBe('Total: 3 files');
      expect(total![5]!.value).toBe(600);
      expect(amountOf(total![6]!)).toBe(sealed.total);
    });

    it('freezes the header row and filters the data on every section sheet', () => {
      for (const name of [
        'Control equation',
        'By status and reason',
        'By region and district',
        'Submitted files',
      ]) {
        const ws = wb.getWorksheet(name)!;
        expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
        expect(ws.autoFilter).toBeTruthy();
      }
    });
  });

  describe('as PDF', () => {
    let pages: string[];
    beforeAll(async () => {
      pages = (await readPdfText((await write('pdf')).path)).pages;
    });

    it('prints the control equation with each status and says that it holds', () => {
      const all = pages.join(' ');
      expect(all).toContain(`Sealed total 600 ${formatCedi(money(sealed.total))}`);
      const labels: Record<string, string> = {
        paid: 'Paid',
        failed: 'Failed',
        returned: 'Returned',
        pending: 'Pending',
        unconfirmed: 'Unconfirmed',
      };
      for (const s of STATUSES) {
        const b = byStatus.get(s)!;
        expect(all).toContain(`${labels[s]} ${b.n} ${formatCedi(money(b.amount))}`);
      }
      expect(all).toContain('The control equation holds.');
    });

    it('prints the region totals and each submitted file', () => {
      const all = pages.join(' ');
      expect(all).toContain(
        `All regions All districts ${formatCedi(money(sealed.total))} 600 lines`,
      );
      expect(all).toContain('LEAP-106-ezwich-001.xml ezwich 1');
      expect(all).toContain(`Total: 3 files 600 ${formatCedi(money(sealed.total))}`);
    });

    it('numbers the pages, prints the seal and ends with the signature lines', () => {
      pages.forEach((text, i) => {
        expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
        expect(text).toContain(cycle.seal!);
      });
      expect(pages[0]).toContain('Efua Owusu (efua.owusu)');
      expect(pages[pages.length - 1]).toMatch(/Prepared by.*Checked by.*Approved by/);
    });
  });

  describe('when the sealed total is one pesewa more than the lines', () => {
    let broken: ReportCycle;
    beforeAll(async () => {
      broken = await createReportCycle(t.db, { cycleNumber: 107, lines: 40, totalOffset: '0.01' });
    });

    it('says in the PDF that the control equation does not hold, with the difference', async () => {
      const report = await write('pdf', broken.cycleId);
      const text = (await readPdfText(report.path)).pages.join(' ');
      expect(text).toContain('The control equation does NOT hold: difference GH¢ 0.01.');
    });

    it('shows the difference and "NO" in the XLSX control equation', async () => {
      const report = await write('xlsx', broken.cycleId);
      const ws = (await readWorkbook(report.path)).getWorksheet('Control equation')!;
      const totals = totalRows(ws);
      expect(totals[1]!.map((c) => c.value)).toEqual(['Difference', 0, 0.01]);
      expect(totals[2]![1]!.value).toBe('NO');
    });
  });
});
