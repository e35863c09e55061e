import type { Db } from '../src/db/open.js';
import { ZERO } from '../src/money.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import { walkRegister } from './register-lines.js';
import type { RegisterSums } from './report-data/register.js';
import {
  openReportWorkbook,
  writeHeaderSheet,
  XlsxTableSheet,
  type CellInput,
  type XlsxColumn,
} from './xlsx/workbook.js';

/**
 * The payroll register as XLSX: every line on one sheet (region and district on each row, so it
 * filters and sorts), the grand total under it, and the subtotals by region, district and LIPW
 * sub-project on a second sheet. Rows are committed as they are written.
 */
export async function writeRegisterXlsx(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const lipw = p.header.programme === 'LIPW';
  const wb = openReportWorkbook(p.path, p.header);
  writeHeaderSheet(wb, p.header);
  const units: XlsxColumn = lipw
    ? { header: 'Days', width: 8, kind: 'count' }
    : { header: 'Members', width: 9, kind: 'count' };
  const amounts: XlsxColumn[] = [
    { header: 'Base', width: 14, kind: 'money' },
    { header: 'Arrears', width: 12, kind: 'money' },
    { header: 'Total', width: 14, kind: 'money' },
  ];

  const register = new XlsxTableSheet(wb, 'Register', [
    { header: 'Region', width: 20, kind: 'text' },
    { header: 'District', width: 26, kind: 'text' },
    ...(lipw ? [{ header: 'Sub-project', width: 30, kind: 'text' } as const] : []),
    { header: 'Line', width: 8, kind: 'count' },
    ...(lipw ? [{ header: 'Worker', width: 12, kind: 'text' } as const] : []),
    { header: 'Household', width: 12, kind: 'text' },
    { header: 'Recipient', width: 28, kind: 'text' },
    { header: 'Ghana Card PIN', width: 17, kind: 'text' },
    { header: 'Channel', width: 9, kind: 'text' },
    { header: 'Instrument', width: 16, kind: 'text' },
    units,
    ...(lipw ? [{ header: 'Daily rate', width: 11, kind: 'money' } as const] : []),
    ...amounts,
  ]);
  const levels: CellInput[][] = [];
  const level = (name: string, region: string, district: string, sub: string, s: RegisterSums) => {
    const where = lipw ? [region, district, sub] : [region, district];
    levels.push([name, ...where, s.lines, s.units, s.base, s.arrears, s.total]);
  };
  let outcome: ReportOutcome = { rows: 0, total: ZERO };

  await walkRegister(
    db,
    { cycleId: p.header.cycleId, masked: p.header.masked !== false },
    async (_tree, walk) => {
      let region = '';
      let district = '';
      let subproject = '';
      const grand = await walk(
        {
          region: (r) => void (region = r.label),
          district: (_r, d) => void ((district = d.label), (subproject = '')),
          subproject: (g) => void (subproject = g.subproject ?? ''),
          line: (l) =>
            register.add([
              region,
              district,
              ...(lipw ? [subproject] : []),
              l.lineNo,
              ...(lipw ? [l.beneficiaryRef] : []),
              l.householdRef,
              l.recipientName,
              l.pinShown,
              l.channel,
              l.instrumentShown,
              lipw ? l.daysWorked : l.eligibleMembers,
              ...(lipw ? [l.dailyRate] : []),
              l.base,
              l.arrears,
              l.total,
            ]),
          subprojectTotal: (g) => level('sub-project', g.region, g.district, g.subproject ?? '', g),
          districtTotal: (d) => level('district', region, d.label, '', d),
          regionTotal: (r) => level('region', r.label, '', '', r),
          grandTotal: () => undefined,
        },
        true,
      );
      const blanks = lipw ? 9 : 7;
      register.total([
        `Grand total: ${grand.lines} ${lipw ? 'workers' : 'households'}`,
        ...Array<CellInput>(blanks).fill(null),
        grand.units,
        ...(lipw ? [null] : []),
        grand.base,
        grand.arrears,
        grand.total,
      ]);
      register.finish();
      outcome = { rows: grand.lines, total: grand.total };

      const subtotals = new XlsxTableSheet(wb, 'Subtotals', [
        { header: 'Level', width: 12, kind: 'text' },
        { header: 'Region', width: 22, kind: 'text' },
        { header: 'District', width: 28, kind: 'text' },
        ...(lipw ? [{ header: 'Sub-project', width: 30, kind: 'text' } as const] : []),
        { header: lipw ? 'Workers' : 'Households', width: 12, kind: 'count' },
        units,
        ...amounts,
      ]);
      for (const row of levels) subtotals.add(row);
      subtotals.total([
        'national',
        'All regions',
        'All districts',
        ...(lipw ? [''] : []),
        grand.lines,
        grand.units,
        grand.base,
        grand.arrears,
        grand.total,
      ]);
      subtotals.finish();
    },
  );

  await wb.commit();
  return outcome;
}
