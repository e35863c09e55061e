import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import { cycles, payrollLines } from '../../src/db/schema.js';

export interface FixtureLine {
  channel: 'ezwich' | 'momo' | 'bank';
  amount: string;
  name: string;
  account: string;
  sortCode?: string | null;
}

export interface FixtureCycle {
  cycleId: number;
  lineCount: number;
  total: string;
}

const LIPW = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

function period(programme: 'LEAP' | 'LIPW', periodKey: string) {
  const m = LIPW.exec(periodKey);
  if (programme === 'LIPW' && m) {
    return {
      cycleNumber: null,
      start: m[1]!,
      end: m[2]!,
      refPrefix: `LIPW-${m[1]!.replaceAll('-', '')}-WK`,
    };
  }
  const n = Number(periodKey);
  const startMonth = 2 * (n - 89);
  const start = new Date(Date.UTC(2024, startMonth, 1));
  const end = new Date(Date.UTC(2024, startMonth + 2, 0));
  return {
    cycleNumber: n,
    start: start.toISOString().slice(0, 10),
    end: end.toISOString().slice(0, 10),
    refPrefix: `LEAP-${n}-HH`,
  };
}

/**
 * A cycle with payroll lines inserted directly, then (unless sealed: false) approved and sealed.
 * Lines go in while the cycle is unsealed because the database refuses lines of a sealed cycle.
 * `generated` adds N lines set-based: 60% e-zwich, 30% mobile money, 10% bank by line number.
 */
export async function createCycle(
  db: Db,
  p: {
    programme: 'LEAP' | 'LIPW';
    periodKey: string;
    lines?: FixtureLine[];
    generated?: number;
    sealed?: boolean;
  },
): Promise<FixtureCycle> {
  const per = period(p.programme, p.periodKey);
  const [cycle] = await db
    .insert(cycles)
    .values({
      programme: p.programme,
      cycleNumber: per.cycleNumber,
      periodKey: p.periodKey,
      periodStart: per.start,
      periodEnd: per.end,
      status: 'built',
      builtBy: 'akosua.mensah',
    })
    .returning({ id: cycles.id });
  const cycleId = cycle!.id;
  const common = {
    cycleId,
    programme: p.programme,
    periodKey: p.periodKey,
    regionCode: 'NR',
    districtCode: 'NR-01',
  };

  const given = p.lines ?? [];
  if (given.length > 0) {
    await db.insert(payrollLines).values(
      given.map((l, i) => ({
        ...common,
        lineNo: i + 1,
        beneficiaryRef: `${per.refPrefix.slice(-2)}${String(i + 1).padStart(7, '0')}`,
        recipientName: l.name,
        channel: l.channel,
        accountNumber: l.account,
        bankSortCode: l.sortCode ?? null,
        baseAmount: l.amount,
        amount: l.amount,
        endToEndId: `${per.refPrefix}${String(i + 1).padStart(7, '0')}`,
      })),
    );
  }
  if (p.generated) {
    const offset = given.length;
    const kind = per.refPrefix.slice(-2);
    await db.execute(sql`
      INSERT INTO payroll_lines (cycle_id, line_no, programme, period_key, beneficiary_ref,
        recipient_name, region_code, district_code, channel, account_number, bank_sort_code,
        base_amount, amount, end_to_end_id)
      SELECT ${cycleId}, ${offset} + i, ${p.programme}, ${p.periodKey},
        ${kind} || lpad((${offset} + i)::text, 7, '0'),
        (ARRAY['Abena Nyamekyɛ', 'Kofi Ɔkyeame', 'Ama Ŋɔlɔ', 'Yaw O''Brien & Co'])[1 + i % 4],
        'NR', 'NR-01',
        CASE WHEN i % 10 < 6 THEN 'ezwich' WHEN i % 10 < 9 THEN 'momo' ELSE 'bank' END,
        CASE WHEN i % 10 < 6 THEN lpad((7000000000 + i)::text, 10, '0')
             WHEN i % 10 < 9 THEN '024' || lpad(i::text, 7, '0')
             ELSE '10' || lpad(i::text, 11, '0') END,
        CASE WHEN i % 10 = 9 THEN '030100' END,
        (ARRAY[320.00, 380.00, 440.00, 530.00, 219.67])[1 + i % 5],
        (ARRAY[320.00, 380.00, 440.00, 530.00, 219.67])[1 + i % 5],
        ${per.refPrefix} || lpad((${offset} + i)::text, 7, '0')
      FROM generate_series(1, ${p.generated}::int) AS i`);
  }

  const [totals] = await rows<{ n: number; total: string }>(
    db,
    sql`SELECT count(*)::int AS n, coalesce(sum(amount), 0)::text AS total
        FROM payroll_lines WHERE cycle_id = ${cycleId}`,
  );
  const lineCount = Number(totals!.n);
  const total = totals!.total;
  await db.execute(sql`
    UPDATE cycles SET line_count = ${lineCount}, total_amount = ${total}::numeric
    WHERE id = ${cycleId}`);
  if (p.sealed !== false) {
    await db.execute(sql`
      UPDATE cycles SET status = 'approved', approved_by = 'kwame.boateng', approved_at = now(),
        seal_sha256 = md5(${`fixture-${cycleId}`}) || md5(${`seal-${cycleId}`})
      WHERE id = ${cycleId}`);
  }
  return { cycleId, lineCount, total };
}
