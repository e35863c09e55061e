import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { rows, type Db } from '../db/open.js';
import { escapeFormulaCell } from './formula-cells.js';
import { sourceRows, type SourceInfo } from './source.js';
import { makeOutputDir } from '../make-dir.js';

/** The column a rejects file adds: every reason of the row, "CODE(field); CODE(field)". */
export const REASONS_COLUMN = 'reasons';

const PAGE = 5_000;

interface Sink {
  write(values: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A CSV sink with the input's delimiter, in UTF-8 with a byte order mark so that Excel opens it
 * as UTF-8. Values are written as read, except that a value a spreadsheet would run as a formula
 * gets a leading apostrophe, which the importer takes off again.
 */
function csvSink(path: string, delimiter: string): Sink {
  const out = stringify({ delimiter, bom: true, record_delimiter: 'unix' });
  const done = pipeline(out, createWriteStream(path));
  done.catch(() => undefined);
  return {
    async write(values) {
      if (!out.write(values.map(escapeFormulaCell))) await once(out, 'drain');
    },
    async close() {
      out.end();
      await done;
    },
  };
}

/** An XLSX sink, streamed: every cell a text cell, so nothing is read as a formula or number. */
function xlsxSink(path: string): Sink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path });
  const sheet = workbook.addWorksheet('rejects');
  return {
    async write(values) {
      sheet.addRow(values).commit();
    },
    async close() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/** The row as read with its reasons put in the reasons column, added first when missing. */
function withReasons(values: string[], at: number, reasons: string): string[] {
  if (at === -1) return [reasons, ...values];
  const out = [...values];
  while (out.length <= at) out.push('');
  out[at] = reasons;
  return out;
}

/**
 * Writes the rows of a loaded file that were rejected, exactly as read, into rejectsDir as
 * NAME.import-ID-YYYYMMDD-HHMMSS.rejects.csv or .xlsx (the input's format; the import file's id
 * and when it was loaded, UTC, so an earlier run's rejects are kept), with a reasons column. The file is
 * read again beside the quarantine, both in line order, so memory stays flat. Returns the path,
 * or null when no row was rejected.
 */
export async function writeRejectsFile(
  db: Db,
  p: { fileId: number; source: SourceInfo; rejectsDir: string; fileName: string },
): Promise<string | null> {
  const next = async (after: number) =>
    rows<{ line_no: number; reasons: string }>(
      db,
      sql`SELECT line_no, string_agg(reason_code || coalesce('(' || field || ')', ''), '; '
            ORDER BY id) AS reasons
          FROM import_rejects WHERE import_file_id = ${p.fileId} AND line_no > ${after}
          GROUP BY line_no ORDER BY line_no LIMIT ${PAGE}`,
    );
  let page = await next(0);
  if (page.length === 0) return null;

  await makeOutputDir(p.rejectsDir, 'rejects');
  const stem = basename(p.fileName, extname(p.fileName));
  // Ids restart in each database (the demo has its own) and share one rejects folder: the load's
  // time tells two databases' files apart, and a file written again keeps its name.
  const [loaded] = await rows<{ at: string }>(
    db,
    sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYYMMDD"-"HH24MISS') AS at
        FROM import_files WHERE id = ${p.fileId}`,
  );
  const name = `${stem}.import-${p.fileId}-${loaded!.at}.rejects.${p.source.format}`;
  const path = join(p.rejectsDir, name);
  const sink =
    p.source.format === 'xlsx' ? xlsxSink(path) : csvSink(path, p.source.delimiter ?? ',');
  const at = p.source.header.indexOf(REASONS_COLUMN);
  try {
    await sink.write(
      at === -1 ? [REASONS_COLUMN, ...p.source.headerAsWritten] : p.source.headerAsWritten,
    );
    let i = 0;
    for await (const { line, values } of sourceRows(p.source)) {
      const wanted = page[i];
      if (wanted === undefined) break;
      if (line !== wanted.line_no) continue;
      await sink.write(withReasons(values, at, wanted.reasons));
      if (++i === page.length && page.length === PAGE) {
        page = await next(line);
        i = 0;
      }
    }
  } finally {
    await sink.close();
  }
  return path;
}
