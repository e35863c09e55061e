import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { generateSample } from '../sample/generate.js';
import { isoDate, positiveInt } from './options.js';
import { progress } from './progress.js';

export const DEFAULT_LIPW_PERIOD = { start: '2026-11-02', end: '2026-11-15' };

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description(
      'write a seeded sample of enrolment and attendance CSV files (same seed, same files)',
    )
    .option('--households <n>', 'LEAP households', positiveInt('--households'), 20_000)
    .option('--workers <n>', 'LIPW workers', positiveInt('--workers'), 1_000)
    .option('--seed <n>', 'random seed', positiveInt('--seed'), 2026)
    .option(
      '--from <date>',
      'first day of the LIPW attendance period',
      isoDate('--from'),
      DEFAULT_LIPW_PERIOD.start,
    )
    .option(
      '--to <date>',
      'last day of the LIPW attendance period',
      isoDate('--to'),
      DEFAULT_LIPW_PERIOD.end,
    )
    .option('--out <dir>', 'folder for the CSV files (default: SIKA_DATA_DIR/sample)')
    .action(
      async (o: {
        households: number;
        workers: number;
        seed: number;
        from: string;
        to: string;
        out?: string;
      }) => {
        const dir = o.out ?? `${loadConfig().dataDir}/sample`;
        const bar = progress('generating households', o.households);
        const files = await generateSample({
          seed: o.seed,
          households: o.households,
          workers: o.workers,
          dir,
          lipwPeriod: { start: o.from, end: o.to },
          onProgress: (done) => bar.update(done),
        });
        bar.stop();
        for (const [kind, count] of Object.entries(files.counts)) {
          process.stdout.write(`${kind.padEnd(12)} ${String(count).padStart(9)} rows\n`);
        }
        process.stdout.write(`written to ${dir}\n`);
      },
    );
}
