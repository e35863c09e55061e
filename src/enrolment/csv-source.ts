import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse, type Parser } from 'csv-parse';
import iconv from 'iconv-lite';
import { CsvShape, regularRecordBatches } from './csv-shape.js';
import { unescapeFormulaCell } from './formula-cells.js';
import { badFile, isBlank, type SourceRow } from './source-types.js';

export type CsvEncoding = 'utf-8' | 'windows-1252';
export type CsvDelimiter = ',' | ';';

/** What a first read of a CSV file learns before anything is written. */
export interface CsvInspection {
  sha256: string;
  encoding: CsvEncoding;
  /** Column names as written. */
  header: string[];
  /** Records after the header, blank lines not counted. */
  dataRows: number;
  /** Of the plain shape that is read without the general parser (see CsvShape). */
  regular: boolean;
}

function parser(delimiter: CsvDelimiter): Parser {
  // Blank lines are kept and skipped by the caller, so that line numbers stay physical.
  return parse({
    bom: true,
    raw: true,
    relax_column_count: true,
    // A quote inside an unquoted field (a"b, =HYPERLINK("x")) is kept as written, as
    // spreadsheet programs do, instead of refusing the whole file.
    relax_quotes: true,
    skip_empty_lines: false,
    delimiter,
  });
}

/**
 * Physical lines a record took, from its raw text. The parser leaves the line feed of a CRLF
 * record end out of the raw text, so a raw text ending in a carriage return ended a line too.
 */
export function linesOf(raw: string): number {
  let n = raw.charCodeAt(raw.length - 1) === 13 ? 1 : 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) n++;
  return n;
}

/** Text from bytes: UTF-8 refusing any invalid sequence, or Windows-1252, which has none. */
function decoder(encoding: CsvEncoding, hash?: Hash) {
  return async function* (chunks: AsyncIterable<Buffer>) {
    if (encoding === 'windows-1252') {
      const d = iconv.getDecoder('win1252');
      for await (const chunk of chunks) {
        hash?.update(chunk);
        yield d.write(chunk);
      }
      const rest = d.end();
      if (rest) yield rest;
      return;
    }
    const d = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of chunks) {
      hash?.update(chunk);
      yield d.decode(chunk, { stream: true });
    }
    yield d.decode();
  };
}

/**
 * The delimiter of a file, from its header line: a semicolon when the header has more of them
 * than commas (as Excel writes CSV where the comma is the decimal mark), else a comma.
 */
