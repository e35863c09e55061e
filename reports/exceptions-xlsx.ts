import type { Db } from '../src/db/open.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import {
  AT_STAKE_LABEL,
  atStakeItems,
  exceptionTotals,
  streamExceptionRows,
} from './report-data/exceptions.js';
import { openReportWorkbook, writeHeaderSheet, XlsxTableSheet } from './xlsx/workbook.js';

/** The exception report as XLSX: header sheet, every exception, totals by reason code. */
export async function writeExceptionsXlsx(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const wb = openReportWorkbook(p.path, p.header);
  writeHeaderSheet(wb, p.header);
  const totals = await exceptionTotals(db, p.header.cycleId);

  const sheet = new XlsxTableSheet(wb, 'Exceptions', [
    { header: 'ID', width: 9, kind: 'count' },
    { header: 'Kind', width: 18, kind: 'text' },
    { header: 'Payment reference', width: 28, kind: 'text' },
    { header: 'Household / worker', width: 16, kind: 'text' },
    { header: 'District', width: 26, kind: 'text' },
    { header: 'Reason code', width: 11, kind: 'text' },
    { header: 'Meaning', width: 40, kind: 'text' },
    { header: 'Recommended action', width: 44, kind: 'text' },
    { header: 'Amount', width: 16, kind: 'money' },
    { header: 'State', width: 10, kind: 'text' },
    { header: 'Raised on', width: 12, kind: 'date' },
    { header: 'Age (days)', width: 10, kind: 'count' },
    { header: 'Detail', width: 60, kind: 'text' },
  ]);
  for await (const e of streamExceptionRows(db, {
    cycleId: p.header.cycleId,
    now: p.header.generatedAt,
  })) {
    sheet.add([
      e.id,
      e.kind,
      e.endToEndId,
      e.beneficiaryRef,
      e.district,
      e.reasonCode,
      e.meaning,
      e.action,
      e.amount,
      e.state,
      e.createdAt,
      e.ageDays,
      e.detail,
    ]);
  }
  sheet.finish();

  const byReason = new XlsxTableSheet(wb, 'By reason code', [
    { header: 'Reason code', width: 12, kind: 'text' },
    { header: 'Meaning', width: 48, kind: 'text' },
    { header: 'Exceptions', width: 12, kind: 'count' },
    { header: 'Amount', width: 18, kind: 'money' },
  ]);
  for (const r of totals.byReason)
    byReason.add([r.reasonCode || '(none)', r.meaning, r.count, r.amount]);
  byReason.total(['All exceptions', '', totals.count, null]);
  byReason.total([AT_STAKE_LABEL, atStakeItems(totals.atStake.items), null, totals.atStake.amount]);
  byReason.finish();

  await wb.commit();
  return { rows: sheet.rows, total: totals.atStake.amount };
}
