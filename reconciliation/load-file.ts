import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { Cedi } from '../src/money.js';
import { settlementFiles, settlementRecords } from '../src/db/schema.js';
import { InsertPipeline, type IdRange } from './insert-pipeline.js';
import { SikaError } from '../src/errors.js';
import type { Pain002Header, Pain002Record, StatusReason } from './pain002-parser.js';
import { parseStatusReport, type StatusReportFormat } from './settlement-format.js';

/**
 * Outcomes of the status records of a whole group or payment information block. Transaction
 * records are 'matched', 'unknown_reference', 'amount_mismatch', 'duplicate' or 'conflict'.
 */
export const OUTCOME = {
  groupStatus: 'group_status',
  paymentInfoStatus: 'payment_info_status',
  /** PART: the lines the report leaves out are accepted by inference. */
  inferred: 'inferred',
} as const;

const MAX_AMOUNT = new Cedi('1e12');
/** Below MAX_AMOUNT, exactly two decimals. */
const PESEWAS = /^-?\d{1,12}\.\d\d$/;
/**
 * Records per JSON insert, about 100 KB of JSON. A larger batch saves no database time, and its
 * JSON text is big enough for V8 to keep it apart until a full collection: a national response
 * then left some 100 MB of such garbage standing at once.
 */
export const INSERT_BATCH = 800;

