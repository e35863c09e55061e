import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { SikaError } from '../errors.js';
import { initLogger } from '../logger.js';
import { seedReferenceData } from '../reference/seed.js';
import { generateSample } from '../sample/generate.js';
import {
  BENCH_PERIOD,
  BENCH_STAGES,
  prepareFor,
  runStage,
  type BenchStage,
} from './bench-stages.js';
import type { ReportFormat } from '../../reports/index.js';
import { measureReports, reportKindsOption } from './bench-reports.js';
import { positiveInt } from './options.js';
import { progress, step } from './progress.js';

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
/** A database of its own per run, so two benchmarks at once never drop each other's data. */
const BENCH_DB = `sika_bench_${process.pid}`;

function benchUrl(serverUrl: string, dbName = BENCH_DB): string {
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}

/**
 * Figures come from a child process that runs only the measured stage, so peak_rss_mb is the
 * stage's own and not inflated by generating or loading the data it needs.
 */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'measure one stage on PostgreSQL (DATABASE_URL, else the local server) on generated data; ' +
        'ends with one JSON line: stage, rows, seconds, rows_per_s, peak_rss_mb',
    )
    .argument('<stage>', `one of ${BENCH_STAGES.join(', ')}`)
    .option('--households <n>', 'LEAP households', positiveInt('--households'), 20_000)
    .option(
      '--kind <kind>',
      'reports stage only: measure this report kind (default: every kind); the register is ' +
        'measured per format in processes of its own',
    )
    .option(
      '--synthetic',
      'build stage only: fill the enrolment tables directly in SQL with the shape of the ' +
        'generated sample (sizes, categories, problem rates; placeholder names and numbers) ' +
        'instead of generating and importing CSV, to measure builds of millions of households',
    )
    .addOption(
      new Option(
        '--prepare-only <name>',
        'prepare the database for STAGE under this name, keep it and its files, and print the ' +
          'bench-stage command that measures STAGE on a copy of it',
      ).hideHelp(),
    )
    .action(
      async (
        stage: string,
        o: { households: number; kind?: string; synthetic?: boolean; prepareOnly?: string },
      ) => {
        if (o.synthetic && stage !== 'build') {
          throw new SikaError('USAGE', '--synthetic applies only to the build stage');
        }
        if (!(BENCH_STAGES as readonly string[]).includes(stage)) {
          throw new SikaError(
            'USAGE',
            `STAGE must be one of ${BENCH_STAGES.join(', ')}, got "${stage}"`,
          );
        }
        if (o.kind !== undefined && stage !== 'reports') {
          throw new SikaError('USAGE', '--kind applies only to the reports stage');
        }
        const config = loadConfig();
        initLogger({ level: config.logLevel, file: config.logFile });
        const server = config.databaseUrl ?? LOCAL_SERVER;
        const benchDir = join(config.dataDir, '..', 'bench', `households-${o.households}`);
        const paths = {
          sampleDir: join(benchDir, 'sample'),
          outDir: join(benchDir, `out-${stage}-${process.pid}`),
        };

        await mkdir(dirname(paths.sampleDir), { recursive: true });
        if (!o.synthetic) await ensureSample(paths.sampleDir, o.households);
        if (o.prepareOnly !== undefined) {
          if (!/^[a-z][a-z0-9_]{0,40}$/.test(o.prepareOnly)) {
            throw new SikaError('USAGE', '--prepare-only takes a lower-case database name');
          }
          paths.outDir = join(benchDir, `out-${o.prepareOnly}`);
        }
        const dbName = o.prepareOnly ?? BENCH_DB;
        await recreateDatabase(server, dbName);
        const url = benchUrl(server, dbName);
        await step(`preparing the database for "${stage}"`, async () => {
          const database = await openDatabase({ databaseUrl: url, dbDir: '' });
          try {
            await database.migrate();
            await seedReferenceData(database.db);
            await prepareFor(database.db, stage as BenchStage, paths, o.households, o.synthetic);
          } finally {
            await database.close();
          }
        });
        await step('settling the database (VACUUM ANALYZE, CHECKPOINT)', () => settle(url));

        if (o.prepareOnly !== undefined) {
          process.stdout.write(
            `prepared ${dbName}; copy it (createdb -T ${dbName} COPY) and measure with:\n` +
              `npm run sika -- bench-stage ${stage} --url ${benchUrl(server, 'COPY')} ` +
              `--households ${o.households} --sample-dir ${paths.sampleDir} --out-dir ${paths.outDir}\n`,
          );
          return;
        }
        try {
          const child = { stage, url, households: o.households, ...paths };
          const line =
            stage === 'reports'
              ? await measureReports(
                  (extraArgs) => measureInChild({ ...child, extraArgs }),
                  reportKindsOption(o.kind),
                  (part) => process.stdout.write(`${part}\n`),
                )
              : await measureInChild(child);
          process.stdout.write(`${line}\n`);
        } finally {
          await dropDatabase(server);
          await rm(paths.outDir, { recursive: true, force: true });
        }
      },
    );

  program
    .command('bench-stage', { hidden: true })
    .argument('<stage>')
    .requiredOption('--url <url>')
    .requiredOption('--households <n>', '', positiveInt('--households'))
    .requiredOption('--sample-dir <dir>')
    .requiredOption('--out-dir <dir>')
    .option('--kinds <list>', 'reports stage: comma-separated report kinds')
    .option('--formats <list>', 'reports stage: comma-separated formats')
    .action(
      async (
        stage: BenchStage,
        o: {
          url: string;
          households: number;
          sampleDir: string;
          outDir: string;
          kinds?: string;
          formats?: string;
        },
      ) => {
        const config = loadConfig();
        initLogger({ level: config.logLevel, file: config.logFile });
        const database = await openDatabase({ databaseUrl: o.url, dbDir: '' });
        try {
          const started = process.hrtime.bigint();
          const cpuAtStart = process.cpuUsage();
          const rows = await runStage(
            database.db,
            stage,
            { sampleDir: o.sampleDir, outDir: o.outDir },
            o.households,
            {
              kinds: o.kinds?.split(',').flatMap((k) => reportKindsOption(k)),
              formats: o.formats?.split(',') as ReportFormat[] | undefined,
            },
          );
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const peakRssMb = process.resourceUsage().maxRSS / 1024;
          // CPU time is what a loaded machine changes least; compare it across runs.
          const cpu = process.cpuUsage(cpuAtStart);
          process.stdout.write(
            `${JSON.stringify({
              stage,
              rows,
              seconds: Number(seconds.toFixed(3)),
              rows_per_s: Math.round(rows / seconds),
              peak_rss_mb: Number(peakRssMb.toFixed(1)),
              cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
            })}\n`,
          );
        } finally {
          await database.close();
        }
      },
    );
}

