import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { startGhipssServer } from '../ghipss/index.js';
import { initLogger } from '../logger.js';
import { positiveInt } from './options.js';

const count = (name: string) => (value: string) => (value === '0' ? 0 : positiveInt(name)(value));

interface ServerOptions {
  port: number;
  host: string;
  token: string;
  dir?: string;
  seed: number;
  dropFirst: number;
  dropBeforeReceiving?: boolean;
  failFirst: number;
  slowFirst: number;
  slowMs: number;
}

export function registerGhipssServer(program: Command): void {
  program
    .command('ghipss-server')
    .description(
      'GhIPSS stand-in over HTTP: POST /payment-files, GET /payment-files/:messageId/status',
    )
    .option('--port <n>', 'port to listen on', positiveInt('--port'), 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    // Limitation: the token is given on the command line, where other local users can see it.
    .requiredOption('--token <token>', 'the bearer token clients must present')
    .option(
      '--dir <dir>',
      'where received files and reports are kept (default: SIKA_OUT_DIR/ghipss)',
    )
    .option('--seed <n>', 'seed: the same seed gives the same answers', positiveInt('--seed'), 2026)
    .option(
      '--drop-first <n>',
      'close the connection unanswered for the first N posts',
      count('--drop-first'),
      0,
    )
    .option('--drop-before-receiving', 'drop before the file is read (default: after)')
    .option('--fail-first <n>', 'answer the first N posts with 503', count('--fail-first'), 0)
    .option('--slow-first <n>', 'answer the first N posts late', count('--slow-first'), 0)
    .option('--slow-ms <ms>', 'how late a slow answer comes', count('--slow-ms'), 60_000)
    .action(async (o: ServerOptions) => {
      const config = loadConfig();
      initLogger({ level: config.logLevel, file: config.logFile });
      const server = await startGhipssServer({
        port: o.port,
        host: o.host,
        token: o.token,
        dir: o.dir ?? `${config.outDir}/ghipss`,
        seed: o.seed,
        faults: {
          dropFirst: o.dropFirst,
          dropBeforeReceiving: o.dropBeforeReceiving,
          failFirst: o.failFirst,
          slowFirst: o.slowFirst,
          slowMs: o.slowMs,
        },
      });
      process.stdout.write(`GhIPSS stand-in listening on ${server.url} (Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await server.close();
    });
}
