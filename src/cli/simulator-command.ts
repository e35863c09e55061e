import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { respondToOutbox } from '../ghipss/index.js';
import { positiveInt } from './options.js';

export function registerSimulator(program: Command): void {
  program
    .command('ghipss-sim')
    .description(
      'GhIPSS stand-in: answer every payment file in the outbox with a pain.002 status report',
    )
    .option('--outbox <dir>', 'where payment files are collected (default: SIKA_OUT_DIR/outbox)')
    .option('--inbox <dir>', 'where status reports are left (default: SIKA_OUT_DIR/inbox)')
    .option('--seed <n>', 'seed: the same seed gives the same answers', positiveInt('--seed'), 2026)
    .action(async (o: { outbox?: string; inbox?: string; seed: number }) => {
      const { outDir } = loadConfig();
      const r = await respondToOutbox({
        outbox: o.outbox ?? `${outDir}/outbox`,
        inbox: o.inbox ?? `${outDir}/inbox`,
        seed: o.seed,
      });
      if (r.answered.length === 0) process.stdout.write('nothing new in the outbox\n');
      for (const a of r.answered) {
        process.stdout.write(`${a.response}: ${a.accepted} accepted, ${a.rejected} rejected\n`);
      }
    });
}
