import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  closeCycle,
  listExceptions,
  markUnconfirmed,
  resolveException,
  RESOLUTIONS,
  type Resolution,
} from '../../reconciliation/index.js';
import { SikaError } from '../errors.js';
import { formatCedi, money } from '../money.js';
import { withDatabase } from './context.js';
import { positiveInt } from './options.js';

const STATES = ['open', 'resolved', 'carried'];

function oneOf(name: string, allowed: readonly string[]) {
  return (value: string): string => {
    if (!allowed.includes(value)) {
      throw new InvalidArgumentError(
        `${name} must be one of ${allowed.join(', ')}, got "${value}"`,
      );
    }
    return value;
  };
}

/** `sika exceptions list|resolve`, `sika close` and `sika unconfirmed`: the finance queue. */
export function registerExceptions(program: Command): void {
  const exceptions = program
    .command('exceptions')
    .description('list the exceptions of a cycle and resolve them (finance staff)');

  exceptions
    .command('list')
    .description('list the exceptions of a cycle, oldest first, with meaning and action')
    .option('--cycle <id>', 'cycle id (see `sika cycle list`)', positiveInt('--cycle'))
    .addOption(
      new Option(
        '--without-cycle',
        'instead of a cycle: the exceptions that name none (records naming no payroll line, ' +
          'reports answering no file this database sent, files that could not be read)',
      ).conflicts('cycle'),
    )
    .option('--state <state>', `only one state: ${STATES.join(', ')}`, oneOf('--state', STATES))
    .action(async (o: { cycle?: number; withoutCycle?: boolean; state?: string }) => {
      if (o.cycle === undefined && !o.withoutCycle) {
        throw new SikaError('USAGE', 'say which exceptions: --cycle <id>, or --without-cycle');
      }
      const cycleId = o.cycle ?? null;
      await withDatabase(async ({ database }) => {
        let afterId = 0;
        let shown = 0;
        for (;;) {
          const page = await listExceptions(database.db, {
            cycleId,
            state: o.state,
            afterId,
          });
          for (const e of page) {
            const amount = e.amount ? formatCedi(money(e.amount)) : '';
            process.stdout.write(
              `${String(e.id).padStart(7)}  ${e.state.padEnd(8)} ${e.kind.padEnd(22)} ` +
                `${(e.reasonCode ?? '').padEnd(5)} ${(e.endToEndId ?? '').padEnd(28)} ` +
                `${amount.padStart(14)}  ${e.detail}` +
                `${e.action ? ` -> ${e.action}` : ''}${e.resolution ? ` [${e.resolution}]` : ''}\n`,
            );
          }
          shown += page.length;
          if (page.length === 0) break;
          afterId = page[page.length - 1]!.id;
        }
        if (shown === 0) process.stdout.write(`no exceptions${o.state ? ` ${o.state}` : ''}\n`);
      });
    });

  exceptions
    .command('resolve')
    .description(
      'resolve one open exception: note, write_off or refer_grievance close it;\n' +
        'pay_again carries the line into the next payroll build',
    )
    .argument('<id>', 'exception id (see `sika exceptions list`)', positiveInt('ID'))
    .requiredOption('--action <action>', RESOLUTIONS.join(' | '), oneOf('--action', RESOLUTIONS))
    .requiredOption('--note <text>', 'why: kept with the exception and in the audit trail')
    .option('--grievance-case <ref>', 'the grievance case number (with refer_grievance)')
    .requiredOption('--as <user>', 'the finance officer or administrator resolving it')
    .action(
      async (
        id: number,
        o: { action: Resolution; note: string; grievanceCase?: string; as: string },
      ) => {
        await withDatabase(async ({ database }) => {
          const r = await resolveException(database.db, {
            exceptionId: id,
            by: o.as,
            action: o.action,
            note: o.note,
            grievanceCase: o.grievanceCase,
          });
          process.stdout.write(`exception ${r.exceptionId}: ${r.state} (${r.resolution})\n`);
        });
      },
    );

  program
    .command('close')
    .description('close a cycle once no line is pending and every exception is resolved or carried')
    .requiredOption('--cycle <id>', 'cycle id', positiveInt('--cycle'))
    .requiredOption('--as <user>', 'the finance officer or administrator closing it')
    .action(async (o: { cycle: number; as: string }) => {
      await withDatabase(async ({ database }) => {
        const r = await closeCycle(database.db, { cycleId: o.cycle, by: o.as });
        const t = r.control;
        process.stdout.write(
          `cycle ${r.cycleId} closed: ${r.lines} lines, ${r.exceptions} exceptions; sealed ` +
            `${formatCedi(t.sealedTotal)} = paid ${formatCedi(t.byStatus.paid.amount)} + failed ` +
            `${formatCedi(t.byStatus.failed.amount)} + returned ${formatCedi(t.byStatus.returned.amount)}` +
            ` + unconfirmed ${formatCedi(t.byStatus.unconfirmed.amount)}\n`,
        );
      });
    });

  program
    .command('unconfirmed')
    .description('move lines still pending N days after their payment file was sent to unconfirmed')
    .requiredOption(
      '--older-than-days <n>',
      'days since the file was sent',
      positiveInt('--older-than-days'),
    )
    .requiredOption('--as <user>', 'the finance officer or administrator')
    .action(async (o: { olderThanDays: number; as: string }) => {
      await withDatabase(async ({ database }) => {
        const r = await markUnconfirmed(database.db, { olderThanDays: o.olderThanDays, by: o.as });
        process.stdout.write(
          `${r.lines} lines (${formatCedi(r.amount)}) now unconfirmed in ${r.cycleIds.length} cycles` +
            `${r.skippedSubmissions ? `; ${r.skippedSubmissions} payment files skipped (lines unknown)` : ''}\n`,
        );
      });
    });
}
