import { open } from 'node:fs/promises';
import {
  csvRowBatches,
  inspectCsv,
  sniffDelimiter,
  type CsvDelimiter,
  type CsvEncoding,
} from './csv-source.js';
import { requireFile, type SourceRow } from './source-types.js';
import { inspectXlsx, xlsxRows } from './xlsx-source.js';

export { requireFile, type SourceRow } from './source-types.js';

/** An input file as first read: how to read it again, its content hash and its columns. */
export interface SourceInfo {
  path: string;
  format: 'csv' | 'xlsx';
  /** CSV only: the text encoding and delimiter found. */
  encoding: CsvEncoding | null;
  delimiter: CsvDelimiter | null;
  sha256: string;
  /** Column names as written (for the rejects file). */
  headerAsWritten: string[];
  /** Column names trimmed and in lower case (for finding columns). */
  header: string[];
  dataRows: number;
  /** CSV only: read without the general parser (see CsvShape). */
  regular: boolean;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function firstBytes(path: string, n: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a CSV or XLSX file once (an XLSX file is a zip archive, known by its first bytes,
 * whatever its name): format, encoding, delimiter, SHA-256, header and row count.
 */
export async function inspectSource(path: string): Promise<SourceInfo> {
  await requireFile(path);
  const start = await firstBytes(path, 65_536);
  const normal = (h: string[]) => h.map((c) => c.trim().toLowerCase());

  if (start.subarray(0, 4).equals(ZIP_MAGIC)) {
    const x = await inspectXlsx(path);
    const header = normal(x.header);
    return {
      path,
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      regular: false,
      ...x,
      header,
      headerAsWritten: x.header,
    };
  }
  const delimiter = sniffDelimiter(start);
  const c = await inspectCsv(path, delimiter);
  return {
    path,
    format: 'csv',
    encoding: c.encoding,
    delimiter,
    sha256: c.sha256,
    headerAsWritten: c.header,
    header: normal(c.header),
    dataRows: c.dataRows,
    regular: c.regular,
  };
}

/** Rows an XLSX file hands on together. */
const XLSX_BATCH = 1_000;

async function* xlsxRowBatches(path: string, sha256: string): AsyncGenerator<SourceRow[]> {
  let batch: SourceRow[] = [];
  for await (const row of xlsxRows(path, sha256)) {
    batch.push(row);
    if (batch.length === XLSX_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The data rows of an inspected file, streamed in arrays of rows that follow each other, each
 * row with its line (or sheet row) number.
 */
export function sourceRowBatches(info: SourceInfo): AsyncGenerator<SourceRow[]> {
  if (info.format === 'xlsx') return xlsxRowBatches(info.path, info.sha256);
  return csvRowBatches(info.path, {
    sha256: info.sha256,
    encoding: info.encoding!,
    delimiter: info.delimiter!,
    regular: info.regular,
  });
}

/** The data rows of an inspected file one by one (see sourceRowBatches). */
export async function* sourceRows(info: SourceInfo): AsyncGenerator<SourceRow> {
  for await (const batch of sourceRowBatches(info)) yield* batch;
}
