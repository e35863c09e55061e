import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { loadConfig } from '../config.js';
import { rows, type Db } from '../db/open.js';
import { cycles, submissions, users } from '../db/schema.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { money, ZERO } from '../money.js';
import { CHANNELS, paymentFileIds, remittanceText, type Channel } from './file-names.js';
import {
  ensureWritableDir,
  outboxError,
  sha256File,
  syncFile,
  temporaryPath,
  writeFileAtomically,
} from './outbox-files.js';
import { isoSeconds, writePain001File } from './pain001-writer.js';
import { planPaymentFiles, readPaymentLines, type FilePlan } from './payment-lines.js';

const log = logger('ghipss.submit');
const SUBMITTER_ROLES = ['finance_officer', 'administrator'];
export const PAIN001_FORMAT = 'pain.001.001.03';

export interface Debtor {
  name: string;
  account: string;
  agentBic: string;
}

export interface SubmitParams {
  cycleId: number;
  submittedBy: string;
  /** Folder the payment files are dropped into. */
  outbox: string;
  /** Default 50,000. A retry must use the split of the first run. */
  maxTxPerFile?: number;
  /** The paying account; the command line passes it from the config. Default: config defaults. */
  debtor?: Debtor;
}

export interface SubmittedFile {
  submissionId: number;
  fileName: string;
  path: string;
  channel: Channel;
  sequence: number;
  txCount: number;
  controlSum: string;
  sha256: string;
  /** Sent by an earlier run: left as it was. */
  alreadySent: boolean;
}

export interface SubmitResult {
  cycleId: number;
  files: SubmittedFile[];
}

type Cycle = typeof cycles.$inferSelect;
type Submission = typeof submissions.$inferSelect;

async function checkSubmitter(db: Db, username: string): Promise<void> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  if (!user) throw new SikaError('UNKNOWN_USER', `no user ${username}`);
  if (!SUBMITTER_ROLES.includes(user.role)) {
    throw new SikaError('FOUR_EYES', `${username} (${user.role}) may not submit payment files`);
  }
}

async function loadSubmittableCycle(db: Db, cycleId: number): Promise<Cycle> {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  if (!cycle)
    throw new SikaError('CYCLE_NOT_FOUND', `cycle ${cycleId} does not exist (see sika cycle list)`);
  if (!['approved', 'submitted'].includes(cycle.status) || !cycle.sealSha256) {
    throw new SikaError('CYCLE_STATE', `cycle ${cycleId} is ${cycle.status}, not approved`, {
      status: cycle.status,
    });
  }
  return cycle;
}

/** The files must carry exactly what was sealed: no line more, none less, not a pesewa off. */
function checkAgainstSeal(cycle: Cycle, plan: FilePlan[]): void {
  const count = plan.reduce((n, f) => n + f.txCount, 0);
  const total = plan.reduce((t, f) => t.plus(money(f.controlSum)), ZERO);
  if (count !== cycle.lineCount || !total.equals(money(cycle.totalAmount))) {
    throw new SikaError('PAYMENT_FILE_INVALID', `cycle ${cycle.id} lines differ from its seal`, {
      sealedCount: cycle.lineCount,
      lineCount: count,
      sealedTotal: money(cycle.totalAmount).toFixed(2),
      lineTotal: total.toFixed(2),
    });
  }
}

const channelRank = (c: string) => CHANNELS.indexOf(c as Channel);
const planKey = (f: { channel: string; sequence: number; txCount: number; controlSum: string }) =>
  `${f.channel}/${f.sequence}/${f.txCount}/${money(f.controlSum).toFixed(2)}`;

/**
 * Records every file of the plan as 'prepared' before any is written, in one transaction under
 * a lock on the cycle, so two submitters cannot both start and a crash leaves a record to resume.
 */
async function prepareSubmissions(db: Db, cycle: Cycle, plan: FilePlan[]): Promise<Submission[]> {
  return db.transaction(async (tx) => {
    const [locked] = await rows<{ status: string }>(
      tx,
      sql`SELECT status FROM cycles WHERE id = ${cycle.id} FOR UPDATE`,
    );
    if (!locked || !['approved', 'submitted'].includes(locked.status)) {
      throw new SikaError('CYCLE_STATE', `cycle ${cycle.id} changed state during submission`);
    }

    let existing = await tx.select().from(submissions).where(eq(submissions.cycleId, cycle.id));
    if (existing.length === 0) {
      await tx.insert(submissions).values(
        plan.map((f) => ({
          cycleId: cycle.id,
          channel: f.channel,
          sequence: f.sequence,
          ...paymentFileIds({ ...cycle, channel: f.channel, sequence: f.sequence }),
          format: PAIN001_FORMAT,
          txCount: f.txCount,
          controlSum: f.controlSum,
          status: 'prepared',
        })),
      );
      existing = await tx.select().from(submissions).where(eq(submissions.cycleId, cycle.id));
    }

    const recorded = existing.map(planKey).sort().join(',');
    if (recorded !== plan.map(planKey).sort().join(',')) {
      throw new SikaError(
        'USAGE',
        `cycle ${cycle.id} was first submitted with another file split`,
        {
          recordedFiles: existing.length,
          plannedFiles: plan.length,
        },
      );
    }
    return existing.sort(
      (a, b) => channelRank(a.channel) - channelRank(b.channel) || a.sequence - b.sequence,
    );
  });
}

