import { InvalidArgumentError, type Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config.js';
import { SikaError } from '../errors.js';
import { respondToOutbox, startGhipssServer, type RunningServer } from '../ghipss/index.js';
import { loadMix, type MixInput, type SwitchMix } from '../ghipss/simulator/mix.js';
import { initLogger } from '../logger.js';
import { positiveInt } from './options.js';

const count = (name: string) => (value: string) => (value === '0' ? 0 : positiveInt(name)(value));
const rate = (name: string) => (value: string) => {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || n > 1) {
    throw new InvalidArgumentError(`${name} must be a share from 0 to 1, got "${value}"`);
  }
  return n;
};
/** "AC01=60,AC04=20" into weights. */
const weights = (name: string) => (value: string) => {
  const out: Record<string, number> = {};
  for (const pair of value.split(',')) {
    const [code, w] = pair.split('=');
    if (!code || !w || !/^\d+$/.test(w)) {
      throw new InvalidArgumentError(`${name} takes CODE=WEIGHT,... got "${value}"`);
    }
    out[code.trim()] = Number(w);
  }
  return out;
};

interface SimOptions {
  transport: string;
  outbox?: string;
  inbox?: string;
  dir?: string;
  port: number;
  host: string;
  seed: number;
  config?: string;
  watch?: boolean;
  pollMs: number;
  laterMs: number;
  rejectRate?: number;
  reasons?: Record<string, number>;
  pendingRate?: number;
  refuseFileRate?: number;
  onlyRejectedRate?: number;
  duplicateReportRate?: number;
  returnRate?: number;
  returnDays?: number;
  returnReasons?: Record<string, number>;
  dropFirst: number;
  dropBeforeReceiving?: boolean;
  failFirst: number;
  slowFirst: number;
  slowMs: number;
  slowRate?: number;
  dropRate?: number;
}

function mixFrom(o: SimOptions): SwitchMix {
  const overrides: MixInput = {
    rejectRate: o.rejectRate,
    reasons: o.reasons,
    pendingRate: o.pendingRate,
    refuseFileRate: o.refuseFileRate,
    onlyRejectedRate: o.onlyRejectedRate,
    duplicateReportRate: o.duplicateReportRate,
    returnRate: o.returnRate,
    returnDays: o.returnDays,
    returnReasons: o.returnReasons,
  };
  return loadMix(o.config, overrides);
}

