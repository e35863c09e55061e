import { basename } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { loadConfig } from '../config.js';
import { rows, type Db } from '../db/open.js';
import { importFiles } from '../db/schema.js';
import { SikaError } from '../errors.js';
import { archiveFile } from '../file-archive.js';
import { logger } from '../logger.js';
import { requireRole } from '../users/roles.js';
import { claimFile } from './file-claim.js';
import { loadRows } from './load-rows.js';
import { writeRejectsFile } from './rejects-file.js';
import { RULES } from './rules/index.js';
import { inspectSource } from './source.js';
import { formatImportSummary } from './summary.js';
import type { DayRange, ImportKind, ImportResult, RuleEnv } from './types.js';

const log = logger('enrolment');

/** Longest cell accepted by default: far above any real name or community, far below a megabyte. */
export const DEFAULT_MAX_FIELD_LENGTH = 1_000;
/** LIPW days a worker may work in one season by default. */
export const DEFAULT_SEASON_DAY_CAP = 90;

export interface ImportFileParams {
  kind: ImportKind;
  /** A CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX file (first worksheet). */
  path: string;
  loadedBy: string;
  onProgress?: (rows: number) => void;
  /** The e-zwich card rule; default: the configured ezwichPattern. */
  ezwichPattern?: string;
  /** Today for the DATE_IN_FUTURE and age rules, YYYY-MM-DD; default: today (UTC). */
  asOf?: string;
  /** Folder for the rejects file (NAME.import-ID-TIME.rejects.csv or .xlsx); default: none. */
  rejectsDir?: string;
  /** Folder of content-addressed copies of every file stored (imports/); default: none. */
  archiveDir?: string;
  /** Longest value of a cell (FIELD_TOO_LONG); default 1,000 characters. */
  maxFieldLength?: number;
  /** LIPW pay period: attendance outside it is rejected (OUTSIDE_PAY_PERIOD); default: none. */
  payPeriod?: DayRange;
  /** LIPW season for the day cap; default: each calendar year. */
  season?: DayRange;
  /** LIPW days per worker per season before a SEASON_DAY_CAP finding; default 90. */
  seasonDayCap?: number;
}

/** Turns params into the settings of the row checks; configuration is read here, once. */
export function ruleEnv(p: Omit<ImportFileParams, 'kind' | 'path' | 'loadedBy'>): RuleEnv {
  return {
    ezwich: new RegExp(p.ezwichPattern ?? loadConfig().ezwichPattern),
    asOf: p.asOf ?? new Date().toISOString().slice(0, 10),
    maxFieldLength: p.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH,
    payPeriod: p.payPeriod ?? null,
    season: p.season ?? null,
    seasonDayCap: p.seasonDayCap ?? DEFAULT_SEASON_DAY_CAP,
  };
}

function checkHeader(kind: ImportKind, fileName: string, header: string[], dataRows: number) {
  const missing = RULES[kind].required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new SikaError('BAD_INPUT_FILE', `${fileName}: missing columns ${missing.join(', ')}`, {
      missing,
    });
  }
  const twice = header.filter((c, i) => c !== '' && header.indexOf(c) !== i);
  if (twice.length > 0) {
    throw new SikaError('BAD_INPUT_FILE', `${fileName}: columns named twice: ${twice.join(', ')}`);
  }
  if (dataRows === 0)
    throw new SikaError('BAD_INPUT_FILE', `${fileName}: has a header but no rows`);
}

async function countFindings(db: Db, fileId: number): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM import_findings WHERE import_file_id = ${fileId}`,
  );
  return r!.n;
}

/** Enrolment and attendance come in through the payroll officers. */
const LOADER_ROLES = ['payroll_officer', 'administrator'] as const;

/**
 * Loads one CSV or XLSX file: checks every row, upserts the good ones by natural key in batches
 * and quarantines the others with every reason, then records findings across records. The same
 * content loaded again changes nothing (its rejects file can still be written).
 */
export async function importFile(db: Db, p: ImportFileParams): Promise<ImportResult> {
  await requireRole(db, p.loadedBy, LOADER_ROLES, 'load enrolment or attendance files');
  const env = ruleEnv(p);
  const rules = RULES[p.kind];
  const started = Date.now();
  const fileName = basename(p.path);
  const source = await inspectSource(p.path);
  checkHeader(p.kind, fileName, source.header, source.dataRows);

  const base = {
    kind: p.kind,
    fileName,
    sha256: source.sha256,
    format: source.format,
    encoding: source.encoding,
  };
  // Before the import_files row, so no row lacks its bytes.
  if (p.archiveDir) {
    await archiveFile({
      archiveDir: p.archiveDir,
      kind: 'imports',
      path: p.path,
      sha256: source.sha256,
    });
  }
  const claim = await claimFile(db, { ...base, loadedBy: p.loadedBy });
  const fileId = claim.done ? claim.result.fileId : claim.fileId;
  const rejectsFile = async () =>
    p.rejectsDir
      ? writeRejectsFile(db, { fileId, source, rejectsDir: p.rejectsDir, fileName })
      : null;
  if (claim.done) {
    return {
      ...claim.result,
      ...base,
      findings: await countFindings(db, fileId),
      alreadyLoaded: true,
      rejectsFile: await rejectsFile(),
    };
  }

  const counts = await loadRows(db, {
    fileId,
    source,
    rules,
    ctx: await rules.prepare(db, env),
    env,
    onProgress: p.onProgress,
  });
  if (rules.afterLoad) await rules.afterLoad(db, fileId, env);
  const findings = await countFindings(db, fileId);

  const totals = {
    rows: counts.rows,
    accepted: counts.accepted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    rejected: counts.rejected,
  };
  await db.transaction(async (tx) => {
    await tx
      .update(importFiles)
      .set({
        rowsTotal: totals.rows,
        accepted: totals.accepted,
        updated: totals.updated,
        unchanged: totals.unchanged,
        rejected: totals.rejected,
      })
      .where(eq(importFiles.id, fileId));
    await appendAudit(tx, {
      actor: p.loadedBy,
      action: 'import.file',
      entity: 'import_file',
      entityId: fileId,
      detail: { kind: p.kind, ...totals, findings },
    });
  });
  const result: ImportResult = {
    ...base,
    fileId,
    rowsTotal: totals.rows,
    accepted: totals.accepted,
    updated: totals.updated,
    unchanged: totals.unchanged,
    rejected: totals.rejected,
    findings,
    alreadyLoaded: false,
    loadedBefore: null,
    rejects: counts.shown,
    rejectsFile: await rejectsFile(),
  };
  log.info(
    {
      fileId,
      kind: p.kind,
      format: source.format,
      encoding: source.encoding,
      ...totals,
      findings,
      duration_ms: Date.now() - started,
    },
    'file imported',
  );
  return result;
}
