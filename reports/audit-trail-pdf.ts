import type { Db } from '../src/db/open.js';
import { formatTimestamp, type ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import {
  FONTS,
  finishReportPdf,
  openReportPdf,
  sectionTitle,
  signatureBlock,
} from './pdf/document.js';
import { PdfTable } from './pdf/table.js';
import { chainVerdict, loadAuditTrail } from './report-data/audit-trail.js';

/** The audit trail extract as PDF: the chain check in a coloured box, then the cycle's events. */
export async function writeAuditTrailPdf(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const trail = await loadAuditTrail(db, p.header.cycleId);
  const pdf = openReportPdf(p.path, p.header);
  const { doc } = pdf;

  sectionTitle(doc, 'Audit trail check', 'The whole hash chain, recomputed from its first event.');
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const top = doc.y;
  const colour = trail.chain.ok ? '#1b5e20' : '#b71c1c';
  doc
    .save()
    .rect(left, top, width, 34)
    .fillAndStroke(trail.chain.ok ? '#e8f5e9' : '#ffebee', colour)
    .restore();
  doc
    .font(FONTS.bold)
    .fontSize(12)
    .fillColor(colour)
    .text(chainVerdict(trail.chain), left + 10, top + 10, { width: width - 20, lineBreak: false })
    .fillColor('black');
  doc.x = left;
  doc.y = top + 46;

  sectionTitle(
    doc,
    'Events of this cycle',
    'Events on the cycle and on its exceptions, payment files, settlement files and records, ' +
      'in chain order.',
  );
  const table = new PdfTable(
    doc,
    [
      { header: 'ID', weight: 2, align: 'right' },
      { header: 'At', weight: 4 },
      { header: 'Actor', weight: 4 },
      { header: 'Action', weight: 6 },
      { header: 'Entity', weight: 4 },
      { header: 'Detail', weight: 20 },
    ],
    FONTS,
  );
  table.begin();
  for (const e of trail.events) {
    table.row([
      String(e.id),
      formatTimestamp(e.at),
      e.actor,
      e.action,
      `${e.entity} ${e.entityId}`,
      e.detail,
    ]);
  }
  if (trail.events.length === 0) table.row(['', 'No audit event concerns this cycle.']);
  table.end();

  signatureBlock(doc, p.header);
  await finishReportPdf(pdf);
  return { rows: trail.events.length, total: null };
}
