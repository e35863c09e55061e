import ExcelJS from 'exceljs';
import { headerFields, signatureRows, type ReportHeader } from '../header.js';
import { Cedi, type Money } from '../../src/money.js';

export const MONEY_FORMAT = '"GH¢" #,##0.00';
const DATE_FORMAT = 'yyyy-mm-dd';
const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFDFE4EA' },
};
const TOTAL_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFF1F3F5' },
};

export type ReportWorkbook = ExcelJS.stream.xlsx.WorkbookWriter;

/** A streaming workbook: rows go to the file as they are committed, never all held at once. */
export function openReportWorkbook(path: string, header: ReportHeader): ReportWorkbook {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = header.generatedBy.username;
  wb.created = header.generatedAt;
  wb.title = `${header.title}, ${header.programme} ${header.cycleLabel}`;
  return wb;
}

/**
 * A money cell. Cedi amounts are numeric(14,2): at most 12 whole digits and 2 decimals, so
 * Number(d.toFixed(2)) is the double nearest that decimal, and it prints back to the same
 * 2-decimal string (exact enough for display of any value < 10^13). This is the only place a
 * cedi amount becomes a number, and only for the spreadsheet cell.
 */
export function moneyValue(d: Money): number {
  return Number(d.toFixed(2));
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text that a spreadsheet might take for a formula (= + - @, tab, carriage return) is written with
 * a leading single quote, so re-typing or exporting the cell never runs it.
 */
export function safeText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export type ColumnKind = 'text' | 'money' | 'count' | 'date';
export interface XlsxColumn {
  header: string;
  width: number;
  kind: ColumnKind;
}
export type CellInput = string | number | Money | Date | null | undefined;

/** One section as a sheet: bold frozen header row, autoFilter over the data, totals below it. */
export class XlsxTableSheet {
  private readonly ws: ExcelJS.Worksheet;
  private lastDataRow = 1;
  private inTotals = false;
  rows = 0;

  constructor(
    wb: ReportWorkbook,
    name: string,
    private readonly columns: XlsxColumn[],
  ) {
    this.ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    this.ws.columns = columns.map((c) => ({ width: c.width }));
    const head = this.ws.addRow(columns.map((c) => c.header));
    head.eachCell((cell) => {
      cell.font = { bold: true };
      cell.fill = HEADER_FILL;
      cell.alignment = { vertical: 'middle', wrapText: true };
    });
    head.commit();
  }

  /** A data row: inside the autoFilter range. */
  add(values: CellInput[]): void {
    if (this.inTotals) throw new Error('data rows cannot follow the totals');
    this.write(values, false);
    this.rows++;
    this.lastDataRow++;
  }

  /** A totals row: after one blank row, outside the autoFilter range so sorting leaves it be. */
  total(values: CellInput[]): void {
    if (!this.inTotals) {
      this.ws.addRow([]).commit();
      this.inTotals = true;
    }
    this.write(values, true);
  }

  finish(): void {
    this.ws.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: this.lastDataRow, column: this.columns.length },
    };
    this.ws.commit();
  }

  private write(values: CellInput[], bold: boolean): void {
    const row = this.ws.addRow([]);
    this.columns.forEach((col, i) => {
      setCell(row.getCell(i + 1), col.kind, values[i], bold);
    });
    row.commit();
  }
}

/**
 * One style object per kind of cell, shared by every cell of that kind: exceljs recognises a style
 * it has seen by the object itself, where a cell's own style object costs a full comparison as
 * XML (most of the time of a 350,000-line sheet).
 */
const SHARED_STYLES = (() => {
  const plain = {
    text: {},
    money: { numFmt: MONEY_FORMAT },
    date: { numFmt: DATE_FORMAT },
    count: { numFmt: '#,##0' },
  };
  const bold = (s: Partial<ExcelJS.Style>): Partial<ExcelJS.Style> => ({
    ...s,
    font: { bold: true },
    fill: TOTAL_FILL,
  });
  return {
    plain,
    bold: {
      text: bold(plain.text),
      money: bold(plain.money),
      date: bold(plain.date),
      count: bold(plain.count),
    },
  } as const;
})();

function setCell(cell: ExcelJS.Cell, kind: ColumnKind, v: CellInput, bold = false): void {
  const styles = bold ? SHARED_STYLES.bold : SHARED_STYLES.plain;
  if (v === null || v === undefined || v === '') {
    if (bold) cell.style = styles.text;
    return;
  }
  if (Cedi.isDecimal(v)) {
    cell.value = moneyValue(v as Money);
    cell.style = styles.money;
  } else if (v instanceof Date) {
    cell.value = v;
    cell.style = styles.date;
  } else if (typeof v === 'number') {
    cell.value = v;
    cell.style = kind === 'count' ? styles.count : styles.text;
  } else {
    cell.value = safeText(v);
    cell.style = styles.text;
  }
}

/** The first sheet: what the report is, its cycle and seal, and the signature lines. */
export function writeHeaderSheet(wb: ReportWorkbook, h: ReportHeader): void {
  const ws = wb.addWorksheet('Report', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [{ width: 18 }, { width: 72 }, { width: 30 }, { width: 18 }];
  const fields = headerFields(h);
  fields.forEach(([label, value], i) => {
    const row = ws.addRow([label, safeText(value)]);
    row.getCell(1).font = { bold: true };
    if (i === 0) row.getCell(2).font = { bold: true, size: 14 };
    row.commit();
  });
  ws.addRow([]).commit();
  const title = ws.addRow(['Signatures']);
  title.getCell(1).font = { bold: true };
  title.commit();
  const head = ws.addRow(['Role', 'Name', 'Signature', 'Date']);
  head.eachCell((c) => {
    c.font = { bold: true };
    c.fill = HEADER_FILL;
  });
  head.commit();
  const line: Partial<ExcelJS.Borders> = { bottom: { style: 'thin' } };
  for (const s of signatureRows(h)) {
    const row = ws.addRow([s.role, safeText(s.name), '', '']);
    row.height = 30;
    for (let c = 2; c <= 4; c++) row.getCell(c).border = line;
    row.getCell(1).font = { bold: true };
    row.commit();
  }
  ws.commit();
}
