import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { appendAudit } from '../src/audit/audit-log.js';
import { rows, type Db } from '../src/db/open.js';
import { settlementFiles, users } from '../src/db/schema.js';
import { SikaError } from '../src/errors.js';
import { logger } from '../src/logger.js';
import { applyAssignments, assignStatusBlocks } from './apply-statuses.js';
import { controlTotals, type ControlTotals } from './control-equation.js';
import {
  assertFile,
  findSettlementFile,
  inFile,
  loadFile,
  sha256File,
  type FileScope,
} from './load-file.js';
import { createAssignments, matchRecords } from './match.js';

const log = logger('reconciliation');
const LOADER_ROLES = ['finance_officer', 'administrator'];
/** Files are reconciled one at a time: two at once could both move the same line. */
const RECONCILE_LOCK = 7411002;

export interface ReconcileResult {
  settlementFileId: number | null;
  fileName: string;
  sha256: string;
  duplicate: boolean;
  format: 'pain.002';
  messageId: string | null;
  originalMessageId: string | null;
  /** Transaction records read from the file (0 for a file loaded before). */
  records: number;
  /** Transaction records matched to a line and applied (or already in that status). */
  matched: number;
  /** Lines this file moved to paid, to failed, or reported still pending. */
  paid: number;
  failed: number;
  pending: number;
  unknown: number;
  conflicts: number;
  exceptions: number;
  cycles: { cycleId: number; control: ControlTotals }[];
}

async function checkLoader(db: Db, username: string): Promise<void> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  if (!user) throw new SikaError('UNKNOWN_USER', `no user ${username}`);
  if (!LOADER_ROLES.includes(user.role)) {
    throw new SikaError('FOUR_EYES', `${username} (${user.role}) may not load settlement files`);
  }
}

function duplicateResult(f: typeof settlementFiles.$inferSelect): ReconcileResult {
  return {
    settlementFileId: f.id,
    fileName: f.fileName,
    sha256: f.sha256,
    duplicate: true,
    format: 'pain.002',
    messageId: f.messageId,
    originalMessageId: f.originalMessageId,
    records: 0,
    ...{ matched: 0, paid: 0, failed: 0, pending: 0, unknown: 0, conflicts: 0, exceptions: 0 },
    cycles: [],
  };
}

/**
 * Loads one pain.002 response and reconciles it, in one transaction: records kept, lines
 * matched and moved, exceptions opened, cycles closed when nothing is pending, audit appended.
 * A file loaded before (same SHA-256) changes nothing and comes back with duplicate: true.
 */
export async function reconcileFile(
  db: Db,
  p: { path: string; loadedBy: string },
): Promise<ReconcileResult> {
  await assertFile(p.path);
  await checkLoader(db, p.loadedBy);
  const fileName = basename(p.path);
  const sha256 = await sha256File(p.path);
  const seen = await findSettlementFile(db, sha256);
  if (seen) {
    log.info({ settlementFileId: seen.id }, 'settlement file loaded before; skipped');
    return duplicateResult(seen);
  }
  const started = Date.now();
  const timings: Record<string, number> = {};

  const result = await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK})`);
    const raced = await findSettlementFile(tx, sha256);
    if (raced) return duplicateResult(raced);

    let mark = Date.now();
    const lap = (stage: string) => {
      timings[`${stage}_ms`] = Date.now() - mark;
      mark = Date.now();
    };
    const loaded = await loadFile(tx, { path: p.path, sha256, loadedBy: p.loadedBy });
    const { fileId } = loaded;
    lap('load');
    await createAssignments(tx);
    await matchRecords(tx, loaded);
    await assignStatusBlocks(tx, {
      file: loaded,
      originalMessageId: loaded.header.originalMessageId,
    });
    lap('match');
    const applied = await applyAssignments(tx);
    lap('apply');
    const counts = await fileCounts(tx, loaded);
    const cycles = await closeCycles(tx);
    lap('close');

    const out: ReconcileResult = {
      settlementFileId: fileId,
      fileName,
      sha256,
      duplicate: false,
      format: 'pain.002',
      messageId: loaded.header.messageId,
      originalMessageId: loaded.header.originalMessageId,
      records: loaded.records,
      ...counts,
      ...applied,
      cycles,
    };
    const { cycles: _, ...summary } = out;
    await appendAudit(tx, {
      actor: p.loadedBy,
      action: 'settlement.load',
      entity: 'settlement_file',
      entityId: fileId,
      detail: { ...summary, cycleIds: cycles.map((c) => c.cycleId) },
    });
    return out;
  });

  if (!result.duplicate) {
    const { settlementFileId, records, matched, paid, failed, pending, exceptions } = result;
    log.info(
      {
        settlementFileId,
        records,
        matched,
        paid,
        failed,
        pending,
        exceptions,
        duration_ms: Date.now() - started,
        ...timings,
      },
      'settlement file reconciled',
    );
  }
  return result;
}

async function fileCounts(tx: Db, file: FileScope) {
  const [c] = await rows<{
    matched: number;
    unknown: number;
    conflicts: number;
    exceptions: number;
  }>(
    tx,
    sql`SELECT
          (SELECT count(*)::int FROM settlement_records r
            WHERE ${inFile(file)} AND r.outcome = 'matched') AS matched,
          count(*) FILTER (WHERE e.kind = 'unknown_reference')::int AS unknown,
          count(*) FILTER (WHERE e.kind = 'conflicting_status')::int AS conflicts,
          count(*)::int AS exceptions
        FROM exceptions e JOIN settlement_records r ON r.id = e.settlement_record_id
        WHERE ${inFile(file)}`,
  );
  return c ?? { matched: 0, unknown: 0, conflicts: 0, exceptions: 0 };
}

/**
 * The cycles this file touched become 'reconciled' once none of their lines is pending (and go
 * back to 'submitted' if one is again); each must still satisfy its control equation.
 */
async function closeCycles(tx: Db): Promise<ReconcileResult['cycles']> {
  const touched = await rows<{ cycle_id: number }>(
    tx,
    sql`SELECT DISTINCT l.cycle_id FROM recon_assign a JOIN payroll_lines l ON l.id = a.line_id
        ORDER BY l.cycle_id`,
  );
  const out: ReconcileResult['cycles'] = [];
  for (const { cycle_id: cycleId } of touched) {
    await tx.execute(sql`
      UPDATE cycles c
      SET status = CASE WHEN EXISTS (SELECT 1 FROM payroll_lines l
                                     WHERE l.cycle_id = c.id AND l.status = 'pending')
                        THEN 'submitted' ELSE 'reconciled' END
      WHERE c.id = ${cycleId} AND c.status IN ('submitted', 'reconciled')`);
    const control = await controlTotals(tx, cycleId);
    if (!control.holds) {
      throw new Error(
        `control equation broken for cycle ${cycleId}: off by ${control.difference.toFixed(2)}`,
      );
    }
    out.push({ cycleId, control });
  }
  return out;
}

/** Reconciles every *.xml file of a folder in name order; stops at the first unreadable one. */
export async function reconcileDirectory(
  db: Db,
  p: { dir: string; loadedBy: string },
): Promise<ReconcileResult[]> {
  const entries = await readdir(p.dir, { withFileTypes: true }).catch(() => {
    throw new SikaError('FILE_NOT_FOUND', `${p.dir}: no such folder`, { path: p.dir });
  });
  const names = entries
    .filter((e) => e.isFile() && /\.xml$/i.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const results: ReconcileResult[] = [];
  for (const name of names) {
    results.push(await reconcileFile(db, { path: join(p.dir, name), loadedBy: p.loadedBy }));
  }
  return results;
}
