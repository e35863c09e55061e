import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  describeFile,
  reconcileDirectory,
  reconcileFile,
  type ReconcileResult,
} from '../../reconciliation/index.js';
import { Decimal } from 'decimal.js';
import {
  controlTotals,
  LINE_STATUSES,
  type ControlTotals,
  type LineStatus,
} from '../../reconciliation/control-equation.js';
import { SikaError } from '../errors.js';
import { formatCedi } from '../money.js';
import { withDatabase } from './context.js';
import { describeAsText } from './dry-run-text.js';

export function printReconcile(results: ReconcileResult[], totals: ControlTotals[]): void {
  for (const r of results) {
    if (r.duplicate) {
      process.stdout.write(`${r.fileName}: loaded before (same SHA-256): nothing changed\n`);
      continue;
    }
    process.stdout.write(
      `${r.fileName} (${r.format}): ${r.records} records, ${r.paid} paid, ${r.failed} failed, ` +
        `${r.returned} returned, ${r.pending} pending, ${r.unknown} unknown, ${r.ambiguous} ambiguous, ` +
        `${r.conflicts} conflicts, ${r.exceptions} exceptions\n`,
    );
  }
  for (const t of totals) {
    const part = (s: LineStatus) => `${s} ${formatCedi(t.byStatus[s].amount)}`;
    process.stdout.write(
      `cycle ${t.cycleId} now: sealed ${formatCedi(t.sealedTotal)} = ` +
        `${LINE_STATUSES.map(part).join(' + ')} (${t.holds ? 'holds' : `OFF BY ${formatCedi(t.difference)}`})\n`,
    );
  }
}

/** Decimal amounts as 2-decimal strings, for JSON output. */
function plain(value: unknown): unknown {
  if (Decimal.isDecimal(value)) return (value as Decimal).toFixed(2);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** A folder where a file was expected, named as one with what to do instead. */
async function refuseFolders(files: string[], dryRun: boolean): Promise<void> {
  for (const f of files) {
    const s = await stat(f).catch(() => null);
    if (!s?.isDirectory()) continue;
    throw new SikaError(
      'USAGE',
      dryRun
        ? `${f} is a folder: --dry-run reads files, one by one; name them (e.g. ${join(f, '*.xml')})`
        : `${f} is a folder: to reconcile every .xml file in it, use --dir ${f}`,
      { path: f },
    );
  }
}

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description(
      'load settlement responses (pain.002, camt.054, camt.053, camt.052) and reconcile every payroll line',
    )
    .argument('[files...]', 'response files')
    .option('--dir <dir>', 'reconcile every .xml file of a folder, in name order')
    .option(
      '--dry-run',
      'only read the named file(s), each on its own (not a folder), and say what they hold; ' +
        'change nothing',
    )
    .option('--json', 'with --dry-run: print JSON')
    .option('--as <user>', 'the finance officer loading the files (required unless --dry-run)')
    .action(
      async (
        files: string[],
        o: { dir?: string; dryRun?: boolean; json?: boolean; as?: string },
      ) => {
        if (!o.dir && files.length === 0)
          throw new SikaError('USAGE', 'give response FILES or --dir DIR');
        await refuseFolders(files, Boolean(o.dryRun));
        if (o.dryRun) {
          if (o.dir) throw new SikaError('USAGE', '--dry-run reads named files, not --dir');
          for (const f of files) {
            const d = await describeFile(f);
            process.stdout.write(
              o.json ? `${JSON.stringify(plain(d))}\n` : `${describeAsText(d)}\n`,
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
          const touched = [...new Set(results.flatMap((r) => r.cycles.map((c) => c.cycleId)))];
          const totals = [];
          for (const id of touched.sort((a, b) => a - b))
            totals.push(await controlTotals(database.db, id));
          printReconcile(results, totals);
        });
      },
    );
}

async function sequential<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}
