import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { money, ZERO, type Money } from '../money.js';
import type { ControlTotal, ControlTotalsBy } from './types.js';

/** Lines read per query while sealing: memory stays flat whatever the cycle size. */
const SEAL_BATCH = 10_000;

interface SealLine {
  line_no: number;
  beneficiary_ref: string;
  end_to_end_id: string;
  recipient_name: string;
  channel: string;
  account_number: string;
  amount: string;
  /** The line's items, canonical and in a fixed order ("grant:94:304.00|..."); null if none. */
  items?: string | null;
}

/**
 * One line in its canonical form: the fields a payment depends on, amount to two decimals, then
 * its items (kind, cycle, amount and the reference of the line paid again). A line without items
 * keeps the form it had before lines were itemised, so older seals still verify.
 */
export function canonicalLine(l: SealLine): string {
  const fields = [
    l.line_no,
    l.beneficiary_ref,
    l.end_to_end_id,
    l.recipient_name,
    l.channel,
    l.account_number,
    money(l.amount).toFixed(2),
  ];
  if (l.items) fields.push(l.items);
  return `${fields.join('|')}\n`;
}

export interface SealDigest {
  sha256: string;
  lineCount: number;
  total: Money;
}

/** Hashes the cycle's lines in line order, reading them in keyset-paginated batches. */
export async function digestLines(db: Db, cycleId: number): Promise<SealDigest> {
  const hash = createHash('sha256');
  let lastLineNo = 0;
  let lineCount = 0;
  let total = ZERO;

  for (;;) {
    const batch = await rows<SealLine>(
      db,
      sql`SELECT l.line_no, l.beneficiary_ref, l.end_to_end_id, l.recipient_name, l.channel,
            l.account_number, l.amount::text AS amount,
            (SELECT string_agg(i.kind || ':' || i.for_cycle || ':' || i.amount::text
                               || coalesce(':' || r.end_to_end_id, ''), '|'
                               ORDER BY i.for_cycle, i.kind COLLATE "C",
                                 r.end_to_end_id COLLATE "C", i.amount)
             FROM payroll_line_items i LEFT JOIN payroll_lines r ON r.id = i.replaces_line_id
             WHERE i.payroll_line_id = l.id) AS items
          FROM payroll_lines l
          WHERE l.cycle_id = ${cycleId} AND l.line_no > ${lastLineNo}
          ORDER BY l.line_no LIMIT ${SEAL_BATCH}`,
    );
    for (const line of batch) {
      hash.update(canonicalLine(line), 'utf8');
      total = total.plus(money(line.amount));
    }
    lineCount += batch.length;
    const last = batch.at(-1);
    if (!last || batch.length < SEAL_BATCH) break;
    lastLineNo = last.line_no;
  }

  return { sha256: hash.digest('hex'), lineCount, total };
}

/** The SHA-256 seal of a cycle as its lines stand now; compare with cycles.seal_sha256. */
export async function computeSeal(db: Db, cycleId: number): Promise<string> {
  return (await digestLines(db, cycleId)).sha256;
}

/** Lines and amount by region, district and channel, summed by the database. */
export async function controlTotals(db: Db, cycleId: number): Promise<ControlTotalsBy> {
  const groups = await rows<{ dim: string; code: string; lines: number; amount: string }>(
    db,
    sql`SELECT 'region' AS dim, region_code AS code, count(*)::int AS lines,
          sum(amount)::text AS amount
        FROM payroll_lines WHERE cycle_id = ${cycleId} GROUP BY region_code
        UNION ALL
        SELECT 'district', district_code, count(*)::int, sum(amount)::text
        FROM payroll_lines WHERE cycle_id = ${cycleId} GROUP BY district_code
        UNION ALL
        SELECT 'channel', channel, count(*)::int, sum(amount)::text
        FROM payroll_lines WHERE cycle_id = ${cycleId} GROUP BY channel
        ORDER BY 1, 2`,
  );

  const totals: ControlTotalsBy = { byRegion: {}, byDistrict: {}, byChannel: {} };
  const target: Record<string, Record<string, ControlTotal>> = {
    region: totals.byRegion,
    district: totals.byDistrict,
    channel: totals.byChannel,
  };
  for (const g of groups) {
    const into = target[g.dim];
    if (into) into[g.code] = { lines: g.lines, amount: money(g.amount).toFixed(2) };
  }
  return totals;
}
