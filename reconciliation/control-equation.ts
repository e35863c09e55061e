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
 * unconfirmed, summed by the database from the lines as they stand now.
 */
export async function controlTotals(db: Db, cycleId: number): Promise<ControlTotals> {
  const [cycle] = await rows<{ total_amount: string; line_count: number }>(
    db,
    sql`SELECT total_amount, line_count FROM cycles WHERE id = ${cycleId}`,
  );
  if (!cycle) throw new Error(`cycle ${cycleId} does not exist`);
  const grouped = await rows<{ status: string; lines: number; amount: string }>(
    db,
    sql`SELECT status, count(*)::int AS lines, coalesce(sum(amount), 0)::text AS amount
        FROM payroll_lines WHERE cycle_id = ${cycleId} GROUP BY status`,
  );

  const byStatus = Object.fromEntries(
    LINE_STATUSES.map((s) => [s, { lines: 0, amount: money(0) }]),
  ) as ControlTotals['byStatus'];
  for (const g of grouped) {
    if (!(g.status in byStatus)) throw new Error(`line status ${g.status} is not known`);
    byStatus[g.status as LineStatus] = { lines: g.lines, amount: money(g.amount) };
  }

  const sealedTotal = money(cycle.total_amount);
  const accounted = sum(LINE_STATUSES.map((s) => byStatus[s].amount));
  const difference = sealedTotal.minus(accounted);
  return {
    cycleId,
    sealedTotal,
    byStatus,
    lineCount: cycle.line_count,
    difference,
    holds: difference.isZero(),
  };
}
