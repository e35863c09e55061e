/**
 * A CSV cell that starts with one of these is run as a formula when the file is opened in a
 * spreadsheet program. The rejects file is meant to be opened there, so such a cell is written
 * with a leading apostrophe, which spreadsheets read as "text follows", and the importer takes
 * the apostrophe off again so a corrected rejects file loads the original value.
 */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r'].map((c) => c.charCodeAt(0)));
const APOSTROPHE = 39;

export function escapeFormulaCell(value: string): string {
  return FORMULA_START.has(value.charCodeAt(0)) ? `'${value}` : value;
}

export function unescapeFormulaCell(value: string): string {
  return value.charCodeAt(0) === APOSTROPHE && FORMULA_START.has(value.charCodeAt(1))
    ? value.slice(1)
    : value;
}
