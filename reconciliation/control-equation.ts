import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { money, sum, type Money } from '../src/money.js';

export const LINE_STATUSES = ['paid', 'failed', 'returned', 'pending', 'unconfirmed'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

export interface ControlTotals {
  cycleId: number;
  sealedTotal: Money;
  byStatus: Record<LineStatus, { lines: number; amount: Money }>;
  lineCount: number;
  /** sealed total - (paid + failed + returned + pending + unconfirmed); zero when it holds. */
  difference: Money;
  holds: boolean;
}

/**
 * The control equation of a cycle: sealed total = paid + failed + returned + pending +
 * unconfirmed, summed by the database from the lines as they stand now, in one pass.
 */
export async function controlTotals(db: Db, cycleId: number): Promise<ControlTotals> {
  // Grouped by status rather than a filtered aggregate per status and total: each line is then
  // looked at once, not eleven times (a national response is several files; this runs per file).
  const [row] = await rows<{ cycle: string[] | null; sums: string[][] | null }>(
    db,
    sql`SELECT (SELECT ARRAY[total_amount::text, line_count::text] FROM cycles
                WHERE id = ${cycleId}) AS cycle,
               (SELECT array_agg(ARRAY[status, lines, amount])
                FROM (SELECT l.status, count(*)::text AS lines, sum(l.amount)::text AS amount
                      FROM payroll_lines l WHERE l.cycle_id = ${cycleId}
                      GROUP BY l.status) s) AS sums`,
  );
  if (!row?.cycle) throw new Error(`cycle ${cycleId} does not exist`);
  const found = new Map(
    (row.sums ?? []).map(([status, lines, amount]) => [status!, { lines, amount }]),
  );
  for (const status of found.keys()) {
    if (!(LINE_STATUSES as readonly string[]).includes(status)) {
      throw new Error(`cycle ${cycleId} has lines of an unknown status`);
    }
  }
  const byStatus = Object.fromEntries(
    LINE_STATUSES.map((s) => {
      const f = found.get(s);
      return [s, { lines: Number(f?.lines ?? 0), amount: money(f?.amount ?? '0') }];
    }),
  ) as ControlTotals['byStatus'];
  const sealedTotal = money(row.cycle[0]!);
  const accounted = sum(LINE_STATUSES.map((s) => byStatus[s].amount));
  const difference = sealedTotal.minus(accounted);
  return {
    cycleId,
    sealedTotal,
    byStatus,
    lineCount: Number(row.cycle[1]),
    difference,
    holds: difference.isZero(),
  };
}
