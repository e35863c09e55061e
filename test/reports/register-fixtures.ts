import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/open.js';
import { cycles, lipwSubprojects, lipwWorkers, payrollLines } from '../../src/db/schema.js';
import { money } from '../../src/money.js';

/** A recipient name a spreadsheet would run as a formula if it were not written as text. */
export const FORMULA_NAME = '=HYPERLINK("http://example.invalid","Ama")';

const AREAS = [
  { region: 'NR', district: 'NR-01' },
  { region: 'NR', district: 'NR-02' },
  { region: 'GA', district: 'GA-01' },
] as const;
const CHANNELS = ['ezwich', 'momo', 'bank'] as const;
const GRANTS = ['320.00', '380.00', '440.00', '530.00'] as const;

/** Ghana Card PIN of beneficiary i: GHA-<9 digits>-<check>, its last 4 digits 1000 + i. */
export function fixturePin(i: number): string {
  return `GHA-70000${String(1000 + i).padStart(4, '0')}-${i % 10}`;
}

/** Account or wallet number of beneficiary i; its last 4 digits are 5000 + i. */
export function fixtureAccount(i: number): string {
  return `02440${String(5000 + i).padStart(5, '0')}`;
}

export interface LeapLineSpec {
  /** Household number: HH + 7 digits. */
  i: number;
  /** Grant tier 1-4 (amount 320, 380, 440 or 530). */
  members?: number;
  arrears?: string;
  area?: number;
  name?: string;
}

/**
 * A sealed LEAP cycle with exactly the lines given: household i in district AREAS[i % 3] (or the
 * one asked), channel by i, grant by members, PIN and account by i.
 */
export async function createLeapCycle(
  db: Db,
  o: { cycleNumber: number; lines: LeapLineSpec[] },
): Promise<number> {
  const periodKey = String(o.cycleNumber);
  const [cycle] = await db
    .insert(cycles)
    .values({
      programme: 'LEAP',
      cycleNumber: o.cycleNumber,
      periodKey,
      periodStart: '2026-11-01',
      periodEnd: '2026-12-31',
      status: 'built',
      builtBy: 'akosua.mensah',
      builtAt: new Date('2026-12-01T09:00:00Z'),
    })
    .returning({ id: cycles.id });
  const cycleId = cycle!.id;
  const values = o.lines.map((l, k) => {
    const area = AREAS[l.area ?? l.i % AREAS.length]!;
    const members = l.members ?? (l.i % 4) + 1;
    const base = GRANTS[members - 1]!;
    const arrears = l.arrears ?? '0.00';
    const ref = `HH${String(l.i).padStart(7, '0')}`;
    return {
      cycleId,
      lineNo: k + 1,
      programme: 'LEAP',
      periodKey,
      beneficiaryRef: ref,
      recipientName: l.name ?? `Ɛfua Ɔwusu ${l.i}`,
      recipientPin: fixturePin(l.i),
      regionCode: area.region,
      districtCode: area.district,
      channel: CHANNELS[l.i % 3]!,
      accountNumber: fixtureAccount(l.i),
      eligibleMembers: members,
      baseAmount: base,
      arrearsAmount: arrears,
      amount: money(base).plus(money(arrears)).toFixed(2),
      endToEndId: `LEAP-${periodKey}-${ref}`,
    };
  });
  for (let k = 0; k < values.length; k += 1000) {
    await db.insert(payrollLines).values(values.slice(k, k + 1000));
  }
  await seal(db, cycleId);
  return cycleId;
}

/**
 * A sealed LIPW cycle for a pay period: workers WK<i> on two sub-projects of NR-01 and one of
 * GA-01 (created once), each with days worked and a daily rate (default 19.97).
 */
export async function createLipwCycle(
  db: Db,
  o: {
    start: string;
    end: string;
    workers: { i: number; days: number; site?: number; rate?: string }[];
  },
): Promise<number> {
  const sites = await ensureSites(db);
  const periodKey = `${o.start}..${o.end}`;
  const [cycle] = await db
    .insert(cycles)
    .values({
      programme: 'LIPW',
      periodKey,
      periodStart: o.start,
      periodEnd: o.end,
      status: 'built',
      builtBy: 'akosua.mensah',
      builtAt: new Date('2026-12-01T09:00:00Z'),
    })
    .returning({ id: cycles.id });
  const cycleId = cycle!.id;
  for (const [k, w] of o.workers.entries()) {
    const site = sites[w.site ?? w.i % sites.length]!;
    const ref = `WK${String(w.i).padStart(7, '0')}`;
    let [worker] = await db
      .select({ id: lipwWorkers.id })
      .from(lipwWorkers)
      .where(sql`worker_ref = ${ref}`);
    if (!worker) {
      [worker] = await db
        .insert(lipwWorkers)
        .values({
          workerRef: ref,
          subprojectId: site.id,
          householdRef: `HH${String(900000 + w.i).padStart(7, '0')}`,
          fullName: `Kofi Mensah ${w.i}`,
          ghanaCardPin: fixturePin(w.i),
          channel: 'ezwich',
          accountNumber: fixtureAccount(w.i),
        })
        .returning({ id: lipwWorkers.id });
    }
    const rate = w.rate ?? '19.97';
    const amount = money(rate).times(w.days).toFixed(2);
    await db.insert(payrollLines).values({
      cycleId,
      lineNo: k + 1,
      programme: 'LIPW',
      periodKey,
      beneficiaryRef: ref,
      workerId: worker!.id,
      subprojectId: site.id,
      recipientName: `Kofi Mensah ${w.i}`,
      recipientPin: fixturePin(w.i),
      regionCode: site.region,
      districtCode: site.district,
      channel: 'ezwich',
      accountNumber: fixtureAccount(w.i),
      daysWorked: w.days,
      dailyRate: rate,
      baseAmount: amount,
      amount,
      endToEndId: `LIPW-${o.start.replaceAll('-', '')}-${ref}`,
    });
  }
  await seal(db, cycleId);
  return cycleId;
}

async function ensureSites(db: Db) {
  const wanted = [
    { code: 'SP-NR-01-001', name: 'Feeder road Gushegu', district: 'NR-01', region: 'NR' },
    { code: 'SP-NR-01-002', name: 'Dugout dam Zantani', district: 'NR-01', region: 'NR' },
    { code: 'SP-GA-01-001', name: 'Tree crops Ablekuma', district: 'GA-01', region: 'GA' },
  ];
  const out: { id: number; district: string; region: string }[] = [];
  for (const s of wanted) {
    const [found] = await db
      .select({ id: lipwSubprojects.id })
      .from(lipwSubprojects)
      .where(sql`code = ${s.code}`);
    const id =
      found?.id ??
      (
        await db
          .insert(lipwSubprojects)
          .values({ code: s.code, name: s.name, districtCode: s.district, assetType: 'road' })
          .returning({ id: lipwSubprojects.id })
      )[0]!.id;
    out.push({ id, district: s.district, region: s.region });
  }
  return out;
}

async function seal(db: Db, cycleId: number): Promise<void> {
  await db.execute(sql`
    UPDATE cycles SET
      line_count = (SELECT count(*) FROM payroll_lines WHERE cycle_id = ${cycleId}),
      total_amount = (SELECT coalesce(sum(amount), 0) FROM payroll_lines WHERE cycle_id = ${cycleId}),
      seal_sha256 = md5(${String(cycleId)}) || md5(${`s${cycleId}`}),
      status = 'approved', approved_by = 'kwame.boateng',
      approved_at = '2026-12-02T14:30:00Z'::timestamptz
    WHERE id = ${cycleId}`);
}
