import type { Db } from '../src/db/open.js';
import { ZERO } from '../src/money.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import type { VarianceSums } from './report-data/variance.js';
import { loadVariance } from './variance-data.js';
import { openReportWorkbook, writeHeaderSheet, XlsxTableSheet } from './xlsx/workbook.js';

/** The variance report as XLSX: comparison, by district, and every differing beneficiary. */
export async function writeVarianceXlsx(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const wb = openReportWorkbook(p.path, p.header);
  writeHeaderSheet(wb, p.header);
  const outcome = await loadVariance(db, p.header.cycleId, async (v) => {
    const cmp = new XlsxTableSheet(wb, 'Comparison', [
      { header: 'Measure', width: 30, kind: 'text' },
      { header: 'Lines', width: 12, kind: 'count' },
      { header: 'Amount', width: 20, kind: 'money' },
    ]);
    if (!v.previous) {
      cmp.add([
        'No previous cycle of this programme: there is nothing to compare with.',
        null,
        null,
      ]);
      cmp.finish();
      return;
    }
    const t = v.total;
    cmp.add([
      `Previous: ${v.previous.label} (id ${v.previous.id})`,
      t.previousLines,
      t.previousAmount,
    ]);
    cmp.add(['This cycle', t.currentLines, t.currentAmount]);
    cmp.add(['New beneficiaries', t.newCount, t.newAmount]);
    cmp.add(['Dropped beneficiaries', t.droppedCount, t.droppedAmount]);
    cmp.add(['Changed amounts (difference)', t.changedCount, t.changedDifference]);
    cmp.total([
      'Net change',
      t.currentLines - t.previousLines,
      t.currentAmount.minus(t.previousAmount),
    ]);
    cmp.finish();

    const district = new XlsxTableSheet(wb, 'By district', [
      { header: 'Region', width: 22, kind: 'text' },
      { header: 'District', width: 28, kind: 'text' },
      { header: 'New', width: 8, kind: 'count' },
      { header: 'New amount', width: 16, kind: 'money' },
      { header: 'Dropped', width: 9, kind: 'count' },
      { header: 'Dropped amount', width: 16, kind: 'money' },
      { header: 'Changed', width: 9, kind: 'count' },
      { header: 'Change in amount', width: 16, kind: 'money' },
      { header: 'Net change', width: 16, kind: 'money' },
    ]);
    const cells = (s: VarianceSums) => [
      s.newCount,
      s.newAmount,
      s.droppedCount,
      s.droppedAmount,
      s.changedCount,
      s.changedDifference,
      s.currentAmount.minus(s.previousAmount),
    ];
    for (const d of v.districts) district.add([d.region, d.district, ...cells(d)]);
    district.total(['Grand total', '', ...cells(t)]);
    district.finish();

    const listing = new XlsxTableSheet(wb, 'Beneficiaries', [
      { header: 'Region', width: 22, kind: 'text' },
      { header: 'District', width: 28, kind: 'text' },
      { header: 'Change', width: 10, kind: 'text' },
      { header: 'Beneficiary', width: 13, kind: 'text' },
      { header: 'Recipient', width: 30, kind: 'text' },
      { header: 'Previous amount', width: 16, kind: 'money' },
      { header: 'This cycle', width: 16, kind: 'money' },
      { header: 'Difference', width: 16, kind: 'money' },
    ]);
    const names = new Map(v.districts.map((d) => [d.districtCode, d]));
    const lines = v.lines();
    for (let l = await lines.next(); l; l = await lines.next()) {
      const d = names.get(l.districtCode);
      listing.add([
        d?.region ?? l.regionCode,
        d?.district ?? l.districtCode,
        l.change,
        l.beneficiaryRef,
        l.recipientName,
        l.previousAmount,
        l.currentAmount,
        (l.currentAmount ?? ZERO).minus(l.previousAmount ?? ZERO),
      ]);
    }
    listing.total([
      'Total',
      '',
      `${listing.rows} beneficiaries`,
      '',
      '',
      null,
      null,
      t.newAmount.minus(t.droppedAmount).plus(t.changedDifference),
    ]);
    listing.finish();
  });
  await wb.commit();
  return outcome;
}
