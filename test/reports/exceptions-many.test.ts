import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/write-report.js';
import { rows } from '../../src/db/open.js';
import { formatCedi, money, sum, type Money } from '../../src/money.js';
import { reasonCode } from '../../src/reference/reason-codes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createReportCycle, type ReportCycle } from './fixtures.js';
import { readPdfText, type PdfText } from './read-back.js';

const NOW = new Date('2026-12-20T12:00:00Z');
/** Well past the 5,000 rows the PDF used to stop at. */
const EXTRA = 6200;
let t: TestDatabase;
let cycle: ReportCycle;
let outDir: string;
let ids: string[];
let total: string;
let items: number;
let pdf: PdfText;
let rowsListed: number;
const reasonCodeActions = new Set(['AC01', 'AC04', 'MD07'].map((c) => reasonCode(c).action));

beforeAll(async () => {
  t = await createTestDatabase();
  cycle = await createReportCycle(t.db, { lines: 40 });
  outDir = await mkdtemp(join(tmpdir(), 'sika-exceptions-many-'));
  // Failed payments spread over the cycle's lines, with long reason texts that wrap in the PDF.
  await t.db.execute(sql`
    INSERT INTO exceptions (cycle_id, payroll_line_id, kind, reason_code, amount, detail, state,
                            created_at)
    SELECT ${cycle.cycleId}, l.id, 'failed_payment', (ARRAY['AC01', 'AC04', 'MD07'])[1 + g % 3],
           (100 + g % 97)::numeric + 0.25, 'Rejected again: ' || g, 'open',
           timestamptz '2026-12-10 08:00Z'
    FROM generate_series(1, ${EXTRA}) g
    JOIN payroll_lines l ON l.cycle_id = ${cycle.cycleId} AND l.line_no = 1 + g % 40`);
  const all = await rows<{ id: string }>(
    t.db,
    sql`SELECT id::text AS id FROM exceptions WHERE cycle_id = ${cycle.cycleId} ORDER BY exceptions.id`,
  );
  ids = all.map((r) => r.id);
  // The amount at stake takes each line (or response record) once, at its largest exception.
  const amounts = await rows<{ item: string; amount: string }>(
    t.db,
    sql`SELECT coalesce('l' || payroll_line_id, 'r' || settlement_record_id) AS item,
               amount::text AS amount
        FROM exceptions WHERE cycle_id = ${cycle.cycleId}`,
  );
  const largest = new Map<string, Money>();
  for (const a of amounts) {
    const seen = largest.get(a.item);
    if (!seen || money(a.amount).gt(seen)) largest.set(a.item, money(a.amount));
  }
  items = largest.size;
  total = sum(largest.values()).toFixed(2);
  const report = await writeReport(t.db, {
    kind: 'exceptions',
    cycleId: cycle.cycleId,
    format: 'pdf',
    outDir,
    generatedBy: 'yaw.darko',
    now: NOW,
  });
  rowsListed = report.rows;
  expect(report.total).toBe(total);
  pdf = await readPdfText(report.path);
});

afterAll(async () => {
  await t.drop();
  await rm(outDir, { recursive: true, force: true });
});

describe('PDF exception report with more than 5,000 exceptions', () => {
  it('lists every exception once, in the order raised', () => {
    expect(ids.length).toBe(cycle.failedLines + 1 + EXTRA);
    expect(rowsListed).toBe(ids.length);
    // The ID column is the first: its numbers are the only plain numbers at its left edge.
    const listed = pdf.items.flatMap((page) =>
      page.filter((i) => i.x < 62 && /^\d+$/.test(i.str)).map((i) => i.str),
    );
    expect(listed).toEqual(ids);
  });

  it('numbers every page "Page x of y" as it goes, with the table header on each list page', () => {
    const { pages } = pdf;
    expect(pages.length).toBeGreaterThan(100);
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${pages.length}`));
    for (const text of pages.slice(1, -1)) expect(text).toContain('Payment reference');
  });

  it('wraps long reasons over lines instead of cutting them', () => {
    // The "Recommended action" column: from 52/81 of the table width, 12/81 wide.
    const from = 36 + (769.89 * 52) / 81;
    const to = from + (769.89 * 12) / 81;
    const column = pdf.items[1]!.filter((i) => i.x >= from && i.x < to - 10).map((i) => i.str);
    const text = column.join(' ').replace(/\s+/g, ' ');
    for (const code of ['AC01', 'AC04', 'MD07']) {
      const action = reasonCode(code).action;
      expect(action.length).toBeGreaterThan(20);
      expect(text).toContain(action);
    }
    expect(column.some((s) => s.includes('…'))).toBe(false);
    expect(column.length).toBeGreaterThan(column.filter((s) => reasonCodeActions.has(s)).length);
  });

  it('ends with the grand total of every exception and the signature lines', () => {
    const all = pdf.pages.join(' ');
    expect(items).toBe(41);
    expect(all).toContain(
      `${ids.length} exceptions; amount at stake (each line once), ${items} payroll lines or ` +
        `response records ${formatCedi(money(total))}`,
    );
    expect(all).not.toContain('more exceptions are listed in the XLSX report');
    expect(pdf.pages.at(-1)).toMatch(/Signatures.*Prepared by.*Checked by.*Approved by/);
  });
});
