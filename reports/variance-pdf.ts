import type { Db } from '../src/db/open.js';
import { formatCedi, ZERO, type Money } from '../src/money.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import { writeFixedPdf, type FixedPdf } from './pdf/fixed-layout.js';
import { loadVariance, type Variance } from './variance-data.js';
import type { VarianceLine, VarianceSums } from './report-data/variance.js';

const CHANGE_LABELS = { new: 'new', dropped: 'dropped', changed: 'amount changed' } as const;

/**
 * The variance report as PDF: this cycle against the previous one of its programme, the counts
 * and amounts by district, then each new, dropped and changed beneficiary. Streamed page by page.
 */
export async function writeVariancePdf(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  return loadVariance(db, p.header.cycleId, async (v) => {
    await writeFixedPdf(p.path, p.header, async (out, dry) => {
      comparison(out, v);
      if (v.previous) {
        byDistrict(out, v);
        await beneficiaries(out, v, dry);
      }
      out.signatures(p.header);
    });
  });
}

function comparison(out: FixedPdf, v: Variance): void {
  if (!v.previous) {
    out.section(
      'Compared with',
      'No previous cycle of this programme: there is nothing to compare with.',
    );
    out.beginTable([{ header: 'Comparison', weight: 1 }]);
    out.row(['No previous cycle of this programme: no variance can be shown.']);
    out.endTable();
    return;
  }
  const t = v.total;
  out.section(
    'Compared with',
    `${v.previous.label} (id ${v.previous.id}); beneficiaries matched by reference.`,
  );
  out.beginTable([
    { header: 'Measure', weight: 6 },
    { header: 'Previous cycle', weight: 4, align: 'right' },
    { header: 'This cycle', weight: 4, align: 'right' },
    { header: 'Difference', weight: 4, align: 'right' },
  ]);
  out.row([
    'Lines',
    String(t.previousLines),
    String(t.currentLines),
    String(t.currentLines - t.previousLines),
  ]);
  out.row([
    'Amount',
    formatCedi(t.previousAmount),
    formatCedi(t.currentAmount),
    formatCedi(t.currentAmount.minus(t.previousAmount)),
  ]);
  out.row([
    `New beneficiaries: ${t.newCount}`,
    '',
    formatCedi(t.newAmount),
    formatCedi(t.newAmount),
  ]);
  out.row([
    `Dropped beneficiaries: ${t.droppedCount}`,
    formatCedi(t.droppedAmount),
    '',
    formatCedi(t.droppedAmount.negated()),
  ]);
  out.row([`Changed amounts: ${t.changedCount}`, '', '', formatCedi(t.changedDifference)]);
  out.endTable();
}

const DISTRICT_COLUMNS = [
  { header: 'Region', weight: 5 },
  { header: 'District', weight: 6 },
  { header: 'New', weight: 2, align: 'right' as const },
  { header: 'New amount', weight: 4, align: 'right' as const },
  { header: 'Dropped', weight: 2, align: 'right' as const },
  { header: 'Dropped amount', weight: 4, align: 'right' as const },
  { header: 'Changed', weight: 2, align: 'right' as const },
  { header: 'Change in amount', weight: 4, align: 'right' as const },
  { header: 'Net change', weight: 4, align: 'right' as const },
];

function districtCells(region: string, district: string, s: VarianceSums): string[] {
  return [
    region,
    district,
    String(s.newCount),
    formatCedi(s.newAmount),
    String(s.droppedCount),
    formatCedi(s.droppedAmount),
    String(s.changedCount),
    formatCedi(s.changedDifference),
    formatCedi(s.currentAmount.minus(s.previousAmount)),
  ];
}

function byDistrict(out: FixedPdf, v: Variance): void {
  out.section(
    'By district',
    "Net change: this cycle's amount in the district minus the previous cycle's.",
  );
  out.beginTable(DISTRICT_COLUMNS);
  for (const d of v.districts) out.row(districtCells(d.region, d.district, d));
  out.row(districtCells('Grand total', '', v.total), { style: 'total' });
  out.endTable();
}

async function beneficiaries(out: FixedPdf, v: Variance, dry: boolean): Promise<void> {
  out.section('Beneficiaries', 'Each new, dropped and changed beneficiary, district by district.');
  out.beginTable([
    { header: 'Change', weight: 4 },
    { header: 'Beneficiary', weight: 4 },
    { header: 'Recipient', weight: 10 },
    { header: 'Previous amount', weight: 4, align: 'right' },
    { header: 'This cycle', weight: 4, align: 'right' },
    { header: 'Difference', weight: 4, align: 'right' },
  ]);
  const lines = dry ? null : v.lines();
  for (const d of v.districts) {
    const count = d.newCount + d.droppedCount + d.changedCount;
    if (count === 0) continue;
    out.heading(`${d.region} › ${d.district}`);
    out.context(`${d.region} › ${d.district}`);
    for (let k = 0; k < count; k++) {
      if (!lines) {
        out.row([]);
        continue;
      }
      const l = await lines.next();
      if (!l || l.districtCode !== d.districtCode || l.regionCode !== d.regionCode) {
        throw new Error(`variance lines out of step with their district totals (${d.district})`);
      }
      out.row(lineCells(l));
    }
  }
  if (v.total.newCount + v.total.droppedCount + v.total.changedCount === 0) {
    out.row(['No beneficiary was added, dropped or paid a different amount.'], { span: 6 });
  }
  out.endTable();
}

function lineCells(l: VarianceLine): string[] {
  const show = (m: Money | null) => (m ? formatCedi(m) : '');
  const difference = (l.currentAmount ?? ZERO).minus(l.previousAmount ?? ZERO);
  return [
    CHANGE_LABELS[l.change],
    l.beneficiaryRef,
    l.recipientName,
    show(l.previousAmount),
    show(l.currentAmount),
    formatCedi(difference),
  ];
}
