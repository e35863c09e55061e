import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { and, eq, like, ne, sql } from 'drizzle-orm';
import { describeFile } from '../../reconciliation/index.js';
import { isStatusDescription } from '../../reconciliation/describe-file.js';
import { rows, type Db } from '../db/open.js';
import { submissions } from '../db/schema.js';
import { MIN_REASON, reasonLength } from '../audit/reason.js';
import { SikaError } from '../errors.js';

/** The fewest characters a resend's reason may have; --help and the refusal both say it. */
export const MIN_RESEND_REASON = MIN_REASON;

export function checkResendReason(reason: string): string {
  const trimmed = reason.trim();
  if (reasonLength(trimmed) < MIN_RESEND_REASON) {
    throw new SikaError(
      'USAGE',
      `--reason must say why the file is sent again, in at least ${MIN_RESEND_REASON} ` +
        `characters (got ${reasonLength(trimmed)})`,
    );
  }
  return trimmed;
}

const STATUS_REPORT = /\.pain002\.xml$|\.status\.csv$/i;

/**
 * Why no payment file of the cycle has this name, in the words that help: it is a status report,
 * the file was already sent again under a new name, or it belongs to another cycle.
 */
export async function missingPaymentFile(
  tx: Db,
  cycleId: number,
  given: string,
): Promise<SikaError> {
  const name = basename(given);
  const details = { fileName: name };
  if (STATUS_REPORT.test(name) || (await isStatusReport(given))) {
    return new SikaError(
      'USAGE',
      `${name} is a status report, not a payment file: name the payment file it answers with ` +
        '--resend (as sika submit printed it) and this report with --refusal',
      details,
    );
  }
  const stem = name.replace(/(_R\d+)?(\.[A-Za-z0-9]+)$/, '');
  const ext = /\.[A-Za-z0-9]+$/.exec(name)?.[0] ?? '';
  const [renamed] = await tx
    .select({ fileName: submissions.fileName, messageId: submissions.messageId })
    .from(submissions)
    .where(
      and(
        eq(submissions.cycleId, cycleId),
        like(submissions.fileName, `${escapeLike(stem)}\\_R%${escapeLike(ext)}`),
      ),
    );
  if (renamed) {
    return new SikaError(
      'USAGE',
      `${name} was already sent again, as ${renamed.fileName} (message ${renamed.messageId}): ` +
        `to send it once more, name ${renamed.fileName} and the switch's refusal of that file`,
      { ...details, current: renamed.fileName },
    );
  }
  const elsewhere = await rows<{ cycle_id: number }>(
    tx,
    sql`SELECT cycle_id FROM submissions WHERE file_name = ${name} AND cycle_id <> ${cycleId}
        LIMIT 1`,
  );
  if (elsewhere[0]) {
    return new SikaError(
      'USAGE',
      `${name} is a payment file of cycle ${elsewhere[0].cycle_id}, not of cycle ${cycleId}`,
      details,
    );
  }
  return new SikaError('USAGE', `cycle ${cycleId} has no payment file ${name}`, details);
}

async function isStatusReport(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  const d = await describeFile(path).catch(() => null);
  return d !== null && isStatusDescription(d);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The refusal, checked: a status report (pain.002 or sika-status-csv-1) for exactly this message
 * with group status RJCT. A report of
 * another file, or one that refuses nothing whole, is named for what it is.
 */
export async function checkRefusal(
  tx: Db,
  path: string,
  s: { messageId: string; fileName: string; cycleId: number },
) {
  const d = await describeFile(path).catch((err: unknown) => {
    throw new SikaError('USAGE', `${path}: no readable status report (${(err as Error).message})`);
  });
  const report = basename(path);
  const details = { messageId: s.messageId, report: path };
  if (!isStatusDescription(d)) {
    throw new SikaError(
      'USAGE',
      `${report} is a ${d.format} statement, not the status report refusing ${s.fileName}`,
      details,
    );
  }
  if (d.originalMessageId !== s.messageId) {
    const [other] = await tx
      .select({ fileName: submissions.fileName })
      .from(submissions)
      .where(
        and(eq(submissions.messageId, d.originalMessageId), ne(submissions.fileName, s.fileName)),
      );
    const of = other ? `${other.fileName} (message ${d.originalMessageId})` : d.originalMessageId;
    throw new SikaError(
      'USAGE',
      `${report} is the status report of ${of}, not of ${s.fileName} (message ${s.messageId}): ` +
        `give the switch's report on ${s.fileName} with --refusal`,
      details,
    );
  }
  if (d.groupStatus !== 'RJCT') {
    throw new SikaError(
      'USAGE',
      `${s.fileName} was not refused as a whole: its status report ${report} says group status ` +
        `${d.groupStatus ?? '(none)'}, and only a file refused whole (RJCT) can be sent again`,
      details,
    );
  }
  return d;
}
