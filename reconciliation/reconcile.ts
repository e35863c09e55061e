import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { appendAudit } from '../src/audit/audit-log.js';
import { rows, singleConnection, sqlState, type Db } from '../src/db/open.js';
import { settlementFiles } from '../src/db/schema.js';
import { SikaError } from '../src/errors.js';
import { archiveFile } from '../src/file-archive.js';
import { logger } from '../src/logger.js';
import { applyAssignments, assignStatusBlocks, type Applied } from './apply-statuses.js';
import type { ControlTotals } from './control-equation.js';
import { refreshCycles } from './cycle-status.js';
import { KIND_ACTIONS } from './exceptions.js';
import { DEFAULT_VALUE_DATE_TOLERANCE_DAYS, fallbackMatch } from './fallback-match.js';
import { checkFinanceUser } from './finance-user.js';
import { loadCamtFile } from './load-camt.js';
import {
  assertFile,
  findSettlementFile,
  inFile,
  loadFile,
  sha256File,
  type FileScope,
} from './load-file.js';
import { assignRecords, createAssignments, markRepeats } from './match.js';
import {
  findEarlierMessage,
  foreignReport,
  keepRepeat,
  quarantineReport,
} from './message-checks.js';
import { isStatusReport, settlementFormat, type SettlementFormat } from './settlement-format.js';
import { sniffFormat } from './sniff-format.js';
import type { SubmissionRanges } from './submission-lines.js';
import { refuseUnsent } from './unsent-lines.js';

const log = logger('reconciliation');
/** Files are reconciled one at a time: two at once could both move the same line. */
export const RECONCILE_LOCK = 7411002;
/**
 * With a file's SHA-256, the lock a load of those bytes holds for its whole transaction, taken
 * before RECONCILE_LOCK: a second load of the same bytes waits for the first to commit and then
 * finds it, instead of waiting on its row while holding the lock the first one needs.
 */
const FILE_LOCK = 7411003;

