import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfText {
  pages: string[];
  /** Text items with their position, per page: x of the left edge and width, in points. */
  items: { str: string; x: number; y: number; width: number }[][];
}

/** The text of each page of a PDF, as a reader would copy it (items joined by spaces). */
export async function readPdfText(path: string): Promise<PdfText> {
  const data = new Uint8Array(await readFile(path));
  const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  const items: PdfText['items'] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const pageItems = content.items
      .filter((i): i is Extract<typeof i, { str: string }> => 'str' in i)
      .map((i) => ({
        str: i.str,
        x: i.transform[4] as number,
        y: i.transform[5] as number,
        width: i.width,
      }));
    items.push(pageItems);
    pages.push(
      pageItems
        .map((i) => i.str)
        .join(' ')
        .replace(/\s+/g, ' '),
    );
  }
  await pdf.destroy();
  return { pages, items };
}

export async function readWorkbook(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

/** The data rows of a sheet (after the header row, up to the first empty row) as cell arrays. */
export function dataRows(ws: ExcelJS.Worksheet): ExcelJS.Cell[][] {
  const out: ExcelJS.Cell[][] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (!row.hasValues) break;
    const cells: ExcelJS.Cell[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(row.getCell(c));
    out.push(cells);
  }
  return out;
}

/** The rows after the blank row that ends the data: the totals. */
export function totalRows(ws: ExcelJS.Worksheet): ExcelJS.Cell[][] {
  const start = dataRows(ws).length + 3;
  const out: ExcelJS.Cell[][] = [];
  for (let r = start; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: ExcelJS.Cell[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(row.getCell(c));
    out.push(cells);
  }
  return out;
}

/** Column index (0-based) of a header in the first row. */
export function columnOf(ws: ExcelJS.Worksheet, header: string): number {
  const values = ws.getRow(1).values as unknown[];
  const i = values.indexOf(header);
  if (i < 1) throw new Error(`no column ${header} in sheet ${ws.name}`);
  return i - 1;
}
