import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse, type Parser } from 'csv-parse';
import iconv from 'iconv-lite';
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

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
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
  return { sha256: hash.digest('hex'), header: header as string[] | null, dataRows };
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
      read = await readAll(path, encoding, delimiter);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw err;
      encoding = 'windows-1252';
      read = await readAll(path, encoding, delimiter);
    }
  } catch (err) {
    if (err instanceof CsvError) {
      throw badFile(path, `is not well-formed CSV (${(err as Error).message})`);
    }
    throw err;
  }
  if (read.header === null) throw badFile(path, 'is empty (no header line)');
  return { sha256: read.sha256, encoding, header: read.header, dataRows: read.dataRows };
}

/**
 * The records after the header, as a stream, each with its line number. Checks at the end that
 * the file still has the SHA-256 it was inspected with.
 */
export async function* csvRows(
  path: string,
  f: { sha256: string; encoding: CsvEncoding; delimiter: CsvDelimiter },
): AsyncGenerator<SourceRow> {
  const hash = createHash('sha256');
  const source = createReadStream(path);
  const p = parser(f.delimiter);
  const decode = decoder(f.encoding, hash);
  const done = pipeline(source, decode, p).catch((err: unknown) => p.destroy(err as Error));

  try {
    yield* records(p);
  } finally {
    source.destroy();
    p.destroy();
    await done;
  }
  if (hash.digest('hex') !== f.sha256) throw badFile(path, 'changed while it was being loaded');
}

async function* records(p: Parser): AsyncGenerator<SourceRow> {
  let line = 1;
  let seenHeader = false;
  for await (const rec of p as AsyncIterable<{ record: string[]; raw: string }>) {
    const start = line;
    line += countNewlines(rec.raw);
    if (isBlank(rec.record)) continue;
    if (!seenHeader) {
      seenHeader = true;
      continue;
    }
    // PostgreSQL text cannot hold NUL; keep the row, mark the character.
    const values = rec.record.map((v) => (v.includes('\0') ? v.replaceAll('\0', '\uFFFD') : v));
    yield { line: start, values };
  }
}