/** Generated data is kept between runs; it is written aside and renamed, so it is whole or absent. */
async function ensureSample(dir: string, households: number): Promise<void> {
  if (existsSync(dir)) return;
  const partial = `${dir}.partial-${process.pid}`;
  await step(`generating ${households} households`, async () => {
    const bar = progress('households', households);
    await generateSample({
      seed: 2026,
      households,
      workers: Math.max(1, Math.round(households / 20)),
      dir: partial,
      lipwPeriod: BENCH_PERIOD,
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
  });
  try {
    await rename(partial, dir);
  } catch (err) {
    // Another run finished the same sample first: theirs is as good as ours.
    if (!existsSync(dir)) throw err;
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * Brings the prepared database to the state a stage meets in use, where hours pass between
 * stages: autovacuum has vacuumed and analysed what the stage before wrote, and a checkpoint has
 * written it out. Measured straight after preparing, a stage would also pay for the hint bits,
 * statistics and dirty pages of the stages before it. CHECKPOINT needs a superuser or
 * pg_checkpoint; without either it is skipped.
 */
async function settle(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT').catch((err: unknown) => {
      if ((err as { code?: string }).code !== '42501') throw err;
      process.stderr.write('  CHECKPOINT not allowed for this user; skipped\n');
    });
  } finally {
    await client.end();
  }
}

async function dropDatabase(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function recreateDatabase(serverUrl: string, dbName: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await client.end();
  }
}

function measureInChild(a: {
  stage: string;
  url: string;
  households: number;
  sampleDir: string;
  outDir: string;
  extraArgs?: string[];
}): Promise<string> {
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    'bench-stage',
    a.stage,
    '--url',
    a.url,
    '--households',
    String(a.households),
    '--sample-dir',
    a.sampleDir,
    '--out-dir',
    a.outDir,
    ...(a.extraArgs ?? []),
  ];
  return new Promise((resolve, reject) => {
    process.stderr.write(`- measuring "${a.stage}" in a fresh process...\n`);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(last);
      else reject(new Error(`the measured stage failed (exit ${code}): ${out}`));
    });
  });
}
