import { basename } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { settlementFiles } from '../src/db/schema.js';
import { InsertPipeline, type IdRange } from './insert-pipeline.js';
import { parseCamt, type CamtHeader, type CamtRecord } from './camt-parser.js';
import { INSERT_BATCH, reportedAmount, type FileScope } from './load-file.js';

export interface LoadedCamt extends FileScope {
  header: CamtHeader;
  records: number;
}

/**
 * Writes the settlement file row and every camt record in batches as parsed, each matched to its
 * line by EndToEndId on the way in; a missing or NOTPROVIDED reference is left unknown for the
 * fallback match. One batch is in the database while the parser reads the next, never two.
 */
export async function loadCamtFile(
  tx: Db,
  p: { path: string; sha256: string; loadedBy: string },
): Promise<LoadedCamt> {
  const fileName = basename(p.path);
  let fileId: number | undefined;
  let header: CamtHeader | undefined;
  let records = 0;
  const pipeline = new InsertPipeline();

  for await (const ev of parseCamt(p.path, { name: fileName, batchSize: INSERT_BATCH })) {
    if (ev.kind === 'header') {
      header = ev.header;
      const [row] = await tx
        .insert(settlementFiles)
        .values({
          sha256: p.sha256,
          fileName,
          format: header.format,
          messageId: header.messageId,
          loadedBy: p.loadedBy,
        })
        .returning({ id: settlementFiles.id });
      fileId = row!.id;
      continue;
    }
    if (fileId === undefined) throw new Error('parseCamt gave records before its header');
    const batch = ev.records.map((r, i) => camtRow(r, fileName, records + i + 1));
    await pipeline.start(() =>
      rows<IdRange>(
        tx,
        sql`WITH ins AS (
        INSERT INTO settlement_records (settlement_file_id, end_to_end_id, payment_info_id, status,
          reason_code, reason_text, amount, currency, credit_debit, reversal, bank_tx_code,
          booking_date, value_date, account, payroll_line_id, outcome, match_method)
        SELECT ${fileId}, x.e, x.p, x.s, x.rc, x.rt, x.a, x.c, x.cd, x.rv, x.bt, x.bd, x.vd, x.ac,
               l.id,
               CASE WHEN l.id IS NULL THEN 'unknown_reference'
                    WHEN NOT x.ok OR x.a <> l.amount THEN 'amount_mismatch'
                    ELSE 'matched' END,
               CASE WHEN l.id IS NOT NULL THEN 'reference' END
        FROM json_to_recordset(${JSON.stringify(batch)}::json)
          AS x(n int, e text, p text, s text, rc text, rt text, a numeric, ok boolean, c text,
               cd text, rv boolean, bt text, bd date, vd date, ac text)
        LEFT JOIN payroll_lines l ON l.end_to_end_id = x.e AND upper(x.e) <> 'NOTPROVIDED'
        ORDER BY x.n
        RETURNING id)
      SELECT min(id) AS lo, max(id) AS hi FROM ins`,
      ),
    );
    records += ev.records.length;
  }

  await pipeline.settle();
  if (fileId === undefined || !header) throw new Error('parseCamt ended without a header');
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

function camtRow(r: CamtRecord, fileName: string, n: number) {
  const { amount, ok } = reportedAmount(r, fileName, n);
  return {
    n,
    e: r.endToEndId,
    p: r.paymentInfoId,
    s: r.status,
    rc: r.reasonCode,
    rt: r.reasonText,
    a: amount,
    ok,
    c: r.currency,
    cd: r.creditDebit,
    rv: r.reversal,
    bt: r.bankTxCode,
    bd: r.bookingDate,
    vd: r.valueDate,
    ac: r.account,
  };
}
