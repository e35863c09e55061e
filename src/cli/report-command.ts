import type { Command } from 'commander';
import { writeReport, REPORT_KINDS, type ReportKind } from '../../reports/index.js';
import { SikaError } from '../errors.js';
import { withDatabase } from './context.js';
import { positiveInt } from './options.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a report of a cycle as PDF or Excel')
    .argument('<kind>', `which report: ${REPORT_KINDS.join(', ')}`)
    .requiredOption('--cycle <id>', 'cycle id', positiveInt('--cycle'))
    .option('--format <format>', 'pdf or xlsx', 'pdf')
    .option('--out <dir>', 'folder for the report (default: SIKA_OUT_DIR/reports)')
    .option(
      '--unmasked',
      'show Ghana Card PINs and account numbers in full (administrators only; recorded in the audit trail)',
    )
    .requiredOption('--as <user>', 'who generates it (printed on the report)')
    .action(
      async (
        kind: string,
        o: { cycle: number; format: string; out?: string; as: string; unmasked?: boolean },
      ) => {
        if (!(REPORT_KINDS as readonly string[]).includes(kind)) {
          throw new SikaError(
            'USAGE',
            `report KIND must be one of ${REPORT_KINDS.join(', ')}, got "${kind}"`,
          );
        }
        if (o.format !== 'pdf' && o.format !== 'xlsx') {
          throw new SikaError('USAGE', `--format must be pdf or xlsx, got "${o.format}"`);
        }
        await withDatabase(async ({ database, config }) => {
          const r = await writeReport(database.db, {
            kind: kind as ReportKind,
            cycleId: o.cycle,
            format: o.format as 'pdf' | 'xlsx',
            outDir: o.out ?? `${config.outDir}/reports`,
            generatedBy: o.as,
            unmasked: o.unmasked === true,
          });
          const total = r.total === null ? '' : `, total ${r.total}`;
          process.stdout.write(`${r.path}: ${r.rows} rows${total}\n`);
        });
      },
    );
}
