export { importFile, type ImportFileParams } from './import-file.js';
export { importDirectory, type ImportDirectoryParams } from './import-directory.js';
export { IMPORT_KINDS, type ImportKind, type ImportResult, type RejectedReason } from './types.js';
