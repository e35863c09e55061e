import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
  for (const r of results) process.stdout.write(`${resultLine(r)}\n`);
  for (const t of totals) {
    const part = (s: LineStatus) => `${s} ${formatCedi(t.byStatus[s].amount)}`;
    process.stdout.write(
      `cycle ${t.cycleId} now: sealed ${formatCedi(t.sealedTotal)} = ` +
        `${LINE_STATUSES.map(part).join(' + ')} (${t.holds ? 'holds' : `OFF BY ${formatCedi(t.difference)}`})\n`,
    );
  }
}

/** One file's outcome; a file that moved nothing says why, under its own name. */
export function resultLine(r: ReconcileResult): string {
  if (r.duplicate) {
    const same =
      r.repeatOf === r.fileName ? 'loaded before' : `same content as ${r.repeatOf}, loaded before`;
    if (r.state === 'quarantined') return `${r.fileName}: QUARANTINED (${same}): ${r.note}`;
    return `${r.fileName}: ${same} (same SHA-256): nothing changed`;
  }
  if (r.state === 'quarantined') return `${r.fileName}: QUARANTINED: ${r.note}`;
  if (r.state === 'repeat') return `${r.fileName} (${r.format}): ${r.records} records: ${r.note}`;
  const notSent = r.notSent > 0 ? `, ${r.notSent} never sent` : '';
  return (
    `${r.fileName} (${r.format}): ${r.records} records, ${r.paid} paid, ${r.failed} failed, ` +
    `${r.returned} returned, ${r.pending} pending, ${r.unknown} unknown${notSent}, ` +
    `${r.ambiguous} ambiguous, ${r.conflicts} conflicts, ${r.exceptions} exceptions`
  );
}

/** Fails the command after every file was read and printed, when any could not be used. */
function failIfQuarantined(names: string[]): void {
  if (names.length === 0) return;
  throw new SikaError(
    'UNREADABLE_RESPONSE',
    `${names.length} file${names.length === 1 ? '' : 's'} quarantined, nothing moved by ` +
      `${names.length === 1 ? 'it' : 'them'}: ${names.join(', ')}`,
  );
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
        : `${f} is a folder: to reconcile every .xml and .csv file in it, use --dir ${f}`,
      { path: f },
    );
  }
}

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description(
      'load settlement responses (pain.002, sika-status-csv-1, camt.054, camt.053, camt.052) and ' +
        'reconcile every payroll line',
    )
    .argument('[files...]', 'response files')
    .option('--dir <dir>', 'reconcile every .xml and .csv file of a folder, in name order')
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
          // Each file on its own: one that cannot be read is said so, and the others still are.
          const unreadable: string[] = [];
          for (const f of files) {
            const d = await describeFile(f).catch((err: unknown) => {
              if (err instanceof SikaError && err.code === 'UNREADABLE_RESPONSE') return err;
              throw err;
            });
            if (d instanceof SikaError) {
              unreadable.push(basename(f));
              const reason = d.message.startsWith(`${basename(f)}: `)
                ? d.message.slice(basename(f).length + 2)
                : d.message;
              process.stdout.write(
                o.json
                  ? `${JSON.stringify({ fileName: basename(f), unreadable: reason })}\n`
                  : `${basename(f)}: UNREADABLE: ${reason}\n`,
              );
              continue;
            }
            process.stdout.write(
              o.json ? `${JSON.stringify(plain(d))}\n` : `${describeAsText(d)}\n`,
            );
          }
          if (unreadable.length > 0) {
            throw new SikaError(
              'UNREADABLE_RESPONSE',
              `${unreadable.length} of ${files.length} files unreadable: ${unreadable.join(', ')}`,
            );
          }
          return;
        }
        if (!o.as) throw new SikaError('USAGE', 'say who loads the files with --as USER');
        const loadedBy = o.as;
        const quarantined: string[] = [];
        await withDatabase(async ({ database, config }) => {
          const { archiveDir } = config;
          const results = o.dir
            ? await reconcileDirectory(database.db, { dir: o.dir, loadedBy, archiveDir })
            : await sequential(files, (path) =>
                reconcileFile(database.db, { path, loadedBy, archiveDir }),
              );
          if (o.dir && results.length === 0) {
            process.stdout.write(`no response files in ${o.dir}\n`);
          }
          quarantined.push(
            ...results.filter((r) => r.state === 'quarantined').map((r) => r.fileName),
          );
          const touched = [...new Set(results.flatMap((r) => r.cycles.map((c) => c.cycleId)))];
          const totals = [];
          for (const id of touched.sort((a, b) => a - b))
            totals.push(await controlTotals(database.db, id));
          printReconcile(results, totals);
        });
        failIfQuarantined(quarantined);
      },
    );
}

async function sequential<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}
