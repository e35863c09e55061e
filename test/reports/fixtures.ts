import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import {
  cycles,
  exceptions,
  payrollLines,
  settlementFiles,
  settlementRecords,
  submissions,
} from '../../src/db/schema.js';
import { money } from '../../src/money.js';

/** Districts the fixture lines are spread over (from the seeded reference data). */
const AREAS = [
  { region: 'NR', district: 'NR-01' },
  { region: 'NR', district: 'NR-02' },
  { region: 'GA', district: 'GA-01' },
  { region: 'AS', district: 'AS-01' },
] as const;
const CHANNELS = ['ezwich', 'momo', 'bank'] as const;
const FAILURE_REASONS = ['AC01', 'AC04', 'MD07', 'BE01'] as const;
const NAMES = ['Ɛfua Ɔwusu', 'Ŋmɛbu Ɖzifa', 'Kofi Mensah', 'Abena Asantewaa'];

/** The status of line i: every 5th fails, and a few are returned, pending or unconfirmed. */
export function fixtureStatus(i: number): { status: string; reason: string | null } {
  if (i % 20 === 3) return { status: 'returned', reason: 'AC04' };
  if (i % 20 === 7) return { status: 'pending', reason: null };
  if (i % 20 === 11) return { status: 'unconfirmed', reason: null };
  if (i % 5 === 0) return { status: 'failed', reason: FAILURE_REASONS[(i / 5) % 4]! };
  return { status: 'paid', reason: null };
}

/** Text starting with '=': the exception report must show it as text, never run it. */
export const FORMULA_DETAIL = '=HYPERLINK("http://example.invalid","click")';

export const EXCEPTIONS_RAISED_AT = new Date('2026-12-10T08:00:00Z');

export interface ReportCycleOptions {
  programme?: 'LEAP' | 'LIPW';
  cycleNumber?: number;
  lines: number;
  /** Added to the sealed total, to make the control equation fail. */
  totalOffset?: string;
  sealed?: boolean;
}

export interface ReportCycle {
  cycleId: number;
  seal: string | null;
  failedLines: number;
}

/**
 * A reconciled cycle written row by row: lines inserted while unsealed, then sealed and approved;
 * a failed_payment exception per failed line, one unknown_reference exception and one
 * submission per channel.
 */
