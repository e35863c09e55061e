import type { Command } from 'commander';
import { SikaError } from '../errors.js';
import { formatCedi, money, type Money } from '../money.js';
import {
  approveCycle,
  buildLeapCycle,
  buildLipwPayroll,
  listCycles,
  precheckCycle,
  rejectCycle,
  verifyCycle,
  type BuildResult,
  type VerifyCycleResult,
} from '../payroll/index.js';
import { withDatabase } from './context.js';
import { isoDate, MIN_REASON, positiveInt, reasonText } from './options.js';

export function printBuild(r: BuildResult): void {
  process.stdout.write(
    `cycle ${r.cycleId} (${r.programme} ${r.periodKey}) built: ${r.lines} lines, ${formatCedi(r.total)}; ` +
      `${r.excluded} excluded, ${r.withheld} withheld\n`,
  );
  for (const [reason, v] of Object.entries(r.byReason)) {
    process.stdout.write(
      `  ${reason.padEnd(24)} ${String(v.households).padStart(7)}  ${formatCedi(v.amount)}\n`,
    );
  }
}

export function printVerify(r: VerifyCycleResult): void {
  const head = `cycle ${r.cycleId} (LEAP ${r.periodKey}) rebuilt as at ${r.builtAt}`;
  const figures = (f: { lines: number; total: Money; sha256: string }) =>
    `${f.lines} lines, ${formatCedi(f.total)}, SHA-256 ${f.sha256}`;
  if (r.matches) {
    process.stdout.write(`${head}: matches\n  ${figures(r.rebuilt)}\n`);
    return;
  }
  const verdict = r.differenceCount
    ? `${r.differenceCount} difference(s)`
    : 'the stored lines differ from their seal';
  process.stdout.write(
    `${head}: ${verdict}\n` +
      `  stored  ${figures(r.stored)}\n` +
      `  rebuilt ${figures(r.rebuilt)}\n` +
      (r.stored.seal ? `  seal    SHA-256 ${r.stored.seal}\n` : ''),
  );
  for (const d of r.differences) {
    const what = `  ${d.record} ${d.beneficiaryRef}`;
    process.stdout.write(
      d.kind === 'changed'
        ? `${what} ${d.field}: stored ${d.stored ?? '(none)'}, rebuilt ${d.rebuilt ?? '(none)'}\n`
        : `${what} ${d.kind === 'missing' ? 'stored but not rebuilt' : 'rebuilt but not stored'}\n`,
    );
  }
  if (r.differenceCount > r.differences.length) {
    process.stdout.write(`  ... and ${r.differenceCount - r.differences.length} more\n`);
  }
}

