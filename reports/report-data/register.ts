import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import { money, ZERO, type Money } from '../../src/money.js';
import type { RowCursor } from './snapshot.js';

/** Sums over a set of register lines, as the database adds them up. */
export interface RegisterSums {
  lines: number;
  /** LEAP: eligible members; LIPW: days worked. */
  units: number;
  base: Money;
  arrears: Money;
  total: Money;
}

/** The smallest group of the register: a district (LEAP) or a sub-project in a district (LIPW). */
export interface RegisterGroup extends RegisterSums {
  regionCode: string;
  region: string;
  districtCode: string;
  district: string;
  /** LIPW only: the sub-project's code and name. */
  subprojectCode: string | null;
  subproject: string | null;
}

export interface RegisterLine {
  lineNo: number;
  beneficiaryRef: string;
  /** LIPW: the worker's household; LEAP: the household paid. */
  householdRef: string;
  recipientName: string;
  recipientPin: string | null;
  channel: string;
  accountNumber: string;
  eligibleMembers: number | null;
  daysWorked: number | null;
  dailyRate: Money | null;
  base: Money;
  arrears: Money;
  total: Money;
  regionCode: string;
  districtCode: string;
  subprojectCode: string | null;
}

// One order for the groups and the lines, so the lines arrive group by group as the groups list.
const ORDER = sql`r.name COLLATE "C" NULLS LAST, l.region_code COLLATE "C",
  d.name COLLATE "C" NULLS LAST, l.district_code COLLATE "C", sp.code COLLATE "C" NULLS FIRST`;
const JOINS = sql`LEFT JOIN regions r ON r.code = l.region_code
  LEFT JOIN districts d ON d.code = l.district_code
  LEFT JOIN lipw_subprojects sp ON sp.id = l.subproject_id`;

interface RawGroup {
  region_code: string;
  region_name: string | null;
  district_code: string;
  district_name: string | null;
  subproject_code: string | null;
  subproject_name: string | null;
  lines: number;
  units: number;
  base: string;
  arrears: string;
  total: string;
}

/** The register's groups in print order, with their sums; a few hundred rows at most. */
export async function registerGroups(db: Db, cycleId: number): Promise<RegisterGroup[]> {
  const found = await rows<RawGroup>(
    db,
    sql`SELECT l.region_code, r.name AS region_name, l.district_code, d.name AS district_name,
               sp.code AS subproject_code, sp.name AS subproject_name, count(*)::int AS lines,
               (coalesce(sum(l.eligible_members), 0) + coalesce(sum(l.days_worked), 0))::int AS units,
               sum(l.base_amount)::text AS base, sum(l.arrears_amount)::text AS arrears,
               sum(l.amount)::text AS total
        FROM payroll_lines l ${JOINS}
        WHERE l.cycle_id = ${cycleId}
        GROUP BY l.region_code, r.name, l.district_code, d.name, sp.code, sp.name
        ORDER BY ${ORDER}`,
  );
  return found.map((g) => ({
    regionCode: g.region_code,
    region: `${g.region_name ?? ''} (${g.region_code})`,
    districtCode: g.district_code,
    district: `${g.district_name ?? ''} (${g.district_code})`,
    subprojectCode: g.subproject_code,
    subproject: g.subproject_code ? `${g.subproject_code} ${g.subproject_name ?? ''}`.trim() : null,
    lines: g.lines,
    units: g.units,
    base: money(g.base),
    arrears: money(g.arrears),
    total: money(g.total),
  }));
}

interface RawLine {
  line_no: number;
  beneficiary_ref: string;
  household_ref: string | null;
  recipient_name: string;
  recipient_pin: string | null;
  channel: string;
  account_number: string;
  eligible_members: number | null;
  days_worked: number | null;
  daily_rate: string | null;
  base: string;
  arrears: string;
  total: string;
  region_code: string;
  district_code: string;
  subproject_code: string | null;
}

/** The cycle's lines in register order, through a cursor of the caller's snapshot. */
export function registerLines(
  cursor: <T>(query: ReturnType<typeof sql>) => RowCursor<T>,
  cycleId: number,
): RowCursor<RegisterLine> {
  const raw = cursor<RawLine>(
    sql`SELECT l.line_no, l.beneficiary_ref, coalesce(w.household_ref, l.beneficiary_ref) AS household_ref,
               l.recipient_name, l.recipient_pin, l.channel, l.account_number, l.eligible_members,
               l.days_worked, l.daily_rate::text AS daily_rate, l.base_amount::text AS base,
               l.arrears_amount::text AS arrears, l.amount::text AS total, l.region_code,
               l.district_code, sp.code AS subproject_code
        FROM payroll_lines l ${JOINS}
        LEFT JOIN lipw_workers w ON w.id = l.worker_id
        WHERE l.cycle_id = ${cycleId}
        ORDER BY ${ORDER}, l.beneficiary_ref COLLATE "C", l.line_no`,
  );
  return {
    async next() {
      const r = await raw.next();
      if (!r) return undefined;
      return {
        lineNo: r.line_no,
        beneficiaryRef: r.beneficiary_ref,
        householdRef: r.household_ref ?? '',
        recipientName: r.recipient_name,
        recipientPin: r.recipient_pin,
        channel: r.channel,
        accountNumber: r.account_number,
        eligibleMembers: r.eligible_members,
        daysWorked: r.days_worked,
        dailyRate: r.daily_rate === null ? null : money(r.daily_rate),
        base: money(r.base),
        arrears: money(r.arrears),
        total: money(r.total),
        regionCode: r.region_code,
        districtCode: r.district_code,
        subprojectCode: r.subproject_code,
      };
    },
  };
}

/** Adds sums together (district from its sub-projects, region from its districts). */
export function addSums(a: RegisterSums, b: RegisterSums): RegisterSums {
  return {
    lines: a.lines + b.lines,
    units: a.units + b.units,
    base: a.base.plus(b.base),
    arrears: a.arrears.plus(b.arrears),
    total: a.total.plus(b.total),
  };
}

export const NO_SUMS: RegisterSums = { lines: 0, units: 0, base: ZERO, arrears: ZERO, total: ZERO };

/** The register as a tree: regions, their districts, their leaf groups, each with its sums. */
export interface RegionNode extends RegisterSums {
  label: string;
  districts: DistrictNode[];
}
export interface DistrictNode extends RegisterSums {
  label: string;
  groups: RegisterGroup[];
}

export function groupTree(groups: RegisterGroup[]): RegionNode[] {
  const regions: RegionNode[] = [];
  for (const g of groups) {
    let region = regions[regions.length - 1];
    if (!region || region.label !== g.region) {
      region = { label: g.region, districts: [], ...NO_SUMS };
      regions.push(region);
    }
    let district = region.districts[region.districts.length - 1];
    if (!district || district.label !== g.district) {
      district = { label: g.district, groups: [], ...NO_SUMS };
      region.districts.push(district);
    }
    district.groups.push(g);
    Object.assign(district, addSums(district, g));
    Object.assign(region, addSums(region, g));
  }
  return regions;
}