/** Takes the file lock of these bytes (two-key form: its own key space). */
async function lockFile(tx: Db, sha256: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${FILE_LOCK}, hashtext(${sha256}))`);
}

export type { SettlementFormat } from './settlement-format.js';

export interface ReconcileResult {
  settlementFileId: number | null;
  /** This file's own name, also when it repeats an earlier file. */
  fileName: string;
  sha256: string;
  /** Loaded before (same SHA-256): nothing read, nothing changed. */
  duplicate: boolean;
  /**
   * loaded: reconciled; repeat: the same message as repeatOf (same MsgId, other bytes), moved
   * nothing; quarantined: unreadable, or answers no file this database sent, moved nothing.
   */
  state: FileState;
  /** Why a file is a repeat or quarantined. */
  note: string | null;
  /** The earlier file this one repeats: same SHA-256 (duplicate) or same message id (repeat). */
  repeatOf: string | null;
  format: SettlementFormat | 'unreadable';
  messageId: string | null;
  originalMessageId: string | null;
  /** Transaction records read from the file (0 for a file loaded before). */
  records: number;
  /** Transaction records matched to a line and applied (or already in that status). */
  matched: number;
  /** Lines this file moved to paid, to failed, to returned, or reported still pending. */
  paid: number;
  failed: number;
  returned: number;
  pending: number;
  unknown: number;
  /** Records naming a line no sent payment file carried: set aside, nothing moved. */
  notSent: number;
  /** Records without a usable reference that several lines fit (camt). */
  ambiguous: number;
  conflicts: number;
  exceptions: number;
  cycles: { cycleId: number; control: ControlTotals }[];
}

export type FileState = 'loaded' | 'repeat' | 'quarantined';

const NOTHING = {
  ...{ matched: 0, paid: 0, failed: 0, returned: 0, pending: 0, unknown: 0, notSent: 0 },
  ...{ ambiguous: 0, conflicts: 0, exceptions: 0 },
};

function duplicateResult(
  f: typeof settlementFiles.$inferSelect,
  fileName: string,
): ReconcileResult {
  return {
    settlementFileId: f.id,
    fileName,
    sha256: f.sha256,
    duplicate: true,
    state: f.state as FileState,
    note: f.note,
    repeatOf: f.fileName,
    format: f.format as SettlementFormat,
    messageId: f.messageId,
    originalMessageId: f.originalMessageId,
    records: 0,
    ...NOTHING,
    cycles: [],
  };
}

export interface ReconcileParams {
  path: string;
  loadedBy: string;
  /** camt records without a reference: how many days a value date may lie from the send date. */
  valueDateToleranceDays?: number;
  /** Content-addressed copies of every file kept (loaded, repeat, quarantined); absent: none. */
  archiveDir?: string;
}

/**
 * Loads one response (pain.002, the sika-status-csv-1 status report, camt.054, camt.053 or
 * camt.052, told apart by content) and reconciles it,
 * in one transaction: records kept, lines matched and moved, exceptions opened, cycles marked
 * reconciled when nothing is pending, audit appended. A file loaded before (same SHA-256)
 * changes nothing and comes back with duplicate: true. A file that cannot be read, a status
 * report that answers no file this database sent, and a repeat of a message already loaded are
 * kept but move nothing (state 'quarantined' or 'repeat', with a note saying why).
 */
export async function reconcileFile(db: Db, p: ReconcileParams): Promise<ReconcileResult> {
  const { result } = await reconcileOne(db, p, { ranges: new Map(), deferClose: false });
  return result;
}

/** What the files of one run share. */
interface Run {
  /** Submission line ranges, worked out once per cycle for the whole run. */
  ranges: SubmissionRanges;
  /** The touched cycles' control equation and status are brought up to date after the last file. */
  deferClose: boolean;
}

/**
 * A file of a folder run on PostgreSQL reads its records and writes them, in its own transaction,
 * while the file before it is still being matched and applied; only then does it wait its turn
 * and take the reconciliation lock. Writing a new file's records moves no line and reads only
 * sealed line data (EndToEndId, amount), so it needs no lock; everything that reads or moves
 * line statuses still runs one file at a time, in name order.
 */
interface Turn {
  /** Settles once the file before is committed; rejects when it failed, and this one gives up. */
  ready: Promise<void>;
  /**
   * Tells the run this file's records are written and the file before it is in (or this one
   * failed): the next file may start. So one file is read while one is applied, never more.
   */
  read: () => void;
}

/** A file checked, hashed and archived, ready for its transaction. */
interface Prepared {
  fileName: string;
  sha256: string;
}

async function prepareFile(db: Db, p: ReconcileParams): Promise<Prepared> {
  await assertFile(p.path);
  await checkFinanceUser(db, p.loadedBy, 'load settlement files');
  const fileName = basename(p.path);
  const sha256 = await sha256File(p.path);
  // Before any row is written, so no settlement_files row lacks its bytes; a file loaded
  // before archiving was set up gets its copy now.
  if (p.archiveDir) {
    await archiveFile({ archiveDir: p.archiveDir, kind: 'settlements', path: p.path, sha256 });
  }
  return { fileName, sha256 };
}

/** Thrown in a file that waited for one that failed: the run stops at the earlier failure. */
class RunStopped extends Error {}

async function reconcileOne(
  db: Db,
  p: ReconcileParams,
  run: Run,
  turn?: Turn,
  prepared?: Promise<Prepared>,
): Promise<{ result: ReconcileResult; touched: number[] }> {
  const { fileName, sha256 } = await (prepared ?? prepareFile(db, p));
  const seen = await findSettlementFile(db, sha256);
  if (seen) {
    log.info({ settlementFileId: seen.id }, 'settlement file loaded before; skipped');
    return { result: duplicateResult(seen, fileName), touched: [] };
  }
  try {
    return await loadAndApply(db, p, run, { fileName, sha256 }, turn);
  } catch (err) {
    turn?.read();
    const state = sqlState(err);
    if (turn && (state === '23505' || state === '40P01')) {
      // The file lock makes both rare: the same bytes loaded at the same time by a loader that
      // does not take it, or two loads waiting on each other. This one's transaction was rolled
      // back; once the files before it are in, it is loaded again the ordinary way (and found
      // loaded before if the other one went in).
      await turn.ready;
      return reconcileOne(db, p, run);
    }
    if (!(err instanceof SikaError) || err.code !== 'UNREADABLE_RESPONSE') throw err;
    await turn?.ready;
    const reason = err.message.startsWith(`${fileName}: `)
      ? err.message.slice(fileName.length + 2)
      : err.message;
    return {
      result: await quarantineUnreadable(db, { ...p, fileName, sha256, reason }),
      touched: [],
    };
  }
}

/** Keeps an unreadable file by its SHA-256, quarantined with the reason it could not be read. */
async function quarantineUnreadable(
  db: Db,
  p: { fileName: string; sha256: string; reason: string; loadedBy: string },
): Promise<ReconcileResult> {
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await lockFile(tx, p.sha256);
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK})`);
    const raced = await findSettlementFile(tx, p.sha256);
    if (raced) return duplicateResult(raced, p.fileName);
    const [row] = await tx
      .insert(settlementFiles)
      .values({
        sha256: p.sha256,
        fileName: p.fileName,
        format: 'unreadable',
        loadedBy: p.loadedBy,
        state: 'quarantined',
        note: `unreadable: ${p.reason}`,
      })
      .returning({ id: settlementFiles.id });
    // Named by no cycle: it is on finance's list of exceptions without a cycle until resolved.
    await tx.execute(sql`
      INSERT INTO exceptions (kind, detail, action)
      VALUES ('unreadable_file',
              ${`file ${p.fileName} (SHA-256 ${p.sha256.slice(0, 16)}...) could not be read: ${p.reason}`},
              ${KIND_ACTIONS['unreadable_file']})`);
    await appendAudit(tx, {
      actor: p.loadedBy,
      action: 'settlement.quarantine',
      entity: 'settlement_file',
      entityId: row!.id,
      detail: { fileName: p.fileName, sha256: p.sha256, reason: p.reason },
    });
    log.warn({ settlementFileId: row!.id }, 'unreadable settlement file quarantined');
    return {
      settlementFileId: row!.id,
      fileName: p.fileName,
      sha256: p.sha256,
      duplicate: false,
      state: 'quarantined',
      note: `unreadable: ${p.reason}`,
      repeatOf: null,
      format: 'unreadable',
      messageId: null,
      originalMessageId: null,
      records: 0,
      ...NOTHING,
      exceptions: 1,
      cycles: [],
    };
  });
}

