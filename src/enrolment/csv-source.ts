import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { basename } from 'node:path';
import { parse, type Parser } from 'csv-parse';
import { SikaError } from '../errors.js';

/** What a first read of a CSV file learns before anything is written. */
export interface CsvInspection {
  sha256: string;
  /** Column names as written, trimmed and in lower case. */
  header: string[];
  /** Records after the header, blank lines not counted. */
  dataRows: number;
}

export interface CsvRow {
  /** Physical line number where the record starts (the header is line 1 when first). */
  line: number;
  values: string[];
}

function parser(): Parser {
  // Blank lines are kept and skipped by the caller, so that line numbers stay physical.
  return parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: false });
}

const isBlank = (values: string[]) => values.length === 1 && values[0]!.trim() === '';

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export async function requireFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new SikaError('FILE_NOT_FOUND', `no such file: ${path}`);
}

function badFile(path: string, why: string): SikaError {
  return new SikaError('BAD_INPUT_FILE', `${basename(path)}: ${why}`, { path });
}

/**
 * Reads the whole file once: its SHA-256, its header and how many records follow. Refuses a
 * file that is not UTF-8 or not well-formed CSV, so such a file writes nothing.
 */
export async function inspectCsv(path: string): Promise<CsvInspection> {
  await requireFile(path);
  const hash = createHash('sha256');
  let header: string[] | null = null;
  let dataRows = 0;
  try {
    await pipeline(
      createReadStream(path),
      async function* (chunks: AsyncIterable<Buffer>) {
        const decoder = new TextDecoder('utf-8', { fatal: true });
        for await (const chunk of chunks) {
          hash.update(chunk);
          yield decoder.decode(chunk, { stream: true });
        }
        yield decoder.decode();
      },
      parser(),
      async (records: AsyncIterable<{ record: string[] }>) => {
        for await (const { record } of records) {
          if (isBlank(record)) continue;
          if (header === null) header = record.map((h) => h.trim().toLowerCase());
          else dataRows++;
        }
      },
    );
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw badFile(path, 'is not UTF-8 text');
    if (code?.startsWith('CSV_')) {
      throw badFile(path, `is not well-formed CSV (${(err as Error).message})`);
    }
    throw err;
  }
  if (header === null) throw badFile(path, 'is empty (no header line)');
  return { sha256: hash.digest('hex'), header, dataRows };
}

/**
 * The records after the header, as a stream, each with its line number. Checks at the end that
 * the file still has the SHA-256 it was inspected with.
 */
export async function* csvRows(path: string, sha256: string): AsyncGenerator<CsvRow> {
  const hash = createHash('sha256');
  const source = createReadStream(path);
  const p = parser();
  source.on('data', (chunk) => hash.update(chunk as Buffer));
  source.on('error', (err) => p.destroy(err));
  source.pipe(p);

  try {
    yield* records(p);
  } finally {
    source.destroy();
    p.destroy();
  }
  if (hash.digest('hex') !== sha256) throw badFile(path, 'changed while it was being loaded');
}

async function* records(p: Parser): AsyncGenerator<CsvRow> {
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
