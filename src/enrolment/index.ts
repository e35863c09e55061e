export {
  importFile,
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_SEASON_DAY_CAP,
  type ImportFileParams,
} from './import-file.js';
export { importDirectory, type ImportDirectoryParams } from './import-directory.js';
export { formatImportSummary } from './summary.js';
export { REASONS_COLUMN } from './rejects-file.js';
export {
  IMPORT_KINDS,
  type DayRange,
  type Finding,
  type ImportKind,
  type ImportResult,
  type RejectedReason,
} from './types.js';