/** Writes one file: temporary name, fsync, checksum beside it, rename; returns its SHA-256. */
async function writeSubmissionFile(
  db: Db,
  cycle: Cycle,
  s: Submission,
  f: FilePlan,
  outbox: string,
  debtor: Debtor,
): Promise<string> {
  const tmp = temporaryPath(outbox, s.fileName);
  try {
    await writePain001File(
      tmp,
      {
        messageId: s.messageId,
        paymentInfoId: s.paymentInfoId,
        createdAt: s.createdAt,
        executionDate: isoSeconds(s.createdAt).slice(0, 10),
        txCount: s.txCount,
        controlSum: s.controlSum,
        initiatingPartyName: debtor.name,
        debtorName: debtor.name,
        debtorAccount: debtor.account,
        debtorAgentBic: debtor.agentBic,
        remittanceInfo: remittanceText(cycle.programme, cycle.periodKey),
      },
      readPaymentLines(db, { cycleId: cycle.id, ...f }),
    );
    await syncFile(tmp);
    const sha256 = await sha256File(tmp);
    await writeFileAtomically(outbox, `${s.fileName}.sha256`, `${sha256}  ${s.fileName}\n`);
    await rename(tmp, join(outbox, s.fileName));
    return sha256;
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw outboxError(outbox, err);
  }
}

/**
 * Writes a sealed cycle's payment files (pain.001.001.03, one per channel and size limit) into
 * the outbox exactly once: a file recorded as sent is never written again, a file recorded as
 * prepared (a crash mid-send) is written again byte for byte.
 */
export async function submitCycle(db: Db, p: SubmitParams): Promise<SubmitResult> {
  const maxTxPerFile = p.maxTxPerFile ?? 50_000;
  if (!Number.isInteger(maxTxPerFile) || maxTxPerFile < 1) {
    throw new SikaError('USAGE', `maxTxPerFile must be a positive whole number`);
  }
  const config = loadConfig({});
  const debtor = p.debtor ?? {
    name: config.debtorName,
    account: config.debtorAccount,
    agentBic: config.debtorAgentBic,
  };

  await checkSubmitter(db, p.submittedBy);
  const cycle = await loadSubmittableCycle(db, p.cycleId);
  await ensureWritableDir(p.outbox);

  const plan = await planPaymentFiles(db, cycle.id, maxTxPerFile);
  checkAgainstSeal(cycle, plan);
  const prepared = await prepareSubmissions(db, cycle, plan);

  const files: SubmittedFile[] = [];
  for (const s of prepared) {
    const f = plan.find((x) => x.channel === s.channel && x.sequence === s.sequence)!;
    const base = {
      submissionId: s.id,
      fileName: s.fileName,
      path: join(p.outbox, s.fileName),
      channel: f.channel,
      sequence: s.sequence,
      txCount: s.txCount,
      controlSum: money(s.controlSum).toFixed(2),
    };
    if (s.status === 'sent' && s.sha256) {
      files.push({ ...base, sha256: s.sha256, alreadySent: true });
      continue;
    }
    const sha256 = await writeSubmissionFile(db, cycle, s, f, p.outbox, debtor);
    await db
      .update(submissions)
      .set({ status: 'sent', sha256, sentAt: new Date() })
      .where(and(eq(submissions.id, s.id), eq(submissions.status, 'prepared')));
    log.info({ cycleId: cycle.id, submissionId: s.id, txCount: s.txCount }, 'payment file sent');
    files.push({ ...base, sha256, alreadySent: false });
  }

  await markSubmitted(db, cycle, p.submittedBy, files);
  return { cycleId: cycle.id, files };
}

async function markSubmitted(db: Db, cycle: Cycle, actor: string, files: SubmittedFile[]) {
  const newlySent = files.filter((f) => !f.alreadySent);
  if (newlySent.length === 0 && cycle.status === 'submitted') return;

  await db.transaction(async (tx) => {
    await tx
      .update(cycles)
      .set({ status: 'submitted' })
      .where(and(eq(cycles.id, cycle.id), sql`${cycles.status} IN ('approved', 'submitted')`));
    await appendAudit(tx, {
      actor,
      action: 'cycle.submit',
      entity: 'cycle',
      entityId: cycle.id,
      detail: {
        format: PAIN001_FORMAT,
        txCount: String(files.reduce((n, f) => n + f.txCount, 0)),
        controlSum: files.reduce((t, f) => t.plus(money(f.controlSum)), ZERO).toFixed(2),
        files: files.map((f) => ({
          fileName: f.fileName,
          channel: f.channel,
          sequence: String(f.sequence),
          txCount: String(f.txCount),
          controlSum: f.controlSum,
          sha256: f.sha256,
          alreadySent: f.alreadySent,
        })),
      },
    });
  });
  log.info(
    { cycleId: cycle.id, files: files.length, newlySent: newlySent.length },
    'cycle submitted',
  );
}
