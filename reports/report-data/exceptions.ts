import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import { money, type Money } from '../../src/money.js';
import { reasonCode } from '../../src/reference/reason-codes.js';

export interface ExceptionRow {
  id: number;
  kind: string;
  /** The payment reference (EndToEndId) of the line, or of the response record for an unknown one. */
  endToEndId: string;
  /** household_ref (LEAP) or worker_ref (LIPW); empty when no line was matched. */
  beneficiaryRef: string;
  district: string;
  reasonCode: string;
  meaning: string;
  action: string;
  amount: Money | null;
  state: string;
  detail: string;
  createdAt: Date;
  ageDays: number;
}

export interface ReasonTotal {
  reasonCode: string;
  meaning: string;
  count: number;
  amount: Money;
}

export interface ExceptionTotals {
  byReason: ReasonTotal[];
  /** Every exception; a line may carry two (MD07 also opens a household review). */
  count: number;
  /** The amount at stake: each payroll line (or unmatched response record) counted once. */
  atStake: { items: number; amount: Money };
}

/** How both formats label the amount at stake, so no reader takes it for a column sum. */
export const AT_STAKE_LABEL = 'Amount at stake (each line once)';

export function atStakeItems(n: number): string {
  return `${n} payroll ${n === 1 ? 'line or response record' : 'lines or response records'}`;
}

interface RawException {
  id: string | number;
  kind: string;
  end_to_end_id: string | null;
  beneficiary_ref: string | null;
  district_code: string | null;
  district_name: string | null;
  reason_code: string | null;
  amount: string | null;
  state: string;
  detail: string;
  created_at: Date | string;
}

const DAY_MS = 86_400_000;

/**
 * The exceptions of a cycle in id order, read in keyset batches so a cycle with hundreds of
 * thousands of exceptions is never held in memory at once.
 */
export async function* streamExceptionRows(
  db: Db,
  p: { cycleId: number; now: Date; batchSize?: number },
): AsyncGenerator<ExceptionRow> {
  const batchSize = p.batchSize ?? 2000;
  let afterId = 0;
  for (;;) {
    const batch = await rows<RawException>(
      db,
      sql`SELECT e.id, e.kind, coalesce(l.end_to_end_id, s.end_to_end_id) AS end_to_end_id,
                 l.beneficiary_ref, l.district_code, d.name AS district_name, e.reason_code,
                 e.amount::text AS amount, e.state, e.detail, e.created_at
          FROM exceptions e
          LEFT JOIN payroll_lines l ON l.id = e.payroll_line_id
          LEFT JOIN settlement_records s ON s.id = e.settlement_record_id
          LEFT JOIN districts d ON d.code = l.district_code
          WHERE e.cycle_id = ${p.cycleId} AND e.id > ${afterId}
          ORDER BY e.id
          LIMIT ${batchSize}`,
    );
    for (const r of batch) yield toRow(r, p.now);
    if (batch.length < batchSize) return;
    afterId = Number(batch[batch.length - 1]!.id);
  }
}

function toRow(r: RawException, now: Date): ExceptionRow {
  const reason = reasonCode(r.reason_code);
  const createdAt = new Date(r.created_at);
  return {
    id: Number(r.id),
    kind: r.kind,
    endToEndId: r.end_to_end_id ?? '',
    beneficiaryRef: r.beneficiary_ref ?? '',
    district: r.district_code ? `${r.district_name ?? ''} (${r.district_code})` : '',
    reasonCode: r.reason_code ?? '',
    meaning: reason.meaning,
    action: reason.action,
    amount: r.amount === null ? null : money(r.amount),
    state: r.state,
    detail: r.detail,
    createdAt,
    ageDays: Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / DAY_MS)),
  };
}

/**
 * Count and amount of the cycle's exceptions per reason code, summed by the database, and the
 * amount at stake. A line's exceptions are summed per reason code as they are (an MD07 line's
 * failed payment and household review both count under MD07), but the amount at stake takes each
 * line once, at the largest amount its exceptions carry; an exception on no line counts by its
 * response record, or on its own.
 */
export async function exceptionTotals(db: Db, cycleId: number): Promise<ExceptionTotals> {
  const grouped = await rows<{ reason_code: string | null; count: number; amount: string }>(
    db,
    sql`SELECT reason_code, count(*)::int AS count, coalesce(sum(amount), 0)::text AS amount
        FROM exceptions WHERE cycle_id = ${cycleId}
        GROUP BY reason_code ORDER BY reason_code NULLS LAST`,
  );
  const [stake] = await rows<{ items: number; amount: string }>(
    db,
    sql`SELECT count(*)::int AS items, coalesce(sum(amount), 0)::text AS amount
        FROM (SELECT max(amount) AS amount FROM exceptions WHERE cycle_id = ${cycleId}
              GROUP BY coalesce('line ' || payroll_line_id, 'record ' || settlement_record_id,
                                'exception ' || id)) per_item`,
  );
  const byReason = grouped.map((g) => ({
    reasonCode: g.reason_code ?? '',
    meaning: reasonCode(g.reason_code).meaning,
    count: g.count,
    amount: money(g.amount),
  }));
  return {
    byReason,
    count: byReason.reduce((n, r) => n + r.count, 0),
    atStake: { items: stake!.items, amount: money(stake!.amount) },
  };
}
