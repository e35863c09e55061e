import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import { money, type Money } from '../../src/money.js';

export interface PaymentSums {
  /** Lines paid: households (LEAP) or workers (LIPW). */
  households: number;
  /** LEAP: eligible members summed; LIPW: workers, each one beneficiary. */
  beneficiaries: number;
  base: Money;
  arrears: Money;
  amount: Money;
}

export interface PaymentSummaryRow extends PaymentSums {
  /** channel: one channel of a district; district: all its channels; region; national. */
  level: 'channel' | 'district' | 'region' | 'national';
  region: string;
  district: string;
  channel: string;
}

export interface PaymentSummary {
  /** Districts by channel, with district and region subtotals, in print order. */
  byArea: PaymentSummaryRow[];
  /** The whole cycle by channel. */
  byChannel: PaymentSummaryRow[];
  national: PaymentSummaryRow;
}

type Raw = Record<string, string | number | null>;

/** The cycle's payments summed by the database at every level at once (grouping sets). */
export async function loadPaymentSummary(db: Db, cycleId: number): Promise<PaymentSummary> {
  const found = await rows<Raw>(
    db,
    sql`SELECT GROUPING(l.region_code)::int AS g_region, GROUPING(l.district_code)::int AS g_district,
               GROUPING(l.channel)::int AS g_channel, l.region_code, r.name AS region_name,
               l.district_code, d.name AS district_name, l.channel,
               count(*)::int AS households,
               coalesce(sum(l.eligible_members), count(*))::int AS beneficiaries,
               coalesce(sum(l.base_amount), 0)::text AS base,
               coalesce(sum(l.arrears_amount), 0)::text AS arrears,
               coalesce(sum(l.amount), 0)::text AS amount
        FROM payroll_lines l
        LEFT JOIN regions r ON r.code = l.region_code
        LEFT JOIN districts d ON d.code = l.district_code
        WHERE l.cycle_id = ${cycleId}
        GROUP BY GROUPING SETS ((l.region_code, r.name, l.district_code, d.name, l.channel),
                                (l.region_code, r.name, l.district_code, d.name),
                                (l.region_code, r.name), (l.channel), ())
        ORDER BY GROUPING(l.region_code), r.name COLLATE "C", l.region_code,
                 GROUPING(l.district_code), d.name COLLATE "C", l.district_code,
                 GROUPING(l.channel), l.channel`,
  );
  const all = found.map(toRow);
  const national = all.find((r) => r.level === 'national') ?? emptyNational();
  return {
    byArea: all.filter((r) => r.level !== 'national' && r.region !== ''),
    byChannel: all.filter((r) => r.level === 'channel' && r.region === ''),
    national,
  };
}

function toRow(g: Raw): PaymentSummaryRow {
  const grouped = (k: string) => Number(g[k]) === 1;
  const level = !grouped('g_channel')
    ? 'channel'
    : grouped('g_region')
      ? 'national'
      : grouped('g_district')
        ? 'region'
        : 'district';
  return {
    level,
    region: grouped('g_region') ? '' : `${g.region_name ?? ''} (${g.region_code})`,
    district: grouped('g_district') ? '' : `${g.district_name ?? ''} (${g.district_code})`,
    channel: grouped('g_channel') ? '' : String(g.channel),
    households: Number(g.households),
    beneficiaries: Number(g.beneficiaries),
    base: money(String(g.base)),
    arrears: money(String(g.arrears)),
    amount: money(String(g.amount)),
  };
}

function emptyNational(): PaymentSummaryRow {
  const zero = money(0);
  return {
    level: 'national',
    region: '',
    district: '',
    channel: '',
    households: 0,
    beneficiaries: 0,
    base: zero,
    arrears: zero,
    amount: zero,
  };
}
