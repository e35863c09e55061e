import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  importDirectory,
  importFile,
  IMPORT_KINDS,
  type ImportKind,
  type ImportResult,
} from '../enrolment/index.js';
import { SikaError } from '../errors.js';
import { withDatabase } from './context.js';

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
    const note = r.alreadyLoaded ? ' (already loaded: nothing changed)' : '';
    process.stdout.write(
      `${r.kind.padEnd(12)} ${r.fileName}: ${r.rowsTotal} rows, ${r.accepted} accepted, ${r.rejected} rejected${note}\n`,
    );
    for (const x of r.rejects.slice(0, 10)) {
      process.stdout.write(
        `  line ${x.line}${x.field ? `, ${x.field}` : ''}: ${x.reason} ${x.message}\n`,
      );
    }
    if (r.rejected > 10)
      process.stdout.write(`  ... all rejected rows are kept in the quarantine (import_rejects)\n`);
  }
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'load enrolment or attendance CSV files; rejected rows are quarantined with their reasons',
    )
    .argument('[kind]', `what the file holds: ${IMPORT_KINDS.join(', ')}`, kindOf)
    .argument('[file]', 'the CSV file')
    .option('--dir <dir>', 'load all six files of a folder (as written by `sika sample`), in order')
    .requiredOption('--as <user>', 'who loads the file (recorded with it)')
    .action(
      async (
        kind: ImportKind | undefined,
        file: string | undefined,
        o: { dir?: string; as: string },
      ) => {
        if (!o.dir && (!kind || !file)) {
          throw new SikaError('USAGE', 'give KIND and FILE, or --dir DIR');
        }
        await withDatabase(async ({ database }) => {
          const results = o.dir
            ? await importDirectory(database.db, { dir: o.dir, loadedBy: o.as })
            : [await importFile(database.db, { kind: kind!, path: file!, loadedBy: o.as })];
          printImportResults(results);
        });
      },
    );
}
