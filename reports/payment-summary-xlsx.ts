import type { Db } from '../src/db/open.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import { loadPaymentSummary, type PaymentSummaryRow } from './report-data/payment-summary.js';
import {
  openReportWorkbook,
  writeHeaderSheet,
  XlsxTableSheet,
  type XlsxColumn,
} from './xlsx/workbook.js';

/** The payment summary as XLSX: one sheet by region, district and channel, one by channel. */
export async function writePaymentSummaryXlsx(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const data = await loadPaymentSummary(db, p.header.cycleId);
  const lipw = p.header.programme === 'LIPW';
  const wb = openReportWorkbook(p.path, p.header);
  writeHeaderSheet(wb, p.header);
  const figures: XlsxColumn[] = [
    { header: lipw ? 'Workers' : 'Households', width: 12, kind: 'count' },
    { header: 'Beneficiaries', width: 13, kind: 'count' },
    { header: 'Base', width: 18, kind: 'money' },
    { header: 'Arrears', width: 16, kind: 'money' },
    { header: 'Amount', width: 18, kind: 'money' },
  ];
  const values = (r: PaymentSummaryRow) => [
    r.households,
    r.beneficiaries,
    r.base,
    r.arrears,
    r.amount,
  ];

  const area = new XlsxTableSheet(wb, 'By area and channel', [
    { header: 'Level', width: 10, kind: 'text' },
    { header: 'Region', width: 24, kind: 'text' },
    { header: 'District', width: 30, kind: 'text' },
    { header: 'Channel', width: 10, kind: 'text' },
    ...figures,
  ]);
  for (const r of data.byArea) {
    area.add([r.level, r.region, r.district, r.channel || 'all', ...values(r)]);
  }
  area.total(['national', 'All regions', 'All districts', 'all', ...values(data.national)]);
  area.finish();

  const channel = new XlsxTableSheet(wb, 'By channel', [
    { header: 'Channel', width: 14, kind: 'text' },
    ...figures,
  ]);
  for (const r of data.byChannel) channel.add([r.channel, ...values(r)]);
  channel.total(['Grand total', ...values(data.national)]);
  channel.finish();

  await wb.commit();
  return { rows: data.national.households, total: data.national.amount };
}
