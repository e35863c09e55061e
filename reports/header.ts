import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { SikaError } from '../src/errors.js';
import { leapCyclePeriod } from '../src/reference/leap-cycles.js';
import { unknownUser } from '../src/users/roles.js';

export type ReportKind =
  'exceptions' | 'reconciliation' | 'register' | 'payment-summary' | 'variance' | 'audit-trail';

export const REPORT_TITLES: Record<ReportKind, string> = {
  exceptions: 'Exception report',
  reconciliation: 'Reconciliation summary',
  register: 'Payroll register',
  'payment-summary': 'Payment summary',
  variance: 'Variance report',
  'audit-trail': 'Audit trail extract',
};

/** Reports that print Ghana Card PINs and payment instruments, masked unless asked otherwise. */
const IDENTIFYING_KINDS: ReadonlySet<ReportKind> = new Set(['register']);

const PROGRAMME_NAMES: Record<string, string> = {
  LEAP: 'LEAP — Livelihood Empowerment Against Poverty',
  LIPW: 'LIPW — Labour-Intensive Public Works',
};

/** What every report says about itself and its cycle, on the first page and the header sheet. */
export interface ReportHeader {
  kind: ReportKind;
  title: string;
  cycleId: number;
  programme: string;
  programmeName: string;
  /** "cycle 106, Nov-Dec 2026" (LEAP) or "period 2026-11-02 to 2026-11-15" (LIPW). */
  cycleLabel: string;
  /** File name stem: "LEAP-106", "LIPW-2026-11-02_2026-11-15". */
  fileStem: string;
  status: string;
  seal: string | null;
  preparedBy: Person;
  preparedAt: Date;
  approvedBy: Person | null;
  approvedAt: Date | null;
  generatedBy: Person;
  generatedAt: Date;
  /** False only for an administrator's unmasked export: PINs and instruments in full. */
  masked?: boolean;
}

export interface Person {
  username: string;
  fullName: string;
}

interface CycleRow {
  id: number;
  programme: string;
  cycle_number: number | null;
  period_key: string;
  period_start: string;
  period_end: string;
  status: string;
  seal_sha256: string | null;
  built_by: string;
  built_by_name: string;
  built_at: Date | string;
  approved_by: string | null;
  approved_by_name: string | null;
  approved_at: Date | string | null;
}

/** Loads the header of a report on a cycle; refuses an unknown cycle or user. */
export async function loadReportHeader(
  db: Db,
  p: { kind: ReportKind; cycleId: number; generatedBy: string; now: Date },
): Promise<ReportHeader> {
  const [cycle] = await rows<CycleRow>(
    db,
    sql`SELECT c.id, c.programme, c.cycle_number, c.period_key, c.period_start::text AS period_start,
               c.period_end::text AS period_end, c.status, c.seal_sha256,
               c.built_by, b.full_name AS built_by_name, c.built_at,
               c.approved_by, a.full_name AS approved_by_name, c.approved_at
        FROM cycles c
        JOIN users b ON b.username = c.built_by
        LEFT JOIN users a ON a.username = c.approved_by
        WHERE c.id = ${p.cycleId}`,
  );
  if (!cycle) throw new SikaError('CYCLE_NOT_FOUND', `cycle ${p.cycleId} does not exist`);

  const [user] = await rows<{ full_name: string }>(
    db,
    sql`SELECT full_name FROM users WHERE username = ${p.generatedBy}`,
  );
  if (!user) throw unknownUser(p.generatedBy);

  return {
    kind: p.kind,
    title: REPORT_TITLES[p.kind],
    cycleId: cycle.id,
    programme: cycle.programme,
    programmeName: PROGRAMME_NAMES[cycle.programme] ?? cycle.programme,
    cycleLabel: cycleLabel(cycle),
    fileStem: `${cycle.programme}-${cycle.period_key.replace('..', '_')}`.replace(
      /[^A-Za-z0-9_-]/g,
      '-',
    ),
    status: cycle.status,
    seal: cycle.seal_sha256,
    preparedBy: { username: cycle.built_by, fullName: cycle.built_by_name },
    preparedAt: new Date(cycle.built_at),
    approvedBy: cycle.approved_by
      ? { username: cycle.approved_by, fullName: cycle.approved_by_name ?? cycle.approved_by }
      : null,
    approvedAt: cycle.approved_at ? new Date(cycle.approved_at) : null,
    generatedBy: { username: p.generatedBy, fullName: user.full_name },
    generatedAt: p.now,
  };
}

function cycleLabel(c: CycleRow): string {
  if (c.programme === 'LEAP' && c.cycle_number !== null) {
    return `cycle ${c.cycle_number}, ${leapCyclePeriod(c.cycle_number).label}`;
  }
  return `period ${c.period_start} to ${c.period_end}`;
}

/** Ghana keeps GMT all year, so UTC is local time: "2026-12-15 10:30 GMT". */
export function formatTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} GMT`;
}

export function formatPerson(p: Person | null): string {
  return p ? `${p.fullName} (${p.username})` : 'not approved';
}

/** The header as label/value pairs, in the order both formats show them. */
export function headerFields(h: ReportHeader): [string, string][] {
  return [
    ['Report', h.title],
    ['Programme', h.programmeName],
    ['Cycle', `${h.programme} ${h.cycleLabel} (id ${h.cycleId})`],
    ['Cycle status', h.status],
    ['Seal (SHA-256)', h.seal ?? 'not sealed'],
    ['Prepared by', formatPerson(h.preparedBy)],
    ['Prepared at', formatTimestamp(h.preparedAt)],
    ['Approved by', formatPerson(h.approvedBy)],
    ['Approved at', h.approvedAt ? formatTimestamp(h.approvedAt) : 'not approved'],
    ['Generated by', formatPerson(h.generatedBy)],
    ['Generated at', formatTimestamp(h.generatedAt)],
    ...(IDENTIFYING_KINDS.has(h.kind)
      ? [['Identifiers', identifiersNote(h.masked !== false)] as [string, string]]
      : []),
  ];
}

function identifiersNote(masked: boolean): string {
  return masked
    ? 'Ghana Card PINs and payment instruments masked: only their last 4 digits are shown'
    : 'UNMASKED: full Ghana Card PINs and payment instruments (recorded in the audit trail)';
}

/** Signature lines: the role and the name printed; signature and date are written by hand. */
export function signatureRows(h: ReportHeader): { role: string; name: string }[] {
  return [
    { role: 'Prepared by', name: h.preparedBy.fullName },
    { role: 'Checked by', name: '' },
    { role: 'Approved by', name: h.approvedBy?.fullName ?? '' },
  ];
}