/** Resolves on Ctrl-C or a polite kill. */
function stopSignal(): { stopped: Promise<void>; isStopped: () => boolean } {
  let stop = false;
  const stopped = new Promise<void>((resolve) => {
    const done = () => {
      stop = true;
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  return { stopped, isStopped: () => stop };
}

export function registerSimulator(program: Command): void {
  program
    .command('ghipss-sim')
    .description(
      'GhIPSS stand-in, a strict switch: answers payment files from the drop folder, over HTTP ' +
        '(POST /payment-files, GET /payment-files/:messageId/status, GET /reports), or both',
    )
    .option('--transport <kind>', 'drop, http or both', 'drop')
    .option(
      '--outbox <dir>',
      'drop folder payment files are collected from (default: SIKA_OUT_DIR/outbox)',
    )
    .option('--inbox <dir>', 'where drop-folder answers are left (default: SIKA_OUT_DIR/inbox)')
    .option('--dir <dir>', 'where HTTP files and reports are kept (default: SIKA_OUT_DIR/ghipss)')
    .option(
      '--port <n>',
      'HTTP port (token: SIKA_GHIPSS_TOKEN)',
      positiveInt('--port', 65_535),
      8787,
    )
    .option('--host <host>', 'HTTP address', '127.0.0.1')
    .option('--seed <n>', 'seed: the same seed gives the same answers', positiveInt('--seed'), 2026)
    .option('--config <file>', 'JSON mix (the options below, camelCase); options override it')
    .option('--watch', 'drop folder: keep answering new files until stopped (always with both)')
    .option(
      '--poll-ms <ms>',
      'how often a watched drop folder is looked at',
      positiveInt('--poll-ms'),
      1000,
    )
    .option(
      '--later-ms <ms>',
      'wait before repeats, settlements and returns',
      count('--later-ms'),
      0,
    )
    .option(
      '--reject-rate <share>',
      'share of lines rejected (default 0.015)',
      rate('--reject-rate'),
    )
    .option(
      '--reasons <weights>',
      'rejection reasons, e.g. AC01=55,AC04=18,AC06=7,BE01=12,MD07=8,AM05=0',
      weights('--reasons'),
    )
    .option(
      '--pending-rate <share>',
      'share of lines PDNG, settled in a later report',
      rate('--pending-rate'),
    )
    .option(
      '--refuse-file-rate <share>',
      'share of files refused whole for the control sum (AM10)',
      rate('--refuse-file-rate'),
    )
    .option(
      '--only-rejected-rate <share>',
      'share of reports listing only unsettled lines under ACSC',
      rate('--only-rejected-rate'),
    )
    .option(
      '--duplicate-report-rate <share>',
      'share of reports sent twice',
      rate('--duplicate-report-rate'),
    )
    .option(
      '--return-rate <share>',
      'share of paid lines returned later in a camt.054 (RRTN)',
      rate('--return-rate'),
    )
    .option(
      '--return-days <n>',
      'days after the request a return is booked (default 3)',
      positiveInt('--return-days', 60),
    )
    .option(
      '--return-reasons <weights>',
      'return reasons, e.g. AC04=50,AC06=20,MD07=30',
      weights('--return-reasons'),
    )
    .option(
      '--drop-first <n>',
      'HTTP: close the connection unanswered for the first N posts',
      count('--drop-first'),
      0,
    )
    .option('--drop-before-receiving', 'HTTP: drop before the file is read (default: after)')
    .option('--fail-first <n>', 'HTTP: answer the first N posts with 503', count('--fail-first'), 0)
    .option('--slow-first <n>', 'HTTP: answer the first N posts late', count('--slow-first'), 0)
    .option('--slow-ms <ms>', 'HTTP: how late a slow answer comes', count('--slow-ms'), 60_000)
    .option('--slow-rate <share>', 'HTTP: share of posts answered late', rate('--slow-rate'))
    .option(
      '--drop-rate <share>',
      'HTTP: share of answers dropped after receiving',
      rate('--drop-rate'),
    )
    .action(async (o: SimOptions) => {
      if (!['drop', 'http', 'both'].includes(o.transport)) {
        throw new SikaError(
          'USAGE',
          `--transport must be drop, http or both, got "${o.transport}"`,
        );
      }
      const config = loadConfig();
      initLogger({ level: config.logLevel, file: config.logFile });
      const mix = mixFrom(o);
      const useHttp = o.transport !== 'drop';
      const useDrop = o.transport !== 'http';
      if (useHttp && !config.ghipssToken) {
        throw new SikaError(
          'USAGE',
          'the HTTP stand-in needs SIKA_GHIPSS_TOKEN, the token clients present',
        );
      }

      const { stopped, isStopped } = stopSignal();
      let server: RunningServer | undefined;
      if (useHttp) {
        server = await startGhipssServer({
          port: o.port,
          host: o.host,
          token: config.ghipssToken!,
          dir: o.dir ?? `${config.outDir}/ghipss`,
          seed: o.seed,
          mix,
          laterMs: o.laterMs,
          faults: {
            dropFirst: o.dropFirst,
            dropBeforeReceiving: o.dropBeforeReceiving,
            failFirst: o.failFirst,
            slowFirst: o.slowFirst,
            slowMs: o.slowMs,
            slowRate: o.slowRate,
            dropRate: o.dropRate,
          },
        });
        process.stdout.write(`GhIPSS stand-in listening on ${server.url}\n`);
      }

      const drop = {
        outbox: o.outbox ?? `${config.outDir}/outbox`,
        inbox: o.inbox ?? `${config.outDir}/inbox`,
        seed: o.seed,
        mix,
        laterMs: o.laterMs,
      };
      const answerDrop = async () => {
        const r = await respondToOutbox(drop);
        for (const a of r.answered) {
          process.stdout.write(
            `${a.response}: ${a.accepted} accepted, ${a.rejected} rejected, ${a.pending} pending` +
              `${a.later.length ? `; later: ${a.later.join(', ')}` : ''}\n`,
          );
        }
        return r.answered.length;
      };

      if (useDrop && !useHttp && !o.watch) {
        if ((await answerDrop()) === 0) process.stdout.write('nothing new in the outbox\n');
        return;
      }
      if (useDrop) {
        process.stdout.write(`GhIPSS stand-in watching ${drop.outbox}\n`);
        while (!isStopped()) {
          // A pass that fails (a file being written, a folder gone) is tried again next poll.
          await answerDrop().catch((err: unknown) => {
            process.stderr.write(`drop folder pass failed: ${(err as Error).message}\n`);
          });
          await Promise.race([sleep(o.pollMs), stopped]);
        }
      } else {
        await stopped;
      }
      await server?.close();
    });
}
