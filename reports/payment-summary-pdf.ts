import type { Db } from '../src/db/open.js';
import { formatCedi } from '../src/money.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import {
  FONTS,
  finishReportPdf,
  openReportPdf,
  sectionTitle,
  signatureBlock,
} from './pdf/document.js';
import { PdfTable } from './pdf/table.js';
import { loadPaymentSummary, type PaymentSummaryRow } from './report-data/payment-summary.js';

/** The payment summary as PDF: by region, district and channel, then by channel nationally. */
export async function writePaymentSummaryPdf(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const data = await loadPaymentSummary(db, p.header.cycleId);
  const lipw = p.header.programme === 'LIPW';
  const pdf = openReportPdf(p.path, p.header);
  const { doc } = pdf;
  const figures = [
    { header: lipw ? 'Workers' : 'Households', weight: 3, align: 'right' as const },
    { header: 'Beneficiaries', weight: 3, align: 'right' as const },
    { header: 'Base', weight: 4, align: 'right' as const },
    { header: 'Arrears', weight: 4, align: 'right' as const },
    { header: 'Amount', weight: 4, align: 'right' as const },
  ];
  const values = (r: PaymentSummaryRow) => [
    String(r.households),
    String(r.beneficiaries),
    formatCedi(r.base),
    formatCedi(r.arrears),
    formatCedi(r.amount),
  ];
  const note = lipw
    ? 'Each worker paid is one beneficiary.'
    : 'Beneficiaries: the eligible members of the households paid.';

  sectionTitle(doc, 'By region, district and channel', note);
  const area = new PdfTable(
    doc,
    [
      { header: 'Region', weight: 5 },
      { header: 'District', weight: 6 },
      { header: 'Channel', weight: 3 },
      ...figures,
    ],
    FONTS,
  );
  area.begin();
  for (const r of data.byArea) {
    const label =
      r.level === 'channel'
        ? [r.region, r.district, r.channel]
        : r.level === 'district'
          ? [r.region, `Total ${r.district}`, 'all']
          : [`Total region ${r.region}`, '', 'all'];
    area.row([...label, ...values(r)], { total: r.level !== 'channel' });
  }
  area.row(['Grand total', '', 'all', ...values(data.national)], { total: true });
  area.end();

  sectionTitle(doc, 'By channel');
  const channel = new PdfTable(doc, [{ header: 'Channel', weight: 6 }, ...figures], FONTS, 8);
  channel.begin();
  for (const r of data.byChannel) channel.row([r.channel, ...values(r)]);
  channel.row(['Grand total', ...values(data.national)], { total: true });
  channel.end();

  signatureBlock(doc, p.header);
  await finishReportPdf(pdf);
  return { rows: data.national.households, total: data.national.amount };
}
