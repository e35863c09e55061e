import type { Db } from '../src/db/open.js';
import { formatCedi, ZERO } from '../src/money.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import { writeFixedPdf, type FixedPdf } from './pdf/fixed-layout.js';
import type { PdfColumn } from './pdf/table.js';
import { walkRegister, type RegisterVisitor, type ShownLine } from './register-lines.js';
import type { RegisterSums } from './report-data/register.js';

const LEAP_COLUMNS: PdfColumn[] = [
  { header: 'Line', weight: 3, align: 'right' },
  { header: 'Household', weight: 5 },
  { header: 'Recipient', weight: 9.5 },
  { header: 'Ghana Card PIN', weight: 7 },
  { header: 'Channel', weight: 3.5 },
  { header: 'Instrument', weight: 5.5 },
  { header: 'Members', weight: 3.5, align: 'right' },
  // Wide enough for a national total, GH¢ 999,999,999.99, in the grand total row.
  { header: 'Base', weight: 6.5, align: 'right' },
  { header: 'Arrears', weight: 6.5, align: 'right' },
  { header: 'Total', weight: 6.5, align: 'right' },
];

// Weights are shares of the page width in percent. The amount columns are wide enough for
// GH¢ 99,999,999.99 in the bold total rows; the other columns give up what they can spare.
const LIPW_COLUMNS: PdfColumn[] = [
  { header: 'Line', weight: 4.5, align: 'right' },
  { header: 'Worker', weight: 6.6 },
  { header: 'Household', weight: 6.6 },
  { header: 'Recipient', weight: 15.5 },
  { header: 'Ghana Card PIN', weight: 10 },
  { header: 'Channel', weight: 5 },
  { header: 'Instrument', weight: 8.8 },
  { header: 'Days', weight: 3.4, align: 'right' },
  { header: 'Daily rate', weight: 6.6, align: 'right' },
  { header: 'Base', weight: 11, align: 'right' },
  { header: 'Arrears', weight: 11, align: 'right' },
  { header: 'Total', weight: 11, align: 'right' },
];

/**
 * The payroll register as PDF: every line of the cycle by region and district (and sub-project
 * for LIPW), with subtotals at each level and the grand total. Streamed page by page.
 */
export async function writeRegisterPdf(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const lipw = p.header.programme === 'LIPW';
  const columns = lipw ? LIPW_COLUMNS : LEAP_COLUMNS;
  const noun = lipw ? 'worker' : 'household';
  const count = (n: number) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  let outcome: ReportOutcome = { rows: 0, total: ZERO };

  const sumCells = (label: string, s: RegisterSums): string[] => {
    const amounts = [formatCedi(s.base), formatCedi(s.arrears), formatCedi(s.total)];
    return lipw
      ? [`${label}: ${count(s.lines)}`, '', '', '', '', '', '', String(s.units), '', ...amounts]
      : [`${label}: ${count(s.lines)}`, '', '', '', '', '', String(s.units), ...amounts];
  };
  const span = lipw ? 7 : 6;

  const lineCells = (l: ShownLine): string[] => {
    const amounts = [formatCedi(l.base), formatCedi(l.arrears), formatCedi(l.total)];
    const common = [l.recipientName, l.pinShown, l.channel, l.instrumentShown];
    return lipw
      ? [
          String(l.lineNo),
          l.beneficiaryRef,
          l.householdRef,
          ...common,
          String(l.daysWorked ?? ''),
          l.dailyRate ? formatCedi(l.dailyRate) : '',
          ...amounts,
        ]
      : [
          String(l.lineNo),
          l.beneficiaryRef,
          ...common,
          String(l.eligibleMembers ?? ''),
          ...amounts,
        ];
  };

  await walkRegister(
    db,
    { cycleId: p.header.cycleId, masked: p.header.masked !== false },
    async (tree, walk) => {
      const body = async (out: FixedPdf, dry: boolean) => {
        out.section(
          'Register',
          `${lipw ? 'Columns: days worked and the daily rate of the last day worked. ' : 'Members: eligible members the grant is sized by. '}` +
            (p.header.masked === false
              ? 'UNMASKED export: full Ghana Card PINs and instruments.'
              : 'PINs and instruments masked to their last 4 digits.'),
        );
        out.beginTable(columns);
        const blank: string[] = [];
        const visitor: RegisterVisitor = {
          region: (r) => out.heading(`Region: ${r.label}`, 2),
          district: (r, d) => {
            out.heading(`District: ${d.label}`, 1);
            out.context(`${r.label} › ${d.label}`);
          },
          subproject: (g) => {
            out.heading(`Sub-project: ${g.subproject ?? ''}`, 1);
            out.context(`${g.region} › ${g.district} › ${g.subproject ?? ''}`);
          },
          line: (l) => out.row(dry ? blank : lineCells(l)),
          subprojectTotal: (g) =>
            out.row(dry ? blank : sumCells(`Total ${g.subprojectCode}`, g), {
              style: 'total',
              span,
            }),
          districtTotal: (d) =>
            out.row(dry ? blank : sumCells(`Total ${d.label}`, d), { style: 'total', span }),
          regionTotal: (r) => {
            out.context('');
            out.row(dry ? blank : sumCells(`Total region ${r.label}`, r), { style: 'total', span });
          },
          grandTotal: (s) => {
            out.row(dry ? blank : sumCells('Grand total', s), { style: 'total', span });
            outcome = { rows: s.lines, total: s.total };
          },
        };
        visitor.linesNotRead = (count) => {
          for (let k = 0; k < count; k++) out.row(blank);
        };
        await walk(visitor, !dry);
        if (tree.length === 0) out.row(['No lines in this cycle.'], { span: columns.length });
        out.endTable();
        out.signatures(p.header);
      };
      await writeFixedPdf(p.path, p.header, body);
    },
  );
  return outcome;
}