async function loadAndApply(
  db: Db,
  p: ReconcileParams,
  run: Run,
  f: { fileName: string; sha256: string },
  turn?: Turn,
): Promise<{ result: ReconcileResult; touched: number[] }> {
  const { fileName, sha256 } = f;
  const sniffed = await sniffFormat(p.path);
  const format = settlementFormat(sniffed);
  const started = Date.now();
  const timings: Record<string, number> = {};

  let touchedIds: number[] = [];
  const result = await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await lockFile(tx, sha256);
    if (!turn) await tx.execute(sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK})`);
    // The working sets of a 50,000-line file (the lines moved, their events) then stay in
    // memory instead of spilling to temporary files; for this transaction only.
    await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
    // Plans here are cheap and run once; compiling them would cost more than it saves.
    await tx.execute(sql`SET LOCAL jit = off`);
    // A file's records are probed one line at a time. Without statistics on the records of
    // earlier files (a first cycle, or before autovacuum's analysis) the planner expects hundreds
    // of records a line and plans each probe as a bitmap scan, half again as dear as an index scan.
    await tx.execute(sql`SET LOCAL enable_bitmapscan = off`);
    const raced = await findSettlementFile(tx, sha256);
    if (raced) return duplicateResult(raced, fileName);

    let mark = Date.now();
    const lap = (stage: string) => {
      timings[`${stage}_ms`] = Date.now() - mark;
      mark = Date.now();
    };
    const args = { path: p.path, sha256, loadedBy: p.loadedBy };
    const loaded = isStatusReport(format)
      ? await loadFile(tx, { ...args, format })
      : await loadCamtFile(tx, args);
    const file: FileScope = loaded;
    lap('load');
    if (turn) {
      await turn.ready;
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK})`);
      turn.read();
      lap('wait');
    }
    const base = {
      settlementFileId: file.fileId,
      fileName,
      sha256,
      duplicate: false,
      format,
      messageId: loaded.header.messageId,
      originalMessageId:
        'originalMessageId' in loaded.header ? loaded.header.originalMessageId : null,
      records: loaded.records,
    };
    const setAside = async (
      state: 'repeat' | 'quarantined',
      note: string,
      extra: { repeatOf?: { id: number; file_name: string }; exceptions: number },
    ): Promise<ReconcileResult> => {
      await tx
        .update(settlementFiles)
        .set({ state, note, repeatOf: extra.repeatOf?.id ?? null })
        .where(eq(settlementFiles.id, file.fileId));
      const out: ReconcileResult = {
        ...base,
        state,
        note,
        repeatOf: extra.repeatOf?.file_name ?? null,
        ...NOTHING,
        exceptions: extra.exceptions,
        cycles: [],
      };
      const { cycles: _, ...summary } = out;
      await appendAudit(tx, {
        actor: p.loadedBy,
        action: 'settlement.load',
        entity: 'settlement_file',
        entityId: file.fileId,
        detail: { ...summary, cycleIds: [] },
      });
      return out;
    };

    // A message already loaded, sent again with other bytes: the news is not applied twice.
    const earlier = await findEarlierMessage(tx, {
      fileId: file.fileId,
      format,
      messageId: loaded.header.messageId,
    });
    if (earlier) {
      const kept = await keepRepeat(tx, {
        file,
        earlier,
        messageId: loaded.header.messageId,
        records: loaded.records,
      });
      return setAside('repeat', kept.note, { repeatOf: earlier, exceptions: kept.exceptions });
    }
    if ('originalMessageId' in loaded.header) {
      const foreign = await foreignReport(tx, loaded.header);
      if (foreign) {
        await quarantineReport(tx, { file, ...foreign });
        return setAside('quarantined', foreign.reason, { exceptions: 1 });
      }
    }

    if (!isStatusReport(format)) {
      await fallbackMatch(tx, {
        file,
        toleranceDays: p.valueDateToleranceDays ?? DEFAULT_VALUE_DATE_TOLERANCE_DAYS,
      });
    }
    await markRepeats(tx, { file, format });
    await createAssignments(tx);
    // A statement may book a payment and return it in the same file: bookings are applied
    // first, returns after, so the line goes pending -> paid -> returned.
    const passes = isStatusReport(format)
      ? [undefined]
      : [sql`r.status <> 'RTRN'`, sql`r.status = 'RTRN'`];
    const applied: Applied = { paid: 0, failed: 0, returned: 0, pending: 0 };
    const touched: number[] = [];
    let notSent = 0;
    for (const where of passes) {
      await assignRecords(tx, { file, where });
      notSent += await refuseUnsent(tx, {
        file,
        ranges: run.ranges,
        answers: 'originalMessageId' in loaded.header ? loaded.header.originalMessageId : undefined,
      });
      if (loaded.header && 'originalMessageId' in loaded.header) {
        await assignStatusBlocks(tx, {
          file,
          originalMessageId: loaded.header.originalMessageId,
          ranges: run.ranges,
        });
      }
      lap('match');
      const a = await applyAssignments(tx, { loadedBy: p.loadedBy });
      for (const k of Object.keys(applied) as (keyof Applied)[]) applied[k] += a[k];
      const cycleIds = await rows<{ cycle_id: number }>(
        tx,
        sql`SELECT DISTINCT cycle_id FROM recon_assign`,
      );
      touched.push(...cycleIds.map((c) => c.cycle_id));
      await tx.execute(sql`TRUNCATE recon_assign`);
      lap('apply');
    }
    const counts = await fileCounts(tx, file);
    touchedIds = [...new Set(touched)].sort((a, b) => a - b);
    const cycles = run.deferClose ? [] : await refreshCycles(tx, touchedIds);
    lap('close');

    const out: ReconcileResult = {
      ...base,
      state: 'loaded',
      note: null,
      repeatOf: null,
      ...counts,
      notSent,
      ...applied,
      cycles,
    };
    const { cycles: _, ...summary } = out;
    await appendAudit(tx, {
      actor: p.loadedBy,
      action: 'settlement.load',
      entity: 'settlement_file',
      entityId: file.fileId,
      detail: { ...summary, cycleIds: touchedIds },
    });
    return out;
  });

  if (!result.duplicate && result.state === 'loaded') {
    const { settlementFileId, records, matched, paid, failed, returned, pending, exceptions } =
      result;
    log.info(
      {
        settlementFileId,
        format,
        records,
        matched,
        paid,
        failed,
        returned,
        pending,
        exceptions,
        duration_ms: Date.now() - started,
        ...timings,
      },
      'settlement file reconciled',
    );
  }
  return { result, touched: result.state === 'loaded' && !result.duplicate ? touchedIds : [] };
}

