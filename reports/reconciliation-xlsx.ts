import { LINE_STATUSES } from '../reconciliation/control-equation.js';
import type { Db } from '../src/db/open.js';
import { sum } from '../src/money.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import { loadReconciliationData } from './report-data/reconciliation.js';
import {
  openReportWorkbook,
  writeHeaderSheet,
  XlsxTableSheet,
  type XlsxColumn,
} from './xlsx/workbook.js';

/** The reconciliation summary as XLSX: one sheet per section, after the header sheet. */
export async function writeReconciliationXlsx(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const data = await loadReconciliationData(db, p.header.cycleId);
  const { control } = data;
  const wb = openReportWorkbook(p.path, p.header);
  writeHeaderSheet(wb, p.header);

  const eq = new XlsxTableSheet(wb, 'Control equation', [
    { header: 'Component', width: 34, kind: 'text' },
    { header: 'Lines', width: 12, kind: 'count' },
    { header: 'Amount', width: 20, kind: 'money' },
  ]);
  eq.add(['Sealed total', control.lineCount, control.sealedTotal]);
  for (const s of LINE_STATUSES) eq.add([s, control.byStatus[s].lines, control.byStatus[s].amount]);
  const accountedLines = LINE_STATUSES.reduce((n, s) => n + control.byStatus[s].lines, 0);
  const accounted = sum(LINE_STATUSES.map((s) => control.byStatus[s].amount));
  eq.total(['Accounted for (sum of statuses)', accountedLines, accounted]);
  eq.total(['Difference', control.lineCount - accountedLines, control.difference]);
  eq.total(['Equation holds', control.holds ? 'yes' : 'NO', null]);
  eq.finish();

  const sr = new XlsxTableSheet(wb, 'By status and reason', [
    { header: 'Status', width: 14, kind: 'text' },
    { header: 'Reason code', width: 12, kind: 'text' },
    { header: 'Meaning', width: 46, kind: 'text' },
    { header: 'Lines', width: 12, kind: 'count' },
    { header: 'Amount', width: 20, kind: 'money' },
  ]);
  for (const r of data.byStatusReason)
    sr.add([r.status, r.reasonCode, r.meaning, r.lines, r.amount]);
  sr.total(['Total', '', '', accountedLines, accounted]);
  sr.finish();

  const statusColumns: XlsxColumn[] = LINE_STATUSES.flatMap((s) => [
    { header: `${s} lines`, width: 12, kind: 'count' as const },
    { header: `${s} amount`, width: 18, kind: 'money' as const },
  ]);
  const area = new XlsxTableSheet(wb, 'By region and district', [
    { header: 'Level', width: 10, kind: 'text' },
    { header: 'Region', width: 24, kind: 'text' },
    { header: 'District', width: 30, kind: 'text' },
    { header: 'Lines', width: 12, kind: 'count' },
    { header: 'Amount', width: 20, kind: 'money' },
    ...statusColumns,
  ]);
  const areaValues = (a: (typeof data.areas)[number]) => [
    a.level,
    a.region,
    a.district,
    a.lines,
    a.amount,
    ...LINE_STATUSES.flatMap((s) => [a.byStatus[s].lines, a.byStatus[s].amount]),
  ];
  // Districts and region subtotals stay in the filter range (filter by Level); the national total
  // sits below it.
  for (const a of data.areas) if (a.level !== 'national') area.add(areaValues(a));
  for (const a of data.areas) if (a.level === 'national') area.total(areaValues(a));
  area.finish();

  const files = new XlsxTableSheet(wb, 'Submitted files', [
    { header: 'File', width: 40, kind: 'text' },
    { header: 'Channel', width: 10, kind: 'text' },
    { header: 'Sequence', width: 10, kind: 'count' },
    { header: 'Message id', width: 36, kind: 'text' },
    { header: 'Status', width: 12, kind: 'text' },
    { header: 'Transactions', width: 14, kind: 'count' },
    { header: 'Control sum', width: 20, kind: 'money' },
  ]);
  for (const f of data.submissions) {
    files.add([f.fileName, f.channel, f.sequence, f.messageId, f.status, f.txCount, f.controlSum]);
  }
  const st = data.submissionTotals;
  files.total([`Total: ${st.files} files`, '', null, '', '', st.txCount, st.controlSum]);
  files.finish();

  await wb.commit();
  return { rows: control.lineCount, total: control.sealedTotal };
}
