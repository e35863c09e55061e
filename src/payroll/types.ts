import type { cycles } from '../db/schema.js';
import type { Money } from '../money.js';

export type Programme = 'LEAP' | 'LIPW';

/** A cycle row as stored. */
export type CycleRow = typeof cycles.$inferSelect;

/** What a build did: lines written and households (or workers) left out, by reason. */
export interface BuildResult {
  cycleId: number;
  programme: Programme;
  periodKey: string;
  lines: number;
  total: Money;
  /** Of the total, what the lines pay beyond this run's grants (released holds, repayments, top-ups). */
  arrears: Money;
  /** Rows of kind 'excluded' in cycle_exclusions. */
  excluded: number;
  /** Rows of kind 'withheld' in cycle_exclusions. */
  withheld: number;
  /** Per reason code: beneficiaries and the amount held back (zero for exclusions). */
  byReason: Record<string, { households: number; amount: Money }>;
  /** Per flag code (cycle_flags): beneficiaries paid but flagged, e.g. REASSESSMENT_OVERDUE. */
  flags: Record<string, number>;
}

/** Lines and amount of one group, the amount as a two-decimal string. */
export interface ControlTotal {
  lines: number;
  amount: string;
}

export interface ControlTotalsBy {
  byRegion: Record<string, ControlTotal>;
  byDistrict: Record<string, ControlTotal>;
  byChannel: Record<string, ControlTotal>;
}

export interface ApproveResult {
  cycleId: number;
  sealSha256: string;
  lineCount: number;
  total: Money;
  controlTotals: ControlTotalsBy;
}
