import { sql } from 'drizzle-orm';
import { rows, type Db } from '../src/db/open.js';
import { formatCedi, money } from '../src/money.js';
import { inFile, type FileScope } from './load-file.js';
import type { Pain002Header } from './pain002-parser.js';

export interface EarlierFile {
  id: number;
  file_name: string;
  first_record_id: number | null;
  last_record_id: number | null;
}

/** The file loaded before under the same message id and format (a repeat), if any. */
export async function findEarlierMessage(
  tx: Db,
  p: { fileId: number; format: string; messageId: string },
): Promise<EarlierFile | undefined> {
  const [found] = await rows<EarlierFile>(
    tx,
    sql`SELECT id, file_name, first_record_id::float8 AS first_record_id,
               last_record_id::float8 AS last_record_id
        FROM settlement_files
        WHERE format = ${p.format} AND message_id = ${p.messageId} AND state = 'loaded'
          AND id <> ${p.fileId}
        ORDER BY id LIMIT 1`,
  );
  return found;
}

/** SQL condition: record alias q belongs to the earlier file (by id range when it is kept). */
function inEarlier(f: EarlierFile) {
  return f.first_record_id !== null && f.last_record_id !== null
    ? sql`q.id BETWEEN ${f.first_record_id} AND ${f.last_record_id} AND q.settlement_file_id = ${f.id}`
    : sql`q.settlement_file_id = ${f.id}`;
}

/**
 * Keeps a file that repeats a message already loaded, moving nothing: its records become
 * 'repeat', the file is marked a repeat of the earlier one, and only when its records differ from
 * the earlier file's (a status changed, a record added or left out) one exception says so. Returns
 * the note kept on the file and how many exceptions were opened (0 or 1).
 */
export async function keepRepeat(
  tx: Db,
  p: { file: FileScope; earlier: EarlierFile; messageId: string; records: number },
): Promise<{ note: string; exceptions: number }> {
  const [d] = await rows<{ changed: number; added: number; missing: number }>(
    tx,
    sql`WITH a AS (
          SELECT coalesce(r.end_to_end_id, '') AS e, coalesce(r.payment_info_id, '') AS p, r.status AS s
          FROM settlement_records r WHERE ${inFile(p.file)}
        ), b AS (
          SELECT coalesce(q.end_to_end_id, '') AS e, coalesce(q.payment_info_id, '') AS p, q.status AS s
          FROM settlement_records q WHERE ${inEarlier(p.earlier)}
        ), ka AS (SELECT e, p, array_agg(s ORDER BY s) AS s FROM a GROUP BY 1, 2),
           kb AS (SELECT e, p, array_agg(s ORDER BY s) AS s FROM b GROUP BY 1, 2)
        SELECT count(*) FILTER (WHERE ka.e IS NOT NULL AND kb.e IS NOT NULL AND ka.s <> kb.s)::int
                 AS changed,
               count(*) FILTER (WHERE kb.e IS NULL)::int AS added,
               count(*) FILTER (WHERE ka.e IS NULL)::int AS missing
        FROM ka FULL JOIN kb ON kb.e = ka.e AND kb.p = ka.p`,
  );
  await tx.execute(sql`UPDATE settlement_records r SET outcome = 'repeat' WHERE ${inFile(p.file)}`);
  const same = `repeats message ${p.messageId}, already loaded from ${p.earlier.file_name}`;
  const { changed = 0, added = 0, missing = 0 } = d ?? {};
  if (changed + added + missing === 0) {
    return {
      note: `${same}: the same ${p.records} records and statuses; nothing moved`,
      exceptions: 0,
    };
  }
  const refs = (n: number) => `${n} reference${n === 1 ? '' : 's'}`;
  const parts = [
    changed ? `${refs(changed)} with a different status` : '',
    added ? `${refs(added)} not in it` : '',
    missing ? `${missing} of its references left out` : '',
  ].filter(Boolean);
  const note =
    `${same}, but differs from it: ${parts.join(', ')}. Nothing moved: ask GhIPSS which ` +
    'report is right; a corrected report needs a message id of its own';
  await tx.execute(sql`
    INSERT INTO exceptions (cycle_id, settlement_record_id, kind, detail, action)
    SELECT (SELECT l.cycle_id FROM settlement_records r
              CROSS JOIN LATERAL (SELECT cycle_id FROM payroll_lines
                                  WHERE id = r.payroll_line_id LIMIT 1) l
            WHERE ${inFile(p.file)} AND r.payroll_line_id IS NOT NULL ORDER BY r.id LIMIT 1),
           (SELECT min(r.id) FROM settlement_records r WHERE ${inFile(p.file)}),
           'duplicate_record', ${note},
           'Compare the two reports with GhIPSS; the lines keep the statuses of the earlier one'`);
  return { note, exceptions: 1 };
}

/**
 * Why a status report answers no payment file this database sent, or null when it answers one:
 * its OrgnlMsgId must name a sent submission, and its OrgnlNbOfTxs and OrgnlCtrlSum, when given,
 * must be that submission's count and control sum. Also the cycle of the submission it names.
 */
export async function foreignReport(
  tx: Db,
  header: Pain002Header,
): Promise<{ reason: string; cycleId: number | null } | null> {
  const [s] = await rows<{ cycle_id: number; tx_count: number; control_sum: string }>(
    tx,
    sql`SELECT cycle_id, tx_count, control_sum::text FROM submissions
        WHERE message_id = ${header.originalMessageId} AND sent_at IS NOT NULL`,
  );
  const id = header.originalMessageId;
  if (!s) {
    return {
      reason: `answers message ${id}, which is no payment file this database sent; nothing moved`,
      cycleId: null,
    };
  }
  const n = header.originalNumberOfTxs;
  const sum = header.originalControlSum;
  const sumDiffers =
    sum !== null && (!/^-?\d+(\.\d+)?$/.test(sum) || !money(sum).equals(money(s.control_sum)));
  if ((n === null || n === s.tx_count) && !sumDiffers) return null;
  const said = [
    n === null ? null : `${n} payments`,
    sum === null
      ? null
      : `control sum ${/^-?\d+(\.\d+)?$/.test(sum) ? formatCedi(money(sum)) : sum}`,
  ].filter(Boolean);
  return {
    reason:
      `answers message ${id} with ${said.join(', ')}, but the file sent under that id had ` +
      `${s.tx_count} payments, control sum ${formatCedi(money(s.control_sum))}: it answers a ` +
      'different file; nothing moved',
    cycleId: s.cycle_id,
  };
}

/** Keeps a report that answers no file sent: its records moved nothing, one exception says why. */
export async function quarantineReport(
  tx: Db,
  p: { file: FileScope; reason: string; cycleId: number | null },
): Promise<void> {
  await tx.execute(
    sql`UPDATE settlement_records r SET outcome = 'quarantined' WHERE ${inFile(p.file)}`,
  );
  await tx.execute(sql`
    INSERT INTO exceptions (cycle_id, settlement_record_id, kind, detail, action)
    VALUES (${p.cycleId}, (SELECT min(r.id) FROM settlement_records r WHERE ${inFile(p.file)}),
            'unknown_reference', ${`status report quarantined: ${p.reason}`},
            'Find out which file the report answers; ask GhIPSS for the report of the file sent')`);
}
