import { LINE_STATUSES } from '../reconciliation/control-equation.js';
import type { Db } from '../src/db/open.js';
import { formatCedi, sum, type Money } from '../src/money.js';
import type { ReportHeader } from './header.js';
import {
  FONTS,
  finishReportPdf,
  openReportPdf,
  sectionTitle,
  signatureBlock,
} from './pdf/document.js';
import { PdfTable } from './pdf/table.js';
import type { ReportOutcome } from './outcome.js';
import { loadReconciliationData, type Tally } from './report-data/reconciliation.js';

const STATUS_LABELS = {
  paid: 'Paid',
  failed: 'Failed',
  returned: 'Returned',
  pending: 'Pending',
  unconfirmed: 'Unconfirmed',
} as const;

/** The reconciliation summary as PDF: control equation, status and reason, areas, files. */
export async function writeReconciliationPdf(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const data = await loadReconciliationData(db, p.header.cycleId);
  const { control } = data;
  const pdf = openReportPdf(p.path, p.header);
  const { doc } = pdf;

  sectionTitle(
    doc,
    'Control equation',
    'Sealed total = paid + failed + returned + pending + unconfirmed, summed from the lines now.',
  );
  const eq = new PdfTable(
    doc,
    [
      { header: 'Component', weight: 6 },
      { header: 'Lines', weight: 2, align: 'right' },
      { header: 'Amount', weight: 3, align: 'right' },
    ],
    FONTS,
    8,
  );
  eq.begin();
  eq.row(['Sealed total', String(control.lineCount), formatCedi(control.sealedTotal)], {
    total: true,
  });
  for (const s of LINE_STATUSES) {
    eq.row([
      STATUS_LABELS[s],
      String(control.byStatus[s].lines),
      formatCedi(control.byStatus[s].amount),
    ]);
  }
  const accountedLines = LINE_STATUSES.reduce((n, s) => n + control.byStatus[s].lines, 0);
  const accounted = sum(LINE_STATUSES.map((s) => control.byStatus[s].amount));
  eq.row(['Accounted for (sum of statuses)', String(accountedLines), formatCedi(accounted)], {
    total: true,
  });
  eq.row([
    'Difference',
    String(control.lineCount - accountedLines),
    formatCedi(control.difference),
  ]);
  eq.end();
  doc
    .font(FONTS.bold)
    .fontSize(9)
    .fillColor(control.holds ? '#1b5e20' : '#b71c1c')
    .text(
      control.holds
        ? 'The control equation holds.'
        : `The control equation does NOT hold: difference ${formatCedi(control.difference)}.`,
    )
    .fillColor('black')
    .moveDown(0.8);

  sectionTitle(doc, 'Lines by status and reason code');
  const sr = new PdfTable(
    doc,
    [
      { header: 'Status', weight: 3 },
      { header: 'Reason code', weight: 2 },
      { header: 'Meaning', weight: 8 },
      { header: 'Lines', weight: 2, align: 'right' },
      { header: 'Amount', weight: 3, align: 'right' },
    ],
    FONTS,
    8,
  );
  sr.begin();
  for (const r of data.byStatusReason) {
    sr.row([
      STATUS_LABELS[r.status],
      r.reasonCode,
      r.meaning,
      String(r.lines),
      formatCedi(r.amount),
    ]);
  }
  sr.row(['Total', '', '', String(accountedLines), formatCedi(accounted)], { total: true });
  sr.end();

  sectionTitle(doc, 'By region and district', 'Each cell: amount, then the number of lines.');
  const area = new PdfTable(
    doc,
    [
      { header: 'Region', weight: 5 },
      { header: 'District', weight: 6 },
      { header: 'All lines', weight: 4, align: 'right' },
      ...LINE_STATUSES.map((s) => ({
        header: STATUS_LABELS[s],
        weight: 4,
        align: 'right' as const,
      })),
    ],
    FONTS,
  );
  area.begin();
  for (const a of data.areas) {
    area.row([a.region, a.district, tally(a), ...LINE_STATUSES.map((s) => tally(a.byStatus[s]))], {
      total: a.level !== 'district',
    });
  }
  area.end();

  sectionTitle(doc, 'Submitted payment files');
  const files = new PdfTable(
    doc,
    [
      { header: 'File', weight: 9 },
      { header: 'Channel', weight: 3 },
      { header: 'Seq.', weight: 2, align: 'right' },
      { header: 'Message id', weight: 7 },
      { header: 'Status', weight: 3 },
      { header: 'Transactions', weight: 3, align: 'right' },
      { header: 'Control sum', weight: 4, align: 'right' },
    ],
    FONTS,
    8,
  );
  files.begin();
  for (const f of data.submissions) {
    files.row([
      f.fileName,
      f.channel,
      String(f.sequence),
      f.messageId,
      f.status,
      String(f.txCount),
      formatCedi(f.controlSum),
    ]);
  }
  if (data.submissions.length === 0) files.row(['No payment file was submitted for this cycle.']);
  const st = data.submissionTotals;
  files.row(
    [`Total: ${st.files} files`, '', '', '', '', String(st.txCount), formatCedi(st.controlSum)],
    { total: true },
  );
  files.end();

  signatureBlock(doc, p.header);
  await finishReportPdf(pdf);
  return { rows: control.lineCount, total: control.sealedTotal };
}

function tally(t: Tally | { lines: number; amount: Money }): string {
  return `${formatCedi(t.amount)}\n${t.lines} ${t.lines === 1 ? 'line' : 'lines'}`;
}
