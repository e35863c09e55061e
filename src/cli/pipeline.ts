import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { controlTotals, LINE_STATUSES } from '../../reconciliation/control-equation.js';
import { reconcileDirectory } from '../../reconciliation/index.js';
import { writeReport, REPORT_KINDS } from '../../reports/index.js';
import type { Db } from '../db/open.js';
import { importDirectory } from '../enrolment/index.js';
import { respondToOutbox, submitCycle } from '../ghipss/index.js';
import {
  approveCycle,
  buildLeapCycle,
  buildLipwPayroll,
  type BuildResult,
} from '../payroll/index.js';
import { generateSample } from '../sample/generate.js';
import { progress, step } from './progress.js';

/** Who does what in the demo: a builder, a different approver, a finance officer. */
export const DEMO_ACTORS = {
  officer: 'akosua.mensah',
  approver: 'kwame.boateng',
  finance: 'efua.owusu',
} as const;

export interface PipelineOptions {
  seed: number;
  households: number;
  workers: number;
  leapCycle: number;
  lipwPeriod: { start: string; end: string };
  dataDir: string;
  outDir: string;
  /** Where every imported and reconciled file is kept by its SHA-256. */
  archiveDir: string;
  /** Signs the payment file manifests; the demo uses a key of its own when none is set. */
  manifestKey?: string;
}

export interface CycleSummary {
  cycle_id: number;
  programme: string;
  period_key: string;
  status: string;
  seal_sha256: string | null;
  sealed_total: string;
  paid: string;
  failed: string;
  returned: string;
  pending: string;
  unconfirmed: string;
  control_equation_holds: boolean;
  line_counts: Record<string, number>;
  /** Left out of the cycle (exited, suspended) or held back (withheld), by reason. */
  not_paid: {
    excluded: number;
    withheld: number;
    by_reason: Record<string, { count: number; amount: string }>;
  };
}

export interface PipelineSummary {
  seed: number;
  households: number;
  workers: number;
  imports: { kind: string; rows: number; accepted: number; rejected: number }[];
  cycles: CycleSummary[];
  payment_files: string[];
  response_files: string[];
  reports: string[];
}

/**
 * The whole path, as a user would walk it: sample CSV files, import, build LEAP and LIPW,
 * approve by a second person, payment files, the GhIPSS stand-in's answer, reconciliation,
 * reports. Writes summary.json into outDir.
 */
export async function runPipeline(db: Db, o: PipelineOptions): Promise<PipelineSummary> {
  const sampleDir = join(o.dataDir, 'sample');
  const outbox = join(o.outDir, 'outbox');
  const inbox = join(o.outDir, 'inbox');
  const reportDir = join(o.outDir, 'reports');

  await step('generating sample CSV files', async () => {
    const bar = progress('households', o.households);
    await generateSample({
      seed: o.seed,
      households: o.households,
      workers: o.workers,
      dir: sampleDir,
      lipwPeriod: o.lipwPeriod,
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
  });

  const imports = await step('importing the CSV files', () =>
    importDirectory(db, {
      dir: sampleDir,
      loadedBy: DEMO_ACTORS.officer,
      rejectsDir: join(o.outDir, 'rejects'),
      archiveDir: o.archiveDir,
    }),
  );

  const builds: BuildResult[] = await step('building LEAP cycle and LIPW payroll', async () => [
    await buildLeapCycle(db, { cycleNumber: o.leapCycle, builtBy: DEMO_ACTORS.officer }),
    await buildLipwPayroll(db, {
      periodStart: o.lipwPeriod.start,
      periodEnd: o.lipwPeriod.end,
      builtBy: DEMO_ACTORS.officer,
    }),
  ]);

  const paymentFiles: string[] = [];
  await step('approving, sealing and writing payment files', async () => {
    for (const b of builds) {
      await approveCycle(db, { cycleId: b.cycleId, approver: DEMO_ACTORS.approver });
      const submitted = await submitCycle(db, {
        cycleId: b.cycleId,
        submittedBy: DEMO_ACTORS.finance,
        outbox,
        manifestKey: o.manifestKey,
      });
      paymentFiles.push(...submitted.files.map((f) => f.path));
    }
  });

  const answered = await step('GhIPSS stand-in answering', () =>
    respondToOutbox({ outbox, inbox, seed: o.seed }),
  );

  await step('reconciling the status reports', () =>
    reconcileDirectory(db, { dir: inbox, loadedBy: DEMO_ACTORS.finance, archiveDir: o.archiveDir }),
  );

  const reports: string[] = [];
  await step('writing reports', async () => {
    for (const b of builds) {
      for (const kind of REPORT_KINDS) {
        for (const format of ['pdf', 'xlsx'] as const) {
          const r = await writeReport(db, {
            kind,
            cycleId: b.cycleId,
            format,
            outDir: reportDir,
            generatedBy: DEMO_ACTORS.finance,
          });
          reports.push(r.path);
        }
      }
    }
  });

  const cycles: CycleSummary[] = [];
  for (const b of builds) cycles.push(await summariseCycle(db, b));

  const summary: PipelineSummary = {
    seed: o.seed,
    households: o.households,
    workers: o.workers,
    imports: imports.map((i) => ({
      kind: i.kind,
      rows: i.rowsTotal,
      accepted: i.accepted,
      rejected: i.rejected,
    })),
    cycles,
    payment_files: paymentFiles,
    response_files: answered.answered.map((a) => join(inbox, a.response)),
    reports,
  };
  await mkdir(o.outDir, { recursive: true });
  await writeFile(join(o.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

export async function summariseCycle(db: Db, build: BuildResult): Promise<CycleSummary> {
  const cycleId = build.cycleId;
  const t = await controlTotals(db, cycleId);
  const cycle = await db.query.cycles.findFirst({ where: (c, { eq }) => eq(c.id, cycleId) });
  if (!cycle) throw new Error(`cycle ${cycleId} vanished`);
  return {
    cycle_id: cycleId,
    programme: cycle.programme,
    period_key: cycle.periodKey,
    status: cycle.status,
    seal_sha256: cycle.sealSha256,
    sealed_total: t.sealedTotal.toFixed(2),
    paid: t.byStatus.paid.amount.toFixed(2),
    failed: t.byStatus.failed.amount.toFixed(2),
    returned: t.byStatus.returned.amount.toFixed(2),
    pending: t.byStatus.pending.amount.toFixed(2),
    unconfirmed: t.byStatus.unconfirmed.amount.toFixed(2),
    control_equation_holds: t.holds,
    line_counts: {
      total: t.lineCount,
      ...Object.fromEntries(LINE_STATUSES.map((s) => [s, t.byStatus[s].lines])),
    },
    not_paid: {
      excluded: build.excluded,
      withheld: build.withheld,
      by_reason: Object.fromEntries(
        Object.entries(build.byReason).map(([reason, v]) => [
          reason,
          { count: v.households, amount: v.amount.toFixed(2) },
        ]),
      ),
    },
  };
}