export async function createReportCycle(db: Db, o: ReportCycleOptions): Promise<ReportCycle> {
  const programme = o.programme ?? 'LEAP';
  const leap = programme === 'LEAP';
  const periodKey = leap ? String(o.cycleNumber ?? 106) : '2026-11-02..2026-11-15';
  const [cycle] = await db
    .insert(cycles)
    .values({
      programme,
      cycleNumber: leap ? (o.cycleNumber ?? 106) : null,
      periodKey,
      periodStart: leap ? '2026-11-01' : '2026-11-02',
      periodEnd: leap ? '2026-12-31' : '2026-11-15',
      status: 'built',
      builtBy: 'akosua.mensah',
      builtAt: new Date('2026-12-01T09:00:00Z'),
    })
    .returning({ id: cycles.id });
  const cycleId = cycle!.id;
  const refPrefix = leap ? `LEAP-${periodKey}` : 'LIPW-20261102';

  const lines = Array.from({ length: o.lines }, (_, k) => {
    const i = k + 1;
    const area = AREAS[i % AREAS.length]!;
    const { status, reason } = fixtureStatus(i);
    const ref = leap ? `HH${String(i).padStart(7, '0')}` : `WK${String(i).padStart(7, '0')}`;
    const amount = money(256)
      .plus(money('17.37').times(i % 13))
      .toFixed(2);
    return {
      cycleId,
      lineNo: i,
      programme,
      periodKey,
      beneficiaryRef: ref,
      recipientName: NAMES[i % NAMES.length]!,
      regionCode: area.region,
      districtCode: area.district,
      channel: CHANNELS[i % CHANNELS.length]!,
      accountNumber: String(1000000000 + i),
      baseAmount: amount,
      amount,
      endToEndId: `${refPrefix}-${ref}`,
      status,
      statusReason: reason,
    };
  });
  for (let k = 0; k < lines.length; k += 500) {
    await db.insert(payrollLines).values(lines.slice(k, k + 500));
  }

  const seal =
    o.sealed === false ? null : createHash('sha256').update(`fixture-${cycleId}`).digest('hex');
  const offset = o.totalOffset ?? '0';
  await db.execute(sql`
    UPDATE cycles SET
      line_count = (SELECT count(*) FROM payroll_lines WHERE cycle_id = ${cycleId}),
      total_amount = (SELECT coalesce(sum(amount), 0) FROM payroll_lines WHERE cycle_id = ${cycleId})
                     + ${offset}::numeric,
      seal_sha256 = ${seal},
      status = ${seal ? 'reconciled' : 'built'},
      approved_by = ${seal ? 'kwame.boateng' : null},
      approved_at = ${seal ? new Date('2026-12-02T14:30:00Z').toISOString() : null}::timestamptz
    WHERE id = ${cycleId}`);

  const failed = await rows<{ id: number; amount: string; status_reason: string; line_no: number }>(
    db,
    sql`SELECT id, amount::text AS amount, status_reason, line_no FROM payroll_lines
        WHERE cycle_id = ${cycleId} AND status = 'failed' ORDER BY line_no`,
  );
  const failedExceptions = failed.map((l, n) => ({
    cycleId,
    payrollLineId: Number(l.id),
    kind: 'failed_payment',
    reasonCode: l.status_reason,
    amount: l.amount,
    detail: n === 0 ? FORMULA_DETAIL : `Rejected: ${l.status_reason} for line ${l.line_no}`,
    state: 'open',
    createdAt: new Date(EXCEPTIONS_RAISED_AT.getTime() - (n % 4) * 86_400_000),
  }));
  for (let k = 0; k < failedExceptions.length; k += 500) {
    await db.insert(exceptions).values(failedExceptions.slice(k, k + 500));
  }

  const [file] = await db
    .insert(settlementFiles)
    .values({
      sha256: createHash('sha256').update(`response-${cycleId}`).digest('hex'),
      fileName: `${refPrefix}-response.xml`,
      format: 'pain.002',
      loadedBy: 'efua.owusu',
    })
    .returning({ id: settlementFiles.id });
  const [record] = await db
    .insert(settlementRecords)
    .values({
      settlementFileId: file!.id,
      endToEndId: `${refPrefix}-HH9999999`,
      status: 'RJCT',
      reasonCode: 'AC01',
      amount: '55.00',
      outcome: 'unknown_reference',
    })
    .returning({ id: settlementRecords.id });
  await db.insert(exceptions).values({
    cycleId,
    settlementRecordId: record!.id,
    kind: 'unknown_reference',
    reasonCode: null,
    amount: '55.00',
    detail: 'A response names a payment reference that is in no cycle',
    state: 'open',
    createdAt: EXCEPTIONS_RAISED_AT,
  });

  const perChannel = await rows<{ channel: string; n: number; total: string }>(
    db,
    sql`SELECT channel, count(*)::int AS n, sum(amount)::text AS total FROM payroll_lines
        WHERE cycle_id = ${cycleId} GROUP BY channel ORDER BY channel`,
  );
  if (perChannel.length > 0) {
    await db.insert(submissions).values(
      perChannel.map((c) => ({
        cycleId,
        channel: c.channel,
        sequence: 1,
        messageId: `${refPrefix}-${c.channel}-${cycleId}-001`,
        paymentInfoId: `${refPrefix}-${c.channel}`,
        fileName: `${refPrefix}-${c.channel}-001.xml`,
        format: 'pain.001.001.03',
        txCount: c.n,
        controlSum: c.total,
        status: 'sent',
      })),
    );
  }
  return { cycleId, seal, failedLines: failed.length };
}
