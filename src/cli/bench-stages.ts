import { join } from 'node:path';
import { reconcileDirectory } from '../../reconciliation/index.js';
import {
  writeReport,
  REPORT_KINDS,
  type ReportFormat,
  type ReportKind,
} from '../../reports/index.js';
import type { Db } from '../db/open.js';
import { importDirectory } from '../enrolment/index.js';
import { respondToOutbox, submitCycle } from '../ghipss/index.js';
import { approveCycle, buildLeapCycle } from '../payroll/index.js';
import { fillSynthetic } from './bench-synthetic.js';
import { DEMO_ACTORS, runPipeline } from './pipeline.js';

export const BENCH_STAGES = ['import', 'build', 'files', 'reconcile', 'reports', 'all'] as const;
export type BenchStage = (typeof BENCH_STAGES)[number];
const ORDER: BenchStage[] = ['import', 'build', 'files', 'reconcile', 'reports'];

export const BENCH_CYCLE = 106;
export const BENCH_PERIOD = { start: '2026-11-02', end: '2026-11-15' };

export const REPORT_FORMATS: readonly ReportFormat[] = ['pdf', 'xlsx'];

/** Which reports the "reports" stage writes (default: every kind in both formats). */
export interface ReportSelection {
  kinds?: readonly ReportKind[];
  formats?: readonly ReportFormat[];
}

export interface BenchPaths {
  sampleDir: string;
  outDir: string;
}

/** Runs one stage on a database that holds the result of every stage before it; returns rows. */
export async function runStage(
  db: Db,
  stage: BenchStage,
  p: BenchPaths,
  households: number,
  reports?: ReportSelection,
): Promise<number> {
  const outbox = join(p.outDir, 'outbox');
  const inbox = join(p.outDir, 'inbox');
  switch (stage) {
    case 'import': {
      const results = await importDirectory(db, {
        dir: p.sampleDir,
        loadedBy: DEMO_ACTORS.officer,
        archiveDir: join(p.outDir, 'archive'),
      });
      return results.reduce((n, r) => n + r.rowsTotal, 0);
    }
    case 'build': {
      const r = await buildLeapCycle(db, {
        cycleNumber: BENCH_CYCLE,
        builtBy: DEMO_ACTORS.officer,
      });
      return r.lines;
    }
    case 'files': {
      const cycleId = await leapCycleId(db);
      const r = await submitCycle(db, { cycleId, submittedBy: DEMO_ACTORS.finance, outbox });
      return r.files.reduce((n, f) => n + f.txCount, 0);
    }
    case 'reconcile': {
      const results = await reconcileDirectory(db, {
        dir: inbox,
        loadedBy: DEMO_ACTORS.finance,
        archiveDir: join(p.outDir, 'archive'),
      });
      return results.reduce((n, r) => n + r.records, 0);
    }
    case 'reports': {
      const cycleId = await leapCycleId(db);
      let rows = 0;
      for (const kind of reports?.kinds ?? REPORT_KINDS) {
        for (const format of reports?.formats ?? REPORT_FORMATS) {
          const r = await writeReport(db, {
            kind,
            cycleId,
            format,
            outDir: join(p.outDir, 'reports'),
            generatedBy: DEMO_ACTORS.finance,
          });
          rows += r.rows;
        }
      }
      return rows;
    }
    case 'all': {
      const s = await runPipeline(db, {
        seed: 2026,
        households,
        workers: Math.max(1, Math.round(households / 20)),
        leapCycle: BENCH_CYCLE,
        lipwPeriod: BENCH_PERIOD,
        dataDir: join(p.outDir, 'data'),
        outDir: p.outDir,
        archiveDir: join(p.outDir, 'archive'),
      });
      return s.cycles.reduce((n, c) => n + (c.line_counts.total ?? 0), 0);
    }
  }
}

/**
 * Brings the database to the point where `stage` can run, untimed: the stages before it; with
 * `synthetic`, enrolment is filled in SQL instead of imported from the generated sample.
 */
export async function prepareFor(
  db: Db,
  stage: BenchStage,
  p: BenchPaths,
  households: number,
  synthetic = false,
): Promise<void> {
  if (stage === 'all') return;
  for (const before of ORDER.slice(0, ORDER.indexOf(stage))) {
    if (before === 'import' && synthetic) await fillSynthetic(db, households);
    else await runStage(db, before, p, households);
    if (before === 'build') {
      await approveCycle(db, { cycleId: await leapCycleId(db), approver: DEMO_ACTORS.approver });
    }
    if (before === 'files') {
      await respondToOutbox({
        outbox: join(p.outDir, 'outbox'),
        inbox: join(p.outDir, 'inbox'),
        seed: 2026,
      });
    }
  }
}

async function leapCycleId(db: Db): Promise<number> {
  const c = await db.query.cycles.findFirst({
    where: (c, { and, eq }) => and(eq(c.programme, 'LEAP'), eq(c.periodKey, String(BENCH_CYCLE))),
  });
  if (!c) throw new Error('the bench LEAP cycle has not been built');
  return c.id;
}
