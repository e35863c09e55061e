import type { Command } from 'commander';
import {
  describeFile,
  reconcileDirectory,
  reconcileFile,
  type ReconcileResult,
} from '../../reconciliation/index.js';
import { SikaError } from '../errors.js';
import { formatCedi } from '../money.js';
import { withDatabase } from './context.js';

export function printReconcile(results: ReconcileResult[]): void {
  for (const r of results) {
    if (r.duplicate) {
      process.stdout.write(`${r.fileName}: loaded before (same SHA-256): nothing changed\n`);
      continue;
    }
    process.stdout.write(
      `${r.fileName}: ${r.records} records, ${r.paid} paid, ${r.failed} failed, ${r.pending} pending, ` +
        `${r.unknown} unknown, ${r.conflicts} conflicts, ${r.exceptions} exceptions\n`,
    );
  }
  const seen = new Set<number>();
  for (const r of results) {
    for (const c of r.cycles) {
      if (seen.has(c.cycleId)) continue;
      seen.add(c.cycleId);
      const t = c.control;
      process.stdout.write(
        `cycle ${c.cycleId}: sealed ${formatCedi(t.sealedTotal)} = paid ${formatCedi(t.byStatus.paid.amount)}` +
          ` + failed ${formatCedi(t.byStatus.failed.amount)} + returned ${formatCedi(t.byStatus.returned.amount)}` +
          ` + pending ${formatCedi(t.byStatus.pending.amount)} + unconfirmed ${formatCedi(t.byStatus.unconfirmed.amount)}` +
          ` (${t.holds ? 'holds' : `OFF BY ${formatCedi(t.difference)}`})\n`,
      );
    }
  }
}

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description('load settlement responses (pain.002) and reconcile every payroll line')
    .argument('[files...]', 'response files')
    .option('--dir <dir>', 'reconcile every .xml file of a folder, in name order')
    .option('--dry-run', 'only read the file(s) and say what they hold; change nothing')
    .option('--json', 'with --dry-run: print JSON')
    .option('--as <user>', 'the finance officer loading the files (required unless --dry-run)')
    .action(
      async (
        files: string[],
        o: { dir?: string; dryRun?: boolean; json?: boolean; as?: string },
      ) => {
        if (!o.dir && files.length === 0)
          throw new SikaError('USAGE', 'give response FILES or --dir DIR');
        if (o.dryRun) {
          if (o.dir) throw new SikaError('USAGE', '--dry-run reads named files, not --dir');
          for (const f of files) {
            const d = await describeFile(f);
            process.stdout.write(
              o.json ? `${JSON.stringify(d)}\n` : `${JSON.stringify(d, null, 2)}\n`,
            );
          }
          return;
        }
        if (!o.as) throw new SikaError('USAGE', 'say who loads the files with --as USER');
        const loadedBy = o.as;
        await withDatabase(async ({ database }) => {
          const results = o.dir
            ? await reconcileDirectory(database.db, { dir: o.dir, loadedBy })
            : await sequential(files, (path) => reconcileFile(database.db, { path, loadedBy }));
          printReconcile(results);
        });
      },
    );
}

async function sequential<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}
