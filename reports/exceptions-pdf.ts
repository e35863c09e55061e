import type { Db } from '../src/db/open.js';
import { formatCedi } from '../src/money.js';
import type { ReportHeader } from './header.js';
import {
  FONTS,
  finishReportPdf,
  openReportPdf,
  sectionTitle,
  signatureBlock,
} from './pdf/document.js';
import { PdfTable } from './pdf/table.js';
import { exceptionTotals, streamExceptionRows } from './report-data/exceptions.js';
import type { ReportOutcome } from './outcome.js';

/**
 * Most exceptions the PDF lists one by one. Limitation: pdfkit holds every page in memory until
 * the end (to print "Page x of y"), about half a megabyte a page, so past this many rows (about
 * 330 pages) the PDF keeps its complete totals but lists only the oldest exceptions and points to
 * the XLSX report, which lists all of them.
 */
export const PDF_EXCEPTION_ROW_LIMIT = 5000;

/**
 * The exception report as PDF: totals by reason code, then the exceptions of the cycle in the
 * order they were raised (at most rowLimit of them; rows is how many were listed).
 */
export async function writeExceptionsPdf(
  db: Db,
  p: { header: ReportHeader; path: string; rowLimit?: number },
): Promise<ReportOutcome> {
  const rowLimit = p.rowLimit ?? PDF_EXCEPTION_ROW_LIMIT;
  const pdf = openReportPdf(p.path, p.header);
  const { doc } = pdf;
  const totals = await exceptionTotals(db, p.header.cycleId);

  sectionTitle(doc, 'Totals by reason code');
  const summary = new PdfTable(
    doc,
    [
      { header: 'Reason code', weight: 2 },
      { header: 'Meaning', weight: 6 },
      { header: 'Exceptions', weight: 2, align: 'right' },
      { header: 'Amount', weight: 3, align: 'right' },
    ],
    FONTS,
    8,
  );
  summary.begin();
  for (const r of totals.byReason) {
    summary.row([r.reasonCode || '(none)', r.meaning, String(r.count), formatCedi(r.amount)]);
  }
  summary.row(['Grand total', '', String(totals.count), formatCedi(totals.amount)], {
    total: true,
  });
  summary.end();

  const partial = totals.count > rowLimit;
  sectionTitle(
    doc,
    'Exceptions',
    'Age is counted in whole days from when the exception was raised.' +
      (partial
        ? ` Listed here: the first ${rowLimit} of ${totals.count} exceptions;` +
          ' the XLSX report lists every one.'
        : ''),
  );
  const table = new PdfTable(
    doc,
    [
      { header: 'ID', weight: 3, align: 'right' },
      { header: 'Kind', weight: 7 },
      { header: 'Payment reference', weight: 11 },
      { header: 'Household / worker', weight: 7 },
      { header: 'District', weight: 9 },
      { header: 'Reason', weight: 4 },
      { header: 'Meaning', weight: 11 },
      { header: 'Recommended action', weight: 12 },
      { header: 'Amount', weight: 8, align: 'right' },
      { header: 'State', weight: 5 },
      { header: 'Age (days)', weight: 4, align: 'right' },
    ],
    FONTS,
  );
  table.begin();
  let count = 0;
  for await (const e of streamExceptionRows(db, {
    cycleId: p.header.cycleId,
    now: p.header.generatedAt,
  })) {
    table.row([
      String(e.id),
      e.kind.replace(/_/g, ' '),
      e.endToEndId,
      e.beneficiaryRef,
      e.district,
      e.reasonCode,
      e.meaning,
      e.action,
      e.amount ? formatCedi(e.amount) : '',
      e.state,
      String(e.ageDays),
    ]);
    count++;
    if (count >= rowLimit) break;
  }
  if (count === 0) table.row(['', 'No exceptions for this cycle.']);
  if (partial) {
    table.row(['', `${totals.count - count} more exceptions are listed in the XLSX report.`]);
  }
  table.row(
    [
      '',
      'Grand total',
      `${totals.count} exceptions`,
      '',
      '',
      '',
      '',
      '',
      formatCedi(totals.amount),
      '',
      '',
    ],
    { total: true },
  );
  table.end();

  signatureBlock(doc, p.header);
  await finishReportPdf(pdf);
  return { rows: count, total: totals.amount };
}
