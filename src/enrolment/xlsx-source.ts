import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { badFile, isBlank, type SourceRow } from './source-types.js';

/** Column names as written, and the number of data rows after them. */
export interface XlsxInspection {
  sha256: string;
  header: string[];
  dataRows: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A cell as the text a CSV file would hold: dates as YYYY-MM-DD, formulas by their result. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    const time = v.getUTCHours() + v.getUTCMinutes() + v.getUTCSeconds();
    const day = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    return time === 0 ? day : v.toISOString();
  }
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) {
    return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
  }
  if ('text' in v) return String((v as { text: unknown }).text);
  if ('error' in v) return String(v.error);
  return '';
}

/** A number format of zeros only ("0000000000"): the number is shown padded to its width. */
const ZERO_PADDED = /^0+$/;

/**
 * The values of a row from column A on; cells left empty read as ''. A whole number in a cell
 * formatted with zeros only (what Excel does to keep an account or phone number's leading
 * zeros) reads as shown, 0241234567, not 241234567.
 */
function rowValues(row: ExcelJS.Row): string[] {
  const raw = row.values as ExcelJS.CellValue[];
  const values: string[] = [];
  for (let i = 1; i < raw.length; i++) {
    const v = raw[i];
    const format = typeof v === 'number' ? row.getCell(i).numFmt : undefined;
    values.push(
      format && ZERO_PADDED.test(format) && Number.isInteger(v) && (v as number) >= 0
        ? String(v).padStart(format.length, '0')
        : cellText(v),
    );
  }
  return values;
}

/**
 * A sheet has no trailing empty cells: a row is filled to the header's width, and empty cells
 * past it are dropped, so only a value outside the header's columns counts as one too many.
 */
function toWidth(values: string[], width: number): string[] {
  let end = values.length;
  while (end > width && values[end - 1] === '') end--;
  const out = values.slice(0, end);
  while (out.length < width) out.push('');
  return out;
}

/** The rows of the first worksheet, blank rows skipped, numbered as the sheet numbers them. */
async function* sheetRows(path: string): AsyncGenerator<SourceRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = rowValues(row);
        if (!isBlank(values)) yield { line: row.number, values };
      }
      return;
    }
  } catch (err) {
    if (err instanceof Error && !('code' in err && err.code === 'BAD_INPUT_FILE')) {
      throw badFile(path, `is not a readable XLSX workbook (${err.message})`);
    }
    throw err;
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads the first worksheet once: the header row and how many rows follow it. */
export async function inspectXlsx(path: string): Promise<XlsxInspection> {
  let header: string[] | null = null;
  let dataRows = 0;
  for await (const { values } of sheetRows(path)) {
    if (header === null) header = values;
    else dataRows++;
  }
  if (header === null) throw badFile(path, 'has no header row in its first worksheet');
  return { sha256: await sha256Of(path), header, dataRows };
}

/** The rows after the header; checks at the end that the file was not changed meanwhile. */
export async function* xlsxRows(path: string, sha256: string): AsyncGenerator<SourceRow> {
  let width = -1;
  for await (const row of sheetRows(path)) {
    if (width === -1) width = row.values.length;
    else yield { line: row.line, values: toWidth(row.values, width) };
  }
  if ((await sha256Of(path)) !== sha256) throw badFile(path, 'changed while it was being loaded');
}