async function fileCounts(tx: Db, file: FileScope) {
  const [c] = await rows<{
    matched: number;
    unknown: number;
    ambiguous: number;
    conflicts: number;
    exceptions: number;
  }>(
    tx,
    sql`SELECT
          (SELECT count(*)::int FROM settlement_records r
            WHERE ${inFile(file)} AND r.outcome IN ('matched', 'confirmed')) AS matched,
          count(*) FILTER (WHERE e.kind = 'unknown_reference' AND r.outcome <> 'not_sent')::int
            AS unknown,
          count(*) FILTER (WHERE e.kind = 'ambiguous_match')::int AS ambiguous,
          count(*) FILTER (WHERE e.kind = 'conflicting_status')::int AS conflicts,
          count(*)::int AS exceptions
        FROM exceptions e JOIN settlement_records r ON r.id = e.settlement_record_id
        WHERE e.settlement_record_id BETWEEN ${file.firstId} AND ${file.lastId}
          AND ${inFile(file)}`,
  );
  return c ?? { matched: 0, unknown: 0, ambiguous: 0, conflicts: 0, exceptions: 0 };
}

/**
 * Reconciles every *.xml and *.csv file of a folder in name order. An unreadable file is
 * quarantined and the run goes on with the next.
 */
export async function reconcileDirectory(
  db: Db,
  p: { dir: string } & Omit<ReconcileParams, 'path'>,
): Promise<ReconcileResult[]> {
  const entries = await readdir(p.dir, { withFileTypes: true }).catch(() => {
    throw new SikaError('FILE_NOT_FOUND', `${p.dir}: no such folder`, { path: p.dir });
  });
  const names = entries
    .filter((e) => e.isFile() && /\.(xml|csv)$/i.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // The control equation and status of a cycle are read from all its lines: once per run, not
  // once per file. Each file's transaction only moves statuses, which the sealed amounts of a
  // cycle's lines cannot leave unbalanced, so the check at the end covers every file before it.
  const run: Run = { ranges: new Map(), deferClose: true };
  const settled = await Promise.allSettled(await startFiles(db, p, names, run));
  const done: { result: ReconcileResult; touched: number[] }[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') {
      done.push(s.value);
      continue;
    }
    // The files reconciled before the one that failed are committed: their cycles still close.
    await closeRun(db, done).catch((closeErr: unknown) =>
      log.error({ err: closeErr }, 'cycles not brought up to date after a failed file'),
    );
    throw s.reason;
  }
  await closeRun(db, done);
  return done.map((d) => d.result);
}

