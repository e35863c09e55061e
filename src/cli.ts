import { Command, CommanderError } from 'commander';
import { ErrorCodes, SikaError, exitCodeFor } from './errors.js';
import { registerBench } from './cli/bench-command.js';
import { dropOutputOnClosedPipe } from './cli/closed-pipe.js';
import { registerCycle } from './cli/cycle-command.js';
import { registerDb } from './cli/db-command.js';
import { registerDemo } from './cli/demo-command.js';
import { registerExceptions } from './cli/exceptions-command.js';
import { registerImport } from './cli/import-command.js';
import { registerReconcile } from './cli/reconcile-command.js';
import { registerReport } from './cli/report-command.js';
import { registerSample } from './cli/sample-command.js';
import { registerSimulator } from './cli/simulator-command.js';
import { registerSubmit } from './cli/submit-command.js';

dropOutputOnClosedPipe(process.stdout);

const program = new Command('sika')
  .description(
    'Payroll and payment reconciliation for LEAP and LIPW: build cycles, approve and seal them, ' +
      'send payment files to GhIPSS, reconcile the responses and report to auditors.',
  )
  .showHelpAfterError()
  .exitOverride();

registerDemo(program);
registerDb(program);
registerSample(program);
registerImport(program);
registerCycle(program);
registerSubmit(program);
registerSimulator(program);
registerReconcile(program);
registerExceptions(program);
registerReport(program);
registerBench(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : ErrorCodes.USAGE.exit;
  } else if (err instanceof SikaError) {
    process.stderr.write(`sika: ${err.message} [${err.code}]\n`);
    process.exitCode = exitCodeFor(err);
  } else {
    process.stderr.write(`sika: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
