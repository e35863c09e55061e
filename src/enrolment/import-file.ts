import { basename } from 'node:path';
import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { loadConfig } from '../config.js';
import type { Db } from '../db/open.js';
import { importFiles } from '../db/schema.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { inspectCsv } from './csv-source.js';
import { claimFile } from './file-claim.js';
import { loadRows } from './load-rows.js';
import { RULES } from './rules/index.js';
import type { ImportKind, ImportResult, RuleEnv } from './types.js';

const log = logger('enrolment');

export interface ImportFileParams {
  kind: ImportKind;
  path: string;
  loadedBy: string;
  onProgress?: (rows: number) => void;
  /** The e-zwich card rule; default: the configured ezwichPattern. */
  ezwichPattern?: string;
  /** Today for the DATE_IN_FUTURE rule, YYYY-MM-DD; default: today (UTC). */
  asOf?: string;
}

/** Turns params into the settings of the row checks; configuration is read here, once. */
export function ruleEnv(p: { ezwichPattern?: string; asOf?: string }): RuleEnv {
  return {
    ezwich: new RegExp(p.ezwichPattern ?? loadConfig().ezwichPattern),
    asOf: p.asOf ?? new Date().toISOString().slice(0, 10),
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

/**
 * Loads one CSV file: checks every row, upserts the good ones by natural key in batches and
 * quarantines the others with every reason. The same content loaded again changes nothing.
 */
export async function importFile(db: Db, p: ImportFileParams): Promise<ImportResult> {
  const env = ruleEnv(p);
  const rules = RULES[p.kind];
  const started = Date.now();
  const fileName = basename(p.path);
  const file = await inspectCsv(p.path);
  checkHeader(p.kind, fileName, file.header, file.dataRows);

  const base = { kind: p.kind, fileName, sha256: file.sha256 };
  const claim = await claimFile(db, { ...base, loadedBy: p.loadedBy });
  if (claim.done) return { ...claim.result, ...base, alreadyLoaded: true };
  const fileId = claim.fileId;

  const counts = await loadRows(db, {
    fileId,
    path: p.path,
    sha256: file.sha256,
    header: file.header,
    rules,
    ctx: await rules.prepare(db, env),
    env,
    onProgress: p.onProgress,
  });

  const totals = { rows: counts.rows, accepted: counts.accepted, rejected: counts.rejected };
  await db.transaction(async (tx) => {
    await tx
      .update(importFiles)
      .set({ rowsTotal: totals.rows, accepted: totals.accepted, rejected: totals.rejected })
      .where(eq(importFiles.id, fileId));
    await appendAudit(tx, {
      actor: p.loadedBy,
      action: 'import.file',
      entity: 'import_file',
      entityId: fileId,
      detail: { kind: p.kind, ...totals },
    });
  });
  log.info({ fileId, kind: p.kind, ...totals, duration_ms: Date.now() - started }, 'file imported');
  return {
    ...base,
    fileId,
    rowsTotal: totals.rows,
    accepted: totals.accepted,
    rejected: totals.rejected,
    alreadyLoaded: false,
    rejects: counts.shown,
  };
}