/**
 * Starts the files of a folder in name order and stops starting them after one fails. PGlite (one
 * connection) reconciles each file before the next begins; on PostgreSQL the next file begins
 * when this one's records are written (see Turn), so at most two are in hand.
 */
async function startFiles(
  db: Db,
  p: { dir: string } & Omit<ReconcileParams, 'path'>,
  names: string[],
  run: Run,
): Promise<Promise<{ result: ReconcileResult; touched: number[] }>[]> {
  const overlap = !singleConnection(db);
  const started: Promise<{ result: ReconcileResult; touched: number[] }>[] = [];
  let failed = false;
  let before: Promise<unknown> = Promise.resolve();
  let ahead: Promise<Prepared> | undefined;
  const paramsOf = (name: string) => ({ ...p, path: join(p.dir, name) });
  const prepare = (name: string) => {
    const prepared = prepareFile(db, paramsOf(name));
    // Awaited by the file's own run; one never run (an earlier file failed) must not go unhandled.
    prepared.catch(() => undefined);
    return prepared;
  };
  for (const [i, name] of names.entries()) {
    if (failed) break;
    const params = paramsOf(name);
    if (!overlap) {
      const one = reconcileOne(db, params, run);
      started.push(one);
      await one.catch(() => (failed = true));
      continue;
    }
    let read!: () => void;
    const readDone = new Promise<void>((resolve) => (read = resolve));
    const ready = before.then(
      () => undefined,
      () => {
        throw new RunStopped('an earlier file of the run failed');
      },
    );
    // Handled where it is awaited; a file that never gets that far must not leave it unhandled.
    ready.catch(() => undefined);
    const one = reconcileOne(db, params, run, { ready, read }, ahead ?? prepare(name));
    // The next file is hashed and archived while this one is read.
    const next = names[i + 1];
    ahead = next === undefined ? undefined : prepare(next);
    one.then(read, () => {
      failed = true;
      read();
    });
    started.push(one);
    before = one;
    await readDone;
  }
  return started;
}
/** Checks and updates, in one transaction, the cycles a run's files touched. */
async function closeRun(
  db: Db,
  done: { result: ReconcileResult; touched: number[] }[],
): Promise<void> {
  const touched = done.flatMap((d) => d.touched);
  if (touched.length === 0) return;
  const cycles = await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK})`);
    await tx.execute(sql`SET LOCAL jit = off`);
    return refreshCycles(tx, touched);
  });
  for (const d of done) d.result.cycles = cycles.filter((c) => d.touched.includes(c.cycleId));
}
