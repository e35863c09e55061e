import type { Db } from '../src/db/open.js';
import { formatCedi } from '../src/money.js';
import type { ReportHeader } from './header.js';
import { writeFixedPdf } from './pdf/fixed-layout.js';
import type { PdfColumn } from './pdf/table.js';
import {
  AT_STAKE_LABEL,
  atStakeItems,
  exceptionTotals,
  streamExceptionRows,
} from './report-data/exceptions.js';
import { withSnapshot } from './report-data/snapshot.js';
import type { ReportOutcome } from './outcome.js';

const SUMMARY_COLUMNS: PdfColumn[] = [
  { header: 'Reason code', weight: 2 },
  { header: 'Meaning', weight: 6, wrap: 2 },
  { header: 'Exceptions', weight: 2, align: 'right' },
  { header: 'Amount', weight: 3, align: 'right' },
];

const LIST_COLUMNS: PdfColumn[] = [
  { header: 'ID', weight: 3, align: 'right' },
  { header: 'Kind', weight: 7, wrap: 2 },
  { header: 'Payment reference', weight: 11, wrap: 2 },
  { header: 'Household / worker', weight: 7 },
  { header: 'District', weight: 9, wrap: 2 },
  { header: 'Reason', weight: 4 },
  { header: 'Meaning', weight: 11, wrap: 3 },
  { header: 'Recommended action', weight: 12, wrap: 3 },
  { header: 'Amount', weight: 8, align: 'right' },
  { header: 'State', weight: 5 },
  { header: 'Age (days)', weight: 4, align: 'right' },
];

/**
 * The exception report as PDF: totals by reason code, then every exception of the cycle in the
 * order it was raised. The list is laid out twice from one snapshot (the first time only to count
 * pages), so "Page x of y" is printed as each page is made and no page is held in memory.
 */
export async function writeExceptionsPdf(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  return withSnapshot(db, async (snap) => {
    const totals = await exceptionTotals(snap.db, p.header.cycleId);
    let listed = 0;
    await writeFixedPdf(p.path, p.header, async (out) => {
      out.section('Totals by reason code');
      out.beginTable(SUMMARY_COLUMNS, { rules: true });
      for (const r of totals.byReason) {
        out.row([r.reasonCode || '(none)', r.meaning, String(r.count), formatCedi(r.amount)]);
      }
      out.row(['All exceptions', '', String(totals.count), ''], { style: 'total' });
      out.row(
        [
          `${AT_STAKE_LABEL}: ${atStakeItems(totals.atStake.items)}`,
          '',
          '',
          formatCedi(totals.atStake.amount),
        ],
        { style: 'total', span: 3 },
      );
      out.endTable();

      out.section('Exceptions', 'Age is counted in whole days from when the exception was raised.');
      out.beginTable(LIST_COLUMNS, { rules: true });
      listed = 0;
      for await (const e of streamExceptionRows(snap.db, {
        cycleId: p.header.cycleId,
        now: p.header.generatedAt,
      })) {
        out.row([
          String(e.id),
          e.kind.replace(/_/g, ' '),
          e.endToEndId,
          e.beneficiaryRef,
          e.district,
          e.reasonCode,
          e.meaning,
          e.action,
          e.amount ? formatCedi(e.amount) : '',
          e.state,
          String(e.ageDays),
        ]);
        listed++;
      }
      if (listed === 0) out.row(['No exceptions for this cycle.'], { span: LIST_COLUMNS.length });
      out.row(
        [
          `${totals.count} exceptions; ${AT_STAKE_LABEL.toLowerCase()}, ` +
            atStakeItems(totals.atStake.items),
          ...Array<string>(7).fill(''),
          formatCedi(totals.atStake.amount),
          '',
          '',
        ],
        {
          style: 'total',
          span: 8,
        },
      );
      out.endTable();
      out.signatures(p.header);
    });
    return { rows: listed, total: totals.atStake.amount };
  });
}
