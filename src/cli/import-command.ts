import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  formatImportSummary,
  importDirectory,
  importFile,
  IMPORT_KINDS,
  type ImportKind,
  type ImportResult,
} from '../enrolment/index.js';
import { SikaError } from '../errors.js';
import { withDatabase } from './context.js';
import { isoDate } from './options.js';

function kindOf(value: string): ImportKind {
  if (!(IMPORT_KINDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      `KIND must be one of ${IMPORT_KINDS.join(', ')}, got "${value}"`,
    );
  }
  return value as ImportKind;
}

export function printImportResults(results: ImportResult[]): void {
  for (const r of results) {
    process.stdout.write(`${formatImportSummary(r)}\n`);
    for (const x of r.rejects.slice(0, 10)) {
      process.stdout.write(
        `  line ${x.line}${x.field ? `, ${x.field}` : ''}: ${x.reason} ${x.message}\n`,
      );
    }
    if (r.rejected > 10) {
      process.stdout.write(`  ... every rejected row is kept in the quarantine (import_rejects)\n`);
    }
  }
}

interface ImportOptions {
  dir?: string;
  as: string;
  rejectsDir?: string;
  from?: string;
  to?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'load enrolment or attendance files (CSV or XLSX); rejected rows are quarantined with their ' +
        'reasons and written to a rejects file an officer can fix and load again',
    )
    .argument('[kind]', `what the file holds: ${IMPORT_KINDS.join(', ')}`, kindOf)
    .argument('[file]', 'the CSV or XLSX file')
    .option('--dir <dir>', 'load all six files of a folder (as written by `sika sample`), in order')
    .option('--rejects-dir <dir>', 'folder for rejects files (default: SIKA_OUT_DIR/rejects)')
    .option('--from <date>', 'LIPW attendance: first day of the pay period', isoDate('--from'))
    .option('--to <date>', 'LIPW attendance: last day of the pay period', isoDate('--to'))
    .requiredOption('--as <user>', 'who loads the file (recorded with it)')
    .action(async (kind: ImportKind | undefined, file: string | undefined, o: ImportOptions) => {
      if (!o.dir && (!kind || !file)) {
        throw new SikaError('USAGE', 'give KIND and FILE, or --dir DIR');
      }
      if (Boolean(o.from) !== Boolean(o.to)) {
        throw new SikaError('USAGE', 'give both --from and --to for a pay period, or neither');
      }
      await withDatabase(async ({ database, config }) => {
        const options = {
          loadedBy: o.as,
          rejectsDir: o.rejectsDir ?? join(config.outDir, 'rejects'),
          archiveDir: config.archiveDir,
          ezwichPattern: config.ezwichPattern,
          payPeriod: o.from && o.to ? { start: o.from, end: o.to } : undefined,
        };
        const results = o.dir
          ? await importDirectory(database.db, { dir: o.dir, ...options })
          : [await importFile(database.db, { kind: kind!, path: file!, ...options })];
        printImportResults(results);
      });
    });
}
