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
  /** Physical line number in the file (the header is line 1). */
  line: number;
}

export interface ImportResult {
  fileId: number;
  kind: ImportKind;
  fileName: string;
  sha256: string;
  rowsTotal: number;
  accepted: number;
  rejected: number;
  /** True when this content was loaded before for this kind: nothing was changed. */
  alreadyLoaded: boolean;
  /** The first reasons, for display; all of them are kept in import_rejects. */
  rejects: RejectedReason[];
}

/** Settings every row check needs, fixed once per import. */
export interface RuleEnv {
  /** Today, YYYY-MM-DD: no date in a file may be later. */
  asOf: string;
  /** e-zwich card number rule (configuration: the format is not published). */
  ezwich: RegExp;
}
