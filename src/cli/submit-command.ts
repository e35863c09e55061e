import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { SikaError } from '../errors.js';
import {
  CHANNELS,
  HttpTransport,
  PAYMENT_FORMATS,
  resendRefusedFile,
  responseName,
  submitCycle,
  type Channel,
} from '../ghipss/index.js';
import { MIN_RESEND_REASON } from '../ghipss/resend-checks.js';
import { formatCedi, money } from '../money.js';
import { withDatabase } from './context.js';
import { positiveInt } from './options.js';

interface SubmitOptions {
  cycle: number;
  as: string;
  outbox?: string;
  maxTx: number;
  format: string[];
  transport: string;
  resend?: string;
  reason?: string;
  refusal?: string;
}

/** "ezwich=ezwich-csv" pairs into a format per channel, refusing unknown names. */
function formatsOf(pairs: string[]): Partial<Record<Channel, string>> {
  const names = PAYMENT_FORMATS.map((f) => f.name);
  const out: Partial<Record<Channel, string>> = {};
  for (const pair of pairs) {
    const [channel, name] = pair.split('=');
    if (!channel || !name || !(CHANNELS as readonly string[]).includes(channel)) {
      throw new SikaError(
        'USAGE',
        `--format takes CHANNEL=FORMAT with CHANNEL one of ${CHANNELS.join(', ')}, got "${pair}"`,
      );
    }
    if (!names.includes(name)) {
      throw new SikaError('USAGE', `unknown format "${name}"; formats: ${names.join(', ')}`);
    }
    out[channel as Channel] = name;
  }
  return out;
}

/** Where the switch's refusal of `fileName` is read: named, fetched over HTTP, or in the inbox. */
function refusalOf(
  fileName: string,
  named: string | undefined,
  inbox: string,
  http: HttpTransport | undefined,
): string | ((messageId: string) => Promise<string>) {
  const path = named ?? join(inbox, responseName(basename(fileName)));
  if (named || !http) return path;
  // The switch answers over HTTP with a pain.002 whatever the layout of the file.
  const fetched = join(inbox, `${basename(fileName).replace(/\.(xml|csv)$/i, '')}.pain002.xml`);
  return async (messageId) => {
    await mkdir(inbox, { recursive: true });
    if (!(await http.fetchStatusReport(messageId, fetched))) {
      throw new SikaError('USAGE', `GhIPSS has no status report for ${messageId} yet`);
    }
    return fetched;
  };
}

export function registerSubmit(program: Command): void {
  program
    .command('submit')
    .description(
      'write the payment files of an approved cycle and send them to GhIPSS, exactly once ' +
        '(a retry sends only what the far side does not have)',
    )
    .requiredOption('--cycle <id>', 'cycle id', positiveInt('--cycle'))
    .requiredOption('--as <user>', 'the finance officer sending it')
    .option('--outbox <dir>', 'folder the files are written to (default: SIKA_OUT_DIR/outbox)')
    .option(
      '--max-tx <n>',
      'most transactions in one file',
      positiveInt('--max-tx', 1_000_000),
      50_000,
    )
    .option(
      '--format <channel=format>',
      `layout for a channel (repeatable); formats: ${PAYMENT_FORMATS.map((f) => f.name).join(', ')}; ` +
        'default pain.001.001.03',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option(
      '--transport <kind>',
      'drop: the outbox is the folder GhIPSS collects from; http: POST to SIKA_GHIPSS_URL with SIKA_GHIPSS_TOKEN',
      'drop',
    )
    .option(
      '--resend <file>',
      'send again, under a new message id, a file the switch refused as a whole (audited; needs --reason)',
    )
    .option(
      '--reason <text>',
      `why the refused file is sent again, at least ${MIN_RESEND_REASON} characters (kept in the ` +
        'audit trail)',
    )
    .option(
      '--refusal <report>',
      "the switch's status report refusing it, pain.002 or sika-status-csv-1 (default: fetched " +
        'over http, or SIKA_OUT_DIR/inbox/FILE.pain002.xml, FILE.status.csv for a CSV file)',
    )
    .action(async (o: SubmitOptions) => {
      const formats = formatsOf(o.format);
      if ((o.resend === undefined) !== (o.reason === undefined)) {
        throw new SikaError('USAGE', '--resend and --reason go together');
      }
      if (o.transport !== 'drop' && o.transport !== 'http') {
        throw new SikaError('USAGE', `--transport must be drop or http, got "${o.transport}"`);
      }
      await withDatabase(async ({ database, config }) => {
        let transport: HttpTransport | undefined;
        if (o.transport === 'http') {
          if (!config.ghipssUrl || !config.ghipssToken) {
            throw new SikaError(
              'USAGE',
              '--transport http needs SIKA_GHIPSS_URL and SIKA_GHIPSS_TOKEN',
            );
          }
          transport = new HttpTransport({ baseUrl: config.ghipssUrl, token: config.ghipssToken });
        }
        const params = {
          cycleId: o.cycle,
          submittedBy: o.as,
          outbox: o.outbox ?? `${config.outDir}/outbox`,
          maxTxPerFile: o.maxTx,
          debtor: {
            name: config.debtorName,
            account: config.debtorAccount,
            agentBic: config.debtorAgentBic,
          },
          formats,
          transport,
          manifestKey: config.manifestKey,
        };
        const r = o.resend
          ? await resendRefusedFile(database.db, {
              ...params,
              fileName: o.resend,
              reason: o.reason ?? '',
              refusalReport: refusalOf(o.resend, o.refusal, `${config.outDir}/inbox`, transport),
            })
          : await submitCycle(database.db, params);
        for (const f of r.files) {
          const note = f.alreadySent ? ' (sent before: not sent again)' : '';
          process.stdout.write(
            `${f.fileName} [${f.format}]: ${f.txCount} payments, ${formatCedi(money(f.controlSum))}, ` +
              `sha256 ${f.sha256}${note}\n`,
          );
        }
        if (!config.manifestKey) {
          process.stderr.write(
            'note: SIKA_MANIFEST_KEY is not set, so the manifests are unsigned\n',
          );
        }
      });
    });
}
