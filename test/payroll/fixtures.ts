import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import { approveCycle } from '../../src/payroll/approve.js';
import {
  enrolments,
  households,
  lipwAttendance,
  lipwSubprojects,
  lipwWorkers,
  members,
  paymentInstruments,
} from '../../src/db/schema.js';

/**
 * Builds enrolment and attendance data directly in the database, so payroll tests need no CSV
 * import. Member refs and Ghana Card PINs are numbered from counters unless given.
 */

export interface MemberSpec {
  category?: 'ovc' | 'elderly' | 'disability' | 'pregnant' | 'none';
  role?: 'caregiver' | 'alternate' | 'member';
  name?: string;
  pin?: string | null;
  deceasedOn?: string | null;
}

export interface HouseholdSpec {
  ref: string;
  district?: string;
  status?: string;
  /** Defaults to one caregiver who is also the one eligible member. */
  members?: MemberSpec[];
  /** null: no instrument at all. */
  instrument?: { channel?: string; account?: string; sortCode?: string; verified?: boolean } | null;
  lastAssessedOn?: string | null;
  /** Defaults to 2020-01-15. */
  enrolledOn?: string;
}

let memberSeq = 0;

function pin(n: number): string {
  return `GHA-${String(n).padStart(9, '0')}-${n % 10}`;
}

export async function addHousehold(db: Db, h: HouseholdSpec): Promise<number> {
  const district = h.district ?? 'NR-01';
  const [row] = await db
    .insert(households)
    .values({
      householdRef: h.ref,
      regionCode: district.slice(0, 2),
      districtCode: district,
      community: 'Test community',
      enrolledOn: h.enrolledOn ?? '2020-01-15',
      lastAssessedOn: h.lastAssessedOn ?? null,
    })
    .returning({ id: households.id });
  const householdId = row!.id;

  await db
    .insert(enrolments)
    .values({ householdId, programme: 'LEAP', status: h.status ?? 'active', since: '2020-01-15' });

  const specs = h.members ?? [{ category: 'elderly', role: 'caregiver' }];
  for (const m of specs) {
    memberSeq++;
    await db.insert(members).values({
      memberRef: `MB${String(memberSeq).padStart(8, '0')}`,
      householdId,
      fullName: m.name ?? `Member ${memberSeq} of ${h.ref}`,
      sex: 'F',
      dateOfBirth: '1950-01-01',
      ghanaCardPin: m.pin === undefined ? pin(memberSeq) : m.pin,
      category: m.category ?? 'none',
      role: m.role ?? 'member',
      deceasedOn: m.deceasedOn ?? null,
    });
  }

  if (h.instrument !== null) {
    const i = h.instrument ?? {};
    await db.insert(paymentInstruments).values({
      householdId,
      channel: i.channel ?? 'ezwich',
      accountNumber: i.account ?? `90${h.ref.slice(2)}`,
      bankSortCode: i.sortCode ?? null,
      holderName: `Holder of ${h.ref}`,
      verified: i.verified ?? true,
    });
  }
  return householdId;
}

/** n eligible members, the first of them the caregiver. */
export function eligibleMembers(n: number): MemberSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    category: i === 0 ? 'elderly' : 'ovc',
    role: i === 0 ? 'caregiver' : 'member',
  }));
}

export async function addSubproject(db: Db, code: string, district: string): Promise<number> {
  const [row] = await db
    .insert(lipwSubprojects)
    .values({ code, name: `Site ${code}`, districtCode: district, assetType: 'road' })
    .returning({ id: lipwSubprojects.id });
  return row!.id;
}

export async function addWorker(
  db: Db,
  w: {
    ref: string;
    subprojectId: number;
    channel?: string;
    account?: string;
    days?: string[];
    household?: string;
    exitedOn?: string;
  },
): Promise<number> {
  const n = Number(w.ref.slice(2));
  const [row] = await db
    .insert(lipwWorkers)
    .values({
      workerRef: w.ref,
      subprojectId: w.subprojectId,
      householdRef: w.household ?? `HH${w.ref.slice(2)}`,
      fullName: `Worker ${w.ref}`,
      ghanaCardPin: pin(500_000_000 + n),
      channel: w.channel ?? 'ezwich',
      accountNumber: w.account ?? `77${w.ref.slice(2)}`,
      exitedOn: w.exitedOn ?? null,
    })
    .returning({ id: lipwWorkers.id });
  const workerId = row!.id;
  if (w.days?.length) {
    await db
      .insert(lipwAttendance)
      .values(w.days.map((workDate) => ({ workerId, subprojectId: w.subprojectId, workDate })));
  }
  return workerId;
}

/** Consecutive ISO dates from first to last, inclusive. */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); d <= new Date(`${last}T00:00:00Z`);) {
    out.push(d.toISOString().slice(0, 10));
    d = new Date(d.getTime() + 86_400_000);
  }
  return out;
}

/**
 * Empties enrolment, attendance and payroll data between scenarios. TRUNCATE does not fire the
 * row-level seal guards, which is what a test reset needs and production code never does.
 */
export async function resetData(db: Db): Promise<void> {
  await db.execute(sql`TRUNCATE line_status_events, settlement_records, exceptions, submissions,
    cycle_exclusions, cycle_flags, payroll_line_items, payroll_lines, cycles, lipw_attendance, lipw_workers, lipw_subprojects,
    payment_instruments, members, enrolments, households RESTART IDENTITY CASCADE`);
  await db.execute(sql`UPDATE grant_schedules SET applies_retroactively_to_cycle = NULL`);
}

/**
 * Approves a built cycle as the demo approver, then settles its lines as reconciliation would:
 * every line paid, except the beneficiaries given with their own status and reason code.
 */
export async function approveAndSettle(
  db: Db,
  cycleId: number,
  outcomes: Record<string, { status: 'failed' | 'returned' | 'pending'; reason?: string }> = {},
): Promise<void> {
  await approveCycle(db, { cycleId, approver: 'kwame.boateng' });
  await db.execute(sql`UPDATE payroll_lines SET status = 'paid' WHERE cycle_id = ${cycleId}`);
  for (const [ref, o] of Object.entries(outcomes)) {
    await db.execute(sql`UPDATE payroll_lines SET status = ${o.status},
      status_reason = ${o.reason ?? null}
      WHERE cycle_id = ${cycleId} AND beneficiary_ref = ${ref}`);
  }
}

/** Lines whose amount is not the sum of their items, or whose base is not their grants. */
export async function unbalancedLines(db: Db): Promise<string[]> {
  const bad = await rows<{ end_to_end_id: string }>(
    db,
    sql`SELECT l.end_to_end_id FROM payroll_lines l
        JOIN payroll_line_items i ON i.payroll_line_id = l.id
        WHERE l.programme = 'LEAP'
        GROUP BY l.id
        HAVING l.amount <> sum(i.amount)
          OR l.base_amount <> coalesce(sum(i.amount) FILTER (WHERE i.kind = 'grant'), 0)
          OR l.arrears_amount <> coalesce(sum(i.amount) FILTER (WHERE i.kind <> 'grant'), 0)
        UNION ALL
        SELECT l.end_to_end_id FROM payroll_lines l
        WHERE l.programme = 'LEAP'
          AND NOT EXISTS (SELECT 1 FROM payroll_line_items i WHERE i.payroll_line_id = l.id)`,
  );
  return bad.map((b) => b.end_to_end_id);
}
