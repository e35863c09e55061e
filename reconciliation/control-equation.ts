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
  const sums = LINE_STATUSES.map(
    (s) => sql`count(*) FILTER (WHERE l.status = ${s})::text,
               coalesce(sum(l.amount) FILTER (WHERE l.status = ${s}), 0)::text`,
  );
  const [row] = await rows<{ cycle: string[] | null; sums: string[] }>(
    db,
    sql`SELECT (SELECT ARRAY[total_amount::text, line_count::text] FROM cycles
                WHERE id = ${cycleId}) AS cycle,
               ARRAY[count(*) FILTER (WHERE l.status NOT IN (${sql.join(
                 LINE_STATUSES.map((s) => sql`${s}`),
                 sql`, `,
               )}))::text, ${sql.join(sums, sql`, `)}] AS sums
        FROM payroll_lines l WHERE l.cycle_id = ${cycleId}`,
  );
  if (!row?.cycle) throw new Error(`cycle ${cycleId} does not exist`);
  const [unknown, ...counts] = row.sums.map(String);
  if (Number(unknown) > 0) throw new Error(`cycle ${cycleId} has lines of an unknown status`);

  const byStatus = Object.fromEntries(
    LINE_STATUSES.map((s, i) => [
      s,
      { lines: Number(counts[2 * i]), amount: money(counts[2 * i + 1]!) },
    ]),
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
