import { FILE_KINDS, type FileKind } from '../sample/file-layout.js';

/** What an input file holds; one kind per file. */
export type ImportKind = FileKind;
export const IMPORT_KINDS: readonly ImportKind[] = FILE_KINDS;

/** One reason a row was rejected; a row with three problems gives three of these. */
export interface RowProblem {
  field: string | null;
  /** Upper snake case, e.g. INVALID_GHANA_CARD. */
  reason: string;
  message: string;
}

export interface RejectedReason extends RowProblem {
  /** Physical line number in the file, or the sheet row number of an XLSX file. */
  line: number;
}

/** Something to review that rejects no row: kept in import_findings. */
export interface Finding {
  kind: string;
  /** Household, member or worker references concerned. */
  refs: string[];
  detail: string;
}

export interface ImportResult {
  fileId: number;
  kind: ImportKind;
  fileName: string;
  sha256: string;
  /** csv or xlsx. */
  format: 'csv' | 'xlsx';
  /** How a CSV file was decoded (utf-8 or windows-1252); null for XLSX. */
  encoding: string | null;
  rowsTotal: number;
  /** Rows that passed every check: new, updated and unchanged together. */
  accepted: number;
  /** Accepted rows that changed a stored record. */
  updated: number;
  /** Accepted rows equal to the stored record: nothing was written for them. */
  unchanged: number;
  rejected: number;
  /** Findings recorded in import_findings for this file. */
  findings: number;
  /** True when this content was loaded before for this kind: nothing was changed. */
  alreadyLoaded: boolean;
  /** When the content was first loaded, for a file already loaded; null for a new load. */
  loadedBefore: Date | null;
  /** The first reasons, for display; all of them are kept in import_rejects. */
  rejects: RejectedReason[];
  /** The rejects file written for this import, when a folder for it was given and rows failed. */
  rejectsFile: string | null;
}

/** A closed range of days, YYYY-MM-DD. */
export interface DayRange {
  start: string;
  end: string;
}

/** Settings every row check needs, fixed once per import. */
export interface RuleEnv {
  /** Today, YYYY-MM-DD: no date in a file may be later. */
  asOf: string;
  /** e-zwich card number rule (configuration: the format is not published). */
  ezwich: RegExp;
  /** Longest value accepted in any cell; a longer one rejects the row (FIELD_TOO_LONG). */
  maxFieldLength: number;
  /** LIPW: attendance outside it is rejected; null: not checked. */
  payPeriod: DayRange | null;
  /** LIPW: the season the day cap counts over; null: each calendar year. */
  season: DayRange | null;
  /** LIPW: days a worker may work in a season before it is a finding. */
  seasonDayCap: number;
}