export function registerCycle(program: Command): void {
  const cycle = program
    .command('cycle')
    .description('build, list, approve or reject payment cycles');

  cycle
    .command('build')
    .description(
      'build a LEAP cycle (--cycle N) or a LIPW payroll (--from, --to) from the enrolment data',
    )
    .requiredOption('--programme <name>', 'leap or lipw')
    .option('--cycle <n>', 'LEAP cycle number, e.g. 106 (Nov-Dec 2026)', positiveInt('--cycle'))
    .option(
      '--joint-with <n>',
      'LEAP: pay a second cycle in the same run, e.g. --cycle 94 --joint-with 95',
      positiveInt('--joint-with'),
    )
    .option('--from <date>', 'LIPW pay period: first day', isoDate('--from'))
    .option('--to <date>', 'LIPW pay period: last day', isoDate('--to'))
    .requiredOption('--as <user>', 'the payroll officer building it')
    .action(
      async (o: {
        programme: string;
        cycle?: number;
        jointWith?: number;
        from?: string;
        to?: string;
        as: string;
      }) => {
        const programme = o.programme.toLowerCase();
        if (programme === 'leap' && !o.cycle)
          throw new SikaError('USAGE', 'a LEAP build needs --cycle N');
        if (programme === 'lipw' && !(o.from && o.to))
          throw new SikaError('USAGE', 'a LIPW build needs --from and --to');
        if (programme !== 'leap' && programme !== 'lipw') {
          throw new SikaError('USAGE', `--programme must be leap or lipw, got "${o.programme}"`);
        }
        if (o.from && o.to && o.from > o.to)
          throw new SikaError('USAGE', '--from must not be after --to');
        await withDatabase(async ({ database }) => {
          const result =
            programme === 'leap'
              ? await buildLeapCycle(database.db, {
                  cycleNumber: o.cycle!,
                  jointWith: o.jointWith,
                  builtBy: o.as,
                })
              : await buildLipwPayroll(database.db, {
                  periodStart: o.from!,
                  periodEnd: o.to!,
                  builtBy: o.as,
                });
          printBuild(result);
        });
      },
    );

  cycle
    .command('list')
    .description('list cycles with their status, line count and total')
    .action(async () => {
      await withDatabase(async ({ database }) => {
        const all = await listCycles(database.db);
        if (all.length === 0) process.stdout.write('no cycles yet\n');
        else {
          process.stdout.write(
            `${'id'.padStart(4)}  ${'prog'.padEnd(5)} ${'period'.padEnd(24)} ${'status'.padEnd(11)} ` +
              `${'lines'.padStart(14)}  ${'total'.padStart(20)}  who\n`,
          );
        }
        for (const c of all) {
          process.stdout.write(
            `${String(c.id).padStart(4)}  ${c.programme.padEnd(5)} ${c.periodKey.padEnd(24)} ${c.status.padEnd(11)} ` +
              `${String(c.lineCount).padStart(8)} lines  ${formatCedi(money(c.totalAmount)).padStart(20)}  built by ${c.builtBy}` +
              `${c.approvedBy ? `, approved by ${c.approvedBy}` : ''}\n`,
          );
        }
      });
    });

  cycle
    .command('precheck')
    .description(
      'what the approver should look at first: variance against the last cycle, shared instruments, outliers',
    )
    .requiredOption('--cycle <id>', 'cycle id', positiveInt('--cycle'))
    .action(async (o: { cycle: number }) => {
      await withDatabase(async ({ database }) => {
        const r = await precheckCycle(database.db, o.cycle);
        const v = r.variance;
        const count = (c: { households: number; amount: Money }) =>
          `${c.households} (${formatCedi(c.amount)})`;
        process.stdout.write(
          `cycle ${r.cycleId} against ${r.previousCycleId === null ? 'no previous cycle' : `cycle ${r.previousCycleId}`}\n` +
            `  previous ${count(v.previous)}, now ${count(v.current)}\n` +
            `  new ${count(v.new)}, dropped ${count(v.dropped)}, changed amount ${count(v.changed)}\n` +
            `  instruments shared by several households: ${r.sharedInstruments.count}\n` +
            `  amounts above ${formatCedi(r.outliers.threshold)}: ${r.outliers.count}\n`,
        );
      });
    });

  cycle
    .command('approve')
    .description('approve and seal a built cycle (a second person: never the builder)')
    .requiredOption('--cycle <id>', 'cycle id (see `sika cycle list`)', positiveInt('--cycle'))
    .requiredOption('--as <user>', 'the approver')
    .action(async (o: { cycle: number; as: string }) => {
      await withDatabase(async ({ database }) => {
        const r = await approveCycle(database.db, { cycleId: o.cycle, approver: o.as });
        process.stdout.write(
          `cycle ${r.cycleId} approved and sealed: ${r.lineCount} lines, ${formatCedi(r.total)}\n` +
            `seal (SHA-256 over the ordered lines): ${r.sealSha256}\n`,
        );
      });
    });

  cycle
    .command('verify')
    .description(
      'rebuild a LEAP cycle from the enrolment as it was when it was built and compare it with ' +
        'the stored lines and seal; changes nothing, exits 1 on a difference',
    )
    .requiredOption('--cycle <id>', 'cycle id', positiveInt('--cycle'))
    .action(async (o: { cycle: number }) => {
      await withDatabase(async ({ database }) => {
        const r = await verifyCycle(database.db, { cycleId: o.cycle });
        printVerify(r);
        if (!r.matches) process.exitCode = 1;
      });
    });

  cycle
    .command('reject')
    .description('send a built cycle back to draft with a reason')
    .requiredOption('--cycle <id>', 'cycle id', positiveInt('--cycle'))
    .requiredOption(
      '--reason <text>',
      `why it is rejected, at least ${MIN_REASON} characters (kept in the audit trail)`,
      reasonText('--reason'),
    )
    .requiredOption('--as <user>', 'the approver')
    .action(async (o: { cycle: number; reason: string; as: string }) => {
      await withDatabase(async ({ database }) => {
        await rejectCycle(database.db, { cycleId: o.cycle, approver: o.as, reason: o.reason });
        process.stdout.write(`cycle ${o.cycle} returned to draft\n`);
      });
    });
}
