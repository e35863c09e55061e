import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { formatCedi, money } from '../money.js';
import { withDatabase } from './context.js';
import { positiveInt } from './options.js';
import { runPipeline, type PipelineSummary } from './pipeline.js';
import { DEFAULT_LIPW_PERIOD } from './sample-command.js';

/** Not a secret: it only lets the demo show signed manifests when SIKA_MANIFEST_KEY is unset. */
const DEMO_MANIFEST_KEY = 'sika-demo-manifest-key (not a secret)';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run a whole LEAP and LIPW cycle on a fresh embedded database: sample data, import, build, ' +
        'approve, payment files, GhIPSS answer, reconciliation, reports; outputs under ./out',
    )
    .option(
      '--households <n>',
      'LEAP households in the sample',
      positiveInt('--households'),
      20_000,
    )
    .option('--workers <n>', 'LIPW workers in the sample', positiveInt('--workers'), 1_000)
    .option('--seed <n>', 'sample and GhIPSS stand-in seed', positiveInt('--seed'), 2026)
    .option('--cycle <n>', 'LEAP cycle number', positiveInt('--cycle'), 106)
    .action(async (o: { households: number; workers: number; seed: number; cycle: number }) => {
      const config = loadConfig();
      // The demo always starts from nothing, in a database folder of its own, so running it
      // twice gives the same result and never touches the working database in SIKA_DB_DIR.
      const dbDir = join(config.dataDir, '..', 'demo-db');
      await rm(dbDir, { recursive: true, force: true });
      for (const dir of ['outbox', 'inbox', 'reports', 'rejects', 'summary.json']) {
        await rm(join(config.outDir, dir), { recursive: true, force: true });
      }
      await rm(join(config.dataDir, 'sample'), { recursive: true, force: true });

      const started = Date.now();
      const summary = await withDatabase(
        ({ database }) =>
          runPipeline(database.db, {
            seed: o.seed,
            households: o.households,
            workers: o.workers,
            leapCycle: o.cycle,
            lipwPeriod: DEFAULT_LIPW_PERIOD,
            dataDir: config.dataDir,
            outDir: config.outDir,
            archiveDir: config.archiveDir,
            manifestKey: config.manifestKey ?? DEMO_MANIFEST_KEY,
          }),
        { databaseUrl: undefined, dbDir },
      );
      printSummary(summary, config.outDir, dbDir, (Date.now() - started) / 1000);
    });
}

function printSummary(s: PipelineSummary, outDir: string, dbDir: string, seconds: number): void {
  const out = process.stdout;
  out.write(`\nSika demo finished in ${seconds.toFixed(0)} s\n\n`);
  for (const i of s.imports) {
    out.write(
      `  import ${i.kind.padEnd(12)} ${String(i.accepted).padStart(8)} accepted ${String(i.rejected).padStart(5)} rejected\n`,
    );
  }
  out.write('\n');
  for (const c of s.cycles) {
    const label = c.programme === 'LEAP' ? `LEAP cycle ${c.period_key}` : `LIPW ${c.period_key}`;
    out.write(`  ${label} (cycle id ${c.cycle_id}, ${c.status}), ${c.line_counts.total} lines\n`);
    for (const k of [
      'sealed_total',
      'paid',
      'failed',
      'returned',
      'pending',
      'unconfirmed',
    ] as const) {
      const lines = k === 'sealed_total' ? c.line_counts.total : c.line_counts[k];
      out.write(
        `    ${k.padEnd(13)} ${formatCedi(money(c[k])).padStart(20)} ${String(lines).padStart(8)} lines\n`,
      );
    }
    out.write(
      `    control equation ${c.control_equation_holds ? 'holds to the pesewa' : 'DOES NOT HOLD'}\n`,
    );
    const reasons = Object.entries(c.not_paid.by_reason)
      .map(([reason, v]) => `${reason} ${v.count}`)
      .join(', ');
    out.write(
      `    not paid: ${c.not_paid.excluded} excluded, ${c.not_paid.withheld} withheld` +
        `${reasons ? ` (${reasons})` : ''}\n`,
    );
    out.write(`    seal ${c.seal_sha256}\n\n`);
  }
  out.write(`  payment files: ${s.payment_files.length} in ${join(outDir, 'outbox')}\n`);
  out.write(`  status reports: ${s.response_files.length} in ${join(outDir, 'inbox')}\n`);
  out.write(`  reports: ${s.reports.length} in ${join(outDir, 'reports')}\n`);
  out.write(`  rejected input rows: ${join(outDir, 'rejects')}\n`);
  out.write(`  summary: ${join(outDir, 'summary.json')}\n`);
  out.write(`  database: ${dbDir} (explore it: SIKA_DB_DIR=${dbDir} npm run sika -- cycle list)\n`);
}