/** Throws FILE_NOT_FOUND unless the path is a readable file; a folder is named as one. */
export async function assertFile(path: string): Promise<void> {
  const s = await stat(path).catch(() => null);
  if (s?.isDirectory()) {
    throw new SikaError('FILE_NOT_FOUND', `${path} is a folder, not a file`, { path });
  }
  if (!s?.isFile()) throw new SikaError('FILE_NOT_FOUND', `${path}: no such file`, { path });
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function findSettlementFile(db: Db, sha256: string) {
  const [found] = await db.select().from(settlementFiles).where(eq(settlementFiles.sha256, sha256));
  return found;
}

/**
 * The records of one file: ids are taken in one transaction, so a file's records lie in one id
 * range (the ids of another file written at the same time by another process may fall inside it,
 * hence the file id beside the range) and every step reads them through the primary key.
 */
export interface FileScope {
  fileId: number;
  firstId: number;
  lastId: number;
}

/** SQL condition: record alias r belongs to the file. */
export function inFile(f: FileScope, alias = 'r') {
  const a = sql.raw(alias);
  return sql`${a}.id BETWEEN ${f.firstId} AND ${f.lastId} AND ${a}.settlement_file_id = ${f.fileId}`;
}

export interface LoadedFile extends FileScope {
  header: Pain002Header;
  records: number;
}

/**
 * Writes the settlement file row and every record of the status report (pain.002 or the CSV
 * status layout, which read as the same events) in batches as parsed, each
 * record matched to its line by EndToEndId on the way in ('matched', 'unknown_reference' or
 * 'amount_mismatch'). A status given for a whole group or payment information block becomes a
 * record of its own (no EndToEndId) that the lines it covers are linked to.
 */
export async function loadFile(
  tx: Db,
  p: { path: string; sha256: string; loadedBy: string; format: StatusReportFormat },
): Promise<LoadedFile> {
  const fileName = basename(p.path);
  let fileId: number | undefined;
  let header: Pain002Header | undefined;
  let records = 0;
  const pipeline = new InsertPipeline();

  const statusRecord = async (v: {
    paymentInfoId: string | null;
    status: string;
    reason: StatusReason | null;
    outcome: string;
  }) => {
    await pipeline.settle();
    const [row] = await tx
      .insert(settlementRecords)
      .values({
        settlementFileId: fileId!,
        paymentInfoId: v.paymentInfoId,
        status: v.status,
        reasonCode: v.reason?.code ?? null,
        reasonText: v.reason?.text ?? null,
        outcome: v.outcome,
      })
      .returning({ id: settlementRecords.id });
    pipeline.track({ lo: row!.id, hi: row!.id });
  };

  const events = parseStatusReport(p.path, p.format, { name: fileName, batchSize: INSERT_BATCH });
  for await (const ev of events) {
    if (ev.kind === 'header') {
      header = ev.header;
      const [row] = await tx
        .insert(settlementFiles)
        .values({
          sha256: p.sha256,
          fileName,
          format: p.format,
          messageId: header.messageId,
          originalMessageId: header.originalMessageId,
          groupStatus: header.groupStatus,
          loadedBy: p.loadedBy,
        })
        .returning({ id: settlementFiles.id });
      fileId = row!.id;
      if (header.groupStatus) {
        await statusRecord({
          paymentInfoId: null,
          status: header.groupStatus,
          reason: header.groupReason,
          outcome: header.groupStatus === 'PART' ? OUTCOME.inferred : OUTCOME.groupStatus,
        });
      }
    } else if (ev.kind === 'paymentInfo') {
      const info = ev.paymentInfo;
      if (!info.status) continue;
      await statusRecord({
        paymentInfoId: info.originalPaymentInfoId,
        status: info.status,
        reason: info.reason,
        outcome: info.status === 'PART' ? OUTCOME.inferred : OUTCOME.paymentInfoStatus,
      });
    } else {
      if (fileId === undefined) throw new Error('a status report gave records before its header');
      if (header?.groupStatus === 'RJCT')
        refuseSettledUnderRejection(ev.records, fileName, records);
      const batch = ev.records.map((r, i) => recordRow(r, fileName, records + i + 1));
      // One JSON parameter per batch: a 2,000-row VALUES list costs more to build than to insert.
      await pipeline.start(() =>
        rows<IdRange>(
          tx,
          sql`WITH ins AS (
          INSERT INTO settlement_records (settlement_file_id, end_to_end_id, payment_info_id,
                                          status, reason_code, reason_text, amount, currency,
                                          payroll_line_id, outcome, match_method)
          SELECT ${fileId}, x.e, x.p, x.s, x.rc, x.rt, x.a, x.c, l.id,
                 CASE WHEN l.id IS NULL THEN 'unknown_reference'
                      WHEN NOT x.ok OR x.a <> l.amount THEN 'amount_mismatch'
                      ELSE 'matched' END,
                 CASE WHEN l.id IS NOT NULL THEN 'reference' END
          FROM json_to_recordset(${JSON.stringify(batch)}::json)
            AS x(n int, e text, p text, s text, rc text, rt text, a numeric, c text, ok boolean)
          LEFT JOIN payroll_lines l ON l.end_to_end_id = x.e
          ORDER BY x.n
          RETURNING id)
        SELECT min(id) AS lo, max(id) AS hi FROM ins`,
        ),
      );
      records += ev.records.length;
    }
  }

  await pipeline.settle();
  if (fileId === undefined || !header) throw new Error('a status report ended without a header');
  await tx
    .update(settlementFiles)
    .set({
      recordCount: records,
      firstRecordId: pipeline.lastId > 0 ? pipeline.firstId : null,
      lastRecordId: pipeline.lastId > 0 ? pipeline.lastId : null,
    })
    .where(eq(settlementFiles.id, fileId));
  return { fileId, firstId: pipeline.firstId, lastId: pipeline.lastId, header, records };
}

/**
 * A reported amount as a pesewa string, and whether it can match a line: in cedis and exact to
 * the pesewa. Five decimals are common ("10.00000"); anything finer cannot match a line.
 */
export function reportedAmount(
  r: { amount: string | null; currency: string | null },
  fileName: string,
  n: number,
): { amount: string | null; ok: boolean } {
  if (r.amount === null) return { amount: null, ok: true };
  const ghs = r.currency === null || r.currency === 'GHS';
  // Nearly every amount is written with two decimals: that text is already the pesewa amount.
  if (PESEWAS.test(r.amount)) return { amount: r.amount, ok: ghs };
  const value = new Cedi(r.amount);
  if (value.abs().gte(MAX_AMOUNT)) {
    throw new SikaError('UNREADABLE_RESPONSE', `${fileName}: transaction ${n} amount is too large`);
  }
  const amount = value.toFixed(2);
  return { amount, ok: ghs && value.equals(new Cedi(amount)) };
}

/**
 * A group status RJCT rejects every transaction of the file: a report that also gives one of them
 * another status contradicts itself, and which of the two is meant cannot be told from it.
 */
function refuseSettledUnderRejection(
  batch: Pain002Record[],
  fileName: string,
  before: number,
): void {
  const i = batch.findIndex((r) => r.status !== 'RJCT');
  if (i < 0) return;
  const r = batch[i]!;
  throw new SikaError(
    'UNREADABLE_RESPONSE',
    `${fileName}: transaction ${before + i + 1} (${r.endToEndId ?? 'no reference'}) reports ` +
      `${r.status} under the group status RJCT, which rejects every transaction: the report ` +
      'contradicts itself',
    { file: fileName },
  );
}

function recordRow(r: Pain002Record, fileName: string, n: number) {
  const { amount, ok } = reportedAmount(r, fileName, n);
  return {
    n,
    e: r.endToEndId,
    p: r.paymentInfoId,
    s: r.status,
    rc: r.reasonCode,
    rt: r.reasonText,
    a: amount,
    c: amount === null ? null : r.currency,
    ok,
  };
}
