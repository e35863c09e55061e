import type { Command } from 'commander';
import { submitCycle } from '../ghipss/index.js';
import { formatCedi, money } from '../money.js';
import { withDatabase } from './context.js';
import { positiveInt } from './options.js';

export function registerSubmit(program: Command): void {
  program
    .command('submit')
    .description(
      'write the payment files (pain.001.001.03) of an approved cycle to the outbox, exactly once',
    )
    .requiredOption('--cycle <id>', 'cycle id', positiveInt('--cycle'))
    .requiredOption('--as <user>', 'the finance officer sending it')
    .option('--outbox <dir>', 'folder GhIPSS collects from (default: SIKA_OUT_DIR/outbox)')
    .option('--max-tx <n>', 'most transactions in one file', positiveInt('--max-tx'), 50_000)
    .action(async (o: { cycle: number; as: string; outbox?: string; maxTx: number }) => {
      await withDatabase(async ({ database, config }) => {
        const r = await submitCycle(database.db, {
          cycleId: o.cycle,
          submittedBy: o.as,
          outbox: o.outbox ?? `${config.outDir}/outbox`,
          maxTxPerFile: o.maxTx,
        });
        for (const f of r.files) {
          const note = f.alreadySent ? ' (sent before: not sent again)' : '';
          process.stdout.write(
            `${f.fileName}: ${f.txCount} payments, ${formatCedi(money(f.controlSum))}, sha256 ${f.sha256}${note}\n`,
          );
        }
      });
    });
}