export function sniffDelimiter(start: Buffer): CsvDelimiter {
  const text = start.toString('latin1');
  const end = text.search(/\r|\n/);
  const line = end === -1 ? text : text.slice(0, end);
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** The whole file through the CSV parser: slow, but the judge of files of irregular shape. */
async function readAll(path: string, encoding: CsvEncoding, delimiter: CsvDelimiter) {
  const hash = createHash('sha256');
  let header: string[] | null = null;
  let dataRows = 0;
  await pipeline(
    createReadStream(path),
    decoder(encoding, hash),
    parser(delimiter),
    async (records: AsyncIterable<{ record: string[] }>) => {
      for await (const { record } of records) {
        if (isBlank(record)) continue;
        if (header === null) header = record;
        else dataRows++;
      }
    },
  );
  return {
    sha256: hash.digest('hex'),
    header: header as string[] | null,
    dataRows,
    regular: false,
  };
}

/** The first record that is not blank, read from the start of the file only. */
async function readHeader(path: string, encoding: CsvEncoding, delimiter: CsvDelimiter) {
  const source = createReadStream(path);
  const p = parser(delimiter);
  const done = pipeline(source, decoder(encoding), p).catch(() => undefined);
  try {
    for await (const { record } of p as AsyncIterable<{ record: string[] }>) {
      if (!isBlank(record)) return record;
    }
    return null;
  } finally {
    source.destroy();
    p.destroy();
    await done;
  }
}

/**
 * The hash, header and count of a file in one quick pass that builds no record, when the file
 * has the plain shape CsvShape reads; null when it has not.
 */
async function readQuick(path: string, encoding: CsvEncoding, delimiter: CsvDelimiter) {
  const hash = createHash('sha256');
  const shape = new CsvShape(delimiter.charCodeAt(0));
  await pipeline(createReadStream(path), decoder(encoding, hash), async (text) => {
    for await (const chunk of text as AsyncIterable<string>) shape.feed(chunk);
  });
  if (!shape.end()) return null;
  const header = shape.records === 0 ? null : await readHeader(path, encoding, delimiter);
  return {
    sha256: hash.digest('hex'),
    header,
    dataRows: Math.max(0, shape.records - 1),
    regular: true,
  };
}

async function readWhole(path: string, encoding: CsvEncoding, delimiter: CsvDelimiter) {
  return (await readQuick(path, encoding, delimiter)) ?? (await readAll(path, encoding, delimiter));
}

/**
 * Reads the whole file once: its SHA-256, header and number of records. A file that is not
 * valid UTF-8 is read again as Windows-1252 (what Excel writes on Windows in Ghana); a file that
 * is not well-formed CSV is refused, so such a file writes nothing.
 */
export async function inspectCsv(path: string, delimiter: CsvDelimiter): Promise<CsvInspection> {
  let encoding: CsvEncoding = 'utf-8';
  let read;
  try {
    try {
      read = await readWhole(path, encoding, delimiter);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw err;
      encoding = 'windows-1252';
      read = await readWhole(path, encoding, delimiter);
    }
  } catch (err) {
    if (err instanceof CsvError) {
      throw badFile(path, `is not well-formed CSV (${(err as Error).message})`);
    }
    throw err;
  }
  if (read.header === null) throw badFile(path, 'is empty (no header line)');
  return {
    sha256: read.sha256,
    encoding,
    header: read.header,
    dataRows: read.dataRows,
    regular: read.regular,
  };
}

/** Records handed on together by the general parser, as the quick path hands on a chunk's. */
const PARSED_BATCH = 1_000;

/**
 * The records after the header, as a stream of arrays, each record with its line number. A file
 * the first read found regular is split without the general parser. Checks at the end that the
 * file still has the SHA-256 it was inspected with.
 */
export async function* csvRowBatches(
  path: string,
  f: { sha256: string; encoding: CsvEncoding; delimiter: CsvDelimiter; regular: boolean },
): AsyncGenerator<SourceRow[]> {
  const hash = createHash('sha256');
  const source = createReadStream(path);
  const decode = decoder(f.encoding, hash);
  if (f.regular) {
    try {
      yield* cleaned(regularRecordBatches(decode(source), f.delimiter));
    } finally {
      source.destroy();
    }
  } else {
    const p = parser(f.delimiter);
    const done = pipeline(source, decode, p).catch((err: unknown) => p.destroy(err as Error));
    try {
      yield* cleaned(parsed(p));
    } finally {
      source.destroy();
      p.destroy();
      await done;
    }
  }
  if (hash.digest('hex') !== f.sha256) throw badFile(path, 'changed while it was being loaded');
}

async function* parsed(p: Parser): AsyncGenerator<SourceRow[]> {
  let line = 1;
  let batch: SourceRow[] = [];
  for await (const rec of p as AsyncIterable<{ record: string[]; raw: string }>) {
    const start = line;
    line += linesOf(rec.raw);
    batch.push({ line: start, values: rec.record });
    if (batch.length === PARSED_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The data records: blank ones and the header left out. */
async function* cleaned(all: AsyncIterable<SourceRow[]>): AsyncGenerator<SourceRow[]> {
  let seenHeader = false;
  for await (const batch of all) {
    const out: SourceRow[] = [];
    for (const row of batch) {
      const { values } = row;
      if (isBlank(values)) continue;
      if (!seenHeader) {
        seenHeader = true;
        continue;
      }
      // PostgreSQL text cannot hold NUL; keep the row, mark the character.
      // A rejects file's formula guard comes off, so a corrected row loads its original value.
      for (let i = 0; i < values.length; i++) {
        if (values[i]!.includes('\0')) values[i] = values[i]!.replaceAll('\0', '\uFFFD');
        values[i] = unescapeFormulaCell(values[i]!);
      }
      out.push(row);
    }
    if (out.length > 0) yield out;
  }
}
