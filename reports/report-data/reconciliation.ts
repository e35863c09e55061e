import { sql } from 'drizzle-orm';
import {
  controlTotals,
  LINE_STATUSES,
  type ControlTotals,
  type LineStatus,
} from '../../reconciliation/control-equation.js';
import { rows, type Db } from '../../src/db/open.js';
import { money, type Money } from '../../src/money.js';
import { reasonCode } from '../../src/reference/reason-codes.js';

export interface Tally {
  lines: number;
  amount: Money;
}

export interface StatusReasonTotal extends Tally {
  status: LineStatus;
  reasonCode: string;
  meaning: string;
}

/** A district, a region subtotal (district null) or the national total (region null). */
export interface AreaTotal extends Tally {
  level: 'district' | 'region' | 'national';
  region: string;
  district: string;
  byStatus: Record<LineStatus, Tally>;
}

export interface SubmissionRow {
  fileName: string;
  channel: string;
  sequence: number;
  messageId: string;
  txCount: number;
  controlSum: Money;
  status: string;
}

export interface ReconciliationData {
  control: ControlTotals;
  byStatusReason: StatusReasonTotal[];
  areas: AreaTotal[];
  submissions: SubmissionRow[];
  submissionTotals: { files: number; txCount: number; controlSum: Money };
}

/**
 * Everything the reconciliation summary shows, summed by the database. Each part is grouped
 * (at most a few hundred districts and files), so nothing here grows with the line count.
 */
export async function loadReconciliationData(db: Db, cycleId: number): Promise<ReconciliationData> {
  const control = await controlTotals(db, cycleId);
  const byStatusReason = await statusReasonTotals(db, cycleId);
  const areas = await areaTotals(db, cycleId);
  const submissions = await submissionRows(db, cycleId);
  const [subTotal] = await rows<{ files: number; tx_count: number; control_sum: string }>(
    db,
    sql`SELECT count(*)::int AS files, coalesce(sum(tx_count), 0)::int AS tx_count,
               coalesce(sum(control_sum), 0)::text AS control_sum
        FROM submissions WHERE cycle_id = ${cycleId}`,
  );
  return {
    control,
    byStatusReason,
    areas,
    submissions,
    submissionTotals: {
      files: subTotal?.files ?? 0,
      txCount: subTotal?.tx_count ?? 0,
      controlSum: money(subTotal?.control_sum ?? '0'),
    },
  };
}

async function statusReasonTotals(db: Db, cycleId: number): Promise<StatusReasonTotal[]> {
  const order = sql.raw(`ARRAY[${LINE_STATUSES.map((s) => `'${s}'`).join(', ')}]`);
  const grouped = await rows<{
    status: LineStatus;
    reason: string | null;
    lines: number;
    amount: string;
  }>(
    db,
    sql`SELECT status, status_reason AS reason, count(*)::int AS lines, sum(amount)::text AS amount
        FROM payroll_lines WHERE cycle_id = ${cycleId}
        GROUP BY status, status_reason
        ORDER BY array_position(${order}, status), status_reason NULLS FIRST`,
  );
  return grouped.map((g) => ({
    status: g.status,
    reasonCode: g.reason ?? '',
    meaning: g.reason ? reasonCode(g.reason).meaning : '',
    lines: g.lines,
    amount: money(g.amount),
  }));
}

type AreaRaw = Record<string, string | number | null>;

async function areaTotals(db: Db, cycleId: number): Promise<AreaTotal[]> {
  // Statuses are the fixed list above, never input, so they may be spelled into the SQL.
  const perStatus = sql.raw(
    LINE_STATUSES.map(
      (s) =>
        `count(*) FILTER (WHERE l.status = '${s}')::int AS ${s}_lines, ` +
        `coalesce(sum(l.amount) FILTER (WHERE l.status = '${s}'), 0)::text AS ${s}_amount`,
    ).join(', '),
  );
  const grouped = await rows<AreaRaw>(
    db,
    sql`SELECT GROUPING(l.region_code)::int AS g_region, GROUPING(l.district_code)::int AS g_district,
               l.region_code, r.name AS region_name, l.district_code, d.name AS district_name,
               count(*)::int AS lines, sum(l.amount)::text AS amount, ${perStatus}
        FROM payroll_lines l
        LEFT JOIN regions r ON r.code = l.region_code
        LEFT JOIN districts d ON d.code = l.district_code
        WHERE l.cycle_id = ${cycleId}
        GROUP BY GROUPING SETS ((l.region_code, r.name, l.district_code, d.name),
                                (l.region_code, r.name), ())
        ORDER BY GROUPING(l.region_code), r.name, l.region_code,
                 GROUPING(l.district_code), d.name, l.district_code`,
  );
  return grouped.map((g) => {
    const level = g.g_region ? 'national' : g.g_district ? 'region' : 'district';
    const byStatus = Object.fromEntries(
      LINE_STATUSES.map((s) => [
        s,
        { lines: Number(g[`${s}_lines`]), amount: money(String(g[`${s}_amount`])) },
      ]),
    ) as Record<LineStatus, Tally>;
    return {
      level,
      region: level === 'national' ? 'All regions' : `${g.region_name ?? ''} (${g.region_code})`,
      district:
        level === 'district' ? `${g.district_name ?? ''} (${g.district_code})` : 'All districts',
      lines: Number(g.lines),
      amount: money(String(g.amount)),
      byStatus,
    };
  });
}

async function submissionRows(db: Db, cycleId: number): Promise<SubmissionRow[]> {
  const found = await rows<{
    file_name: string;
    channel: string;
    sequence: number;
    message_id: string;
    tx_count: number;
    control_sum: string;
    status: string;
  }>(
    db,
    sql`SELECT file_name, channel, sequence, message_id, tx_count, control_sum::text AS control_sum,
               status
        FROM submissions WHERE cycle_id = ${cycleId} ORDER BY channel, sequence`,
  );
  return found.map((s) => ({
    fileName: s.file_name,
    channel: s.channel,
    sequence: s.sequence,
    messageId: s.message_id,
    txCount: s.tx_count,
    controlSum: money(s.control_sum),
    status: s.status,
  }));
}
