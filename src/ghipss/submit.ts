import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { loadConfig } from '../config.js';
import type { Db } from '../db/open.js';
import { cycles, submissions } from '../db/schema.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { requireRole, type Role } from '../users/roles.js';
import { money, ZERO } from '../money.js';
import type { Channel } from './file-names.js';
import { formatsByChannel, paymentFormat, type PaymentFormat } from './formats/payment-format.js';
import { ensureWritableDir } from './outbox-files.js';
import { planPaymentFiles, type FilePlan } from './payment-lines.js';
import { ensureLocalFile, type Debtor } from './submission-file.js';
import { prepareSubmissions, type Cycle } from './submission-records.js';
import { DropFolderTransport } from './transport/drop-folder.js';
import { TransportError, type Transport } from './transport/transport.js';

export type { Debtor } from './submission-file.js';

const log = logger('ghipss.submit');
const SUBMITTER_ROLES: readonly Role[] = ['finance_officer', 'administrator'];
export const PAIN001_FORMAT = 'pain.001.001.03';

export interface SubmitParams {
  cycleId: number;
  submittedBy: string;
  /** Folder the payment files are written to, with checksum and manifest beside each. */
  outbox: string;
  /** Default 50,000. A retry must use the split of the first run. */
  maxTxPerFile?: number;
  /** The paying account; the command line passes it from the config. Default: config defaults. */
  debtor?: Debtor;
  /** Layout per channel (a name or an adapter); pain.001.001.03 for every channel not named. */
  formats?: Partial<Record<Channel, string | PaymentFormat>>;
  /** How files reach GhIPSS; default: the outbox is the drop folder GhIPSS collects from. */
  transport?: Transport;
  /** HMAC-SHA256 key of the manifests (configuration); without one they are written unsigned. */
  manifestKey?: string;
}

export interface SubmittedFile {
  submissionId: number;
  fileName: string;
  path: string;
  channel: Channel;
  sequence: number;
  format: string;
  txCount: number;
  controlSum: string;
  sha256: string;
  /** Sent by an earlier run (recorded, or found at the far side): not sent again. */
  alreadySent: boolean;
}

export interface SubmitResult {
  cycleId: number;
  files: SubmittedFile[];
}

async function checkSubmitter(db: Db, username: string): Promise<void> {
  await requireRole(db, username, SUBMITTER_ROLES, 'submit payment files');
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

/**
 * Sends a sealed cycle's payment files (one per channel and size limit, in each channel's
 * format) exactly once. Each file is recorded 'prepared' before it is written and becomes 'sent'
 * only on the far side's acknowledgement. A file recorded as sent is never sent again; a file
 * left prepared by an earlier run is first asked about at the far side, and sent (byte for byte
 * as before) only if the far side does not hold it.
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
  const formats = formatsByChannel(p.formats);
  const transport = p.transport ?? new DropFolderTransport(p.outbox);
  if (!p.manifestKey) log.warn({ cycleId: p.cycleId }, 'no manifest key: manifests unsigned');

  await checkSubmitter(db, p.submittedBy);
  const cycle = await loadSubmittableCycle(db, p.cycleId);
  await ensureWritableDir(p.outbox);

  const plan = await planPaymentFiles(db, cycle.id, maxTxPerFile);
  checkAgainstSeal(cycle, plan);
  const { records, resumed } = await prepareSubmissions(db, cycle, plan, formats);

  const files: SubmittedFile[] = [];
  for (const s of records) {
    const f = plan.find((x) => x.channel === s.channel && x.sequence === s.sequence)!;
    const base = {
      submissionId: s.id,
      fileName: s.fileName,
      path: join(p.outbox, s.fileName),
      channel: f.channel,
      sequence: s.sequence,
      format: s.format,
      txCount: s.txCount,
      controlSum: money(s.controlSum).toFixed(2),
    };
    if (s.status === 'sent' && s.sha256) {
      files.push({ ...base, sha256: s.sha256, alreadySent: true });
      continue;
    }

    // A record from an earlier run may stand for a file that left before that run stopped.
    const far = resumed ? await transport.status(s.messageId) : { known: false as const };
    const local = await ensureLocalFile(db, {
      cycle,
      submission: s,
      plan: f,
      format: paymentFormat(s.format),
      outbox: p.outbox,
      debtor,
      manifestKey: p.manifestKey,
    });
    if (far.known && far.sha256 && far.sha256 !== local.sha256) {
      throw new TransportError(
        'duplicate_message',
        `GhIPSS holds other content under ${s.messageId}`,
        { messageId: s.messageId },
      );
    }
    const ack = far.known ? undefined : await transport.send(local);

    await db
      .update(submissions)
      .set({ status: 'sent', sha256: local.sha256, sentAt: new Date() })
      .where(and(eq(submissions.id, s.id), eq(submissions.status, 'prepared')));
    log.info(
      { cycleId: cycle.id, submissionId: s.id, txCount: s.txCount, transport: transport.name },
      ack ? 'payment file sent' : 'payment file found at the far side',
    );
    files.push({ ...base, sha256: local.sha256, alreadySent: !ack || ack.duplicate });
  }

  await markSubmitted(db, cycle, p.submittedBy, transport.name, files);
  return { cycleId: cycle.id, files };
}

async function markSubmitted(
  db: Db,
  cycle: Cycle,
  actor: string,
  transport: string,
  files: SubmittedFile[],
) {
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
        format: [...new Set(files.map((f) => f.format))].join(', '),
        transport,
        txCount: String(files.reduce((n, f) => n + f.txCount, 0)),
        controlSum: files.reduce((t, f) => t.plus(money(f.controlSum)), ZERO).toFixed(2),
        files: files.map((f) => ({
          fileName: f.fileName,
          channel: f.channel,
          sequence: String(f.sequence),
          format: f.format,
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
