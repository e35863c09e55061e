import type { Money } from '../src/money.js';

/** What a report writer tells its caller: data rows written and the report's headline total. */
export interface ReportOutcome {
  rows: number;
  /** Null for a report that has no money total (the audit trail). */
  total: Money | null;
}
