import { z } from 'zod';
import { SikaError } from './errors.js';

/** All settings, read once from the environment. Nothing else reads process.env. */
const ConfigSchema = z.object({
  databaseUrl: z.string().url().optional(),
  dbDir: z.string().default('./var/db'),
  outDir: z.string().default('./out'),
  dataDir: z.string().default('./var/data'),
  /** Content-addressed copies of every settlement and import file loaded. */
  archiveDir: z.string().default('./var/archive'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  logFile: z.string().default('./var/log/sika.log'),
  /** Debtor (paying) account that funds the programmes, written in every pain.001. */
  debtorName: z.string().default('MINISTRY OF GENDER CHILDREN AND SOCIAL PROTECTION'),
  debtorAccount: z.string().default('1011130012345'),
  debtorAgentBic: z.string().default('BAGHGHAC'),
  /** e-zwich card number rule: the format is not published, so it is configuration. */
  ezwichPattern: z.string().default('^\\d{10}$'),
  /** HMAC-SHA256 key that signs each payment file's manifest; unsigned manifests without it. */
  manifestKey: z.string().min(16).optional(),
  /** GhIPSS REST endpoint and bearer token, for `sika submit --transport http`. */
  ghipssUrl: z.string().url().optional(),
  ghipssToken: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse({
    databaseUrl: env.DATABASE_URL || undefined,
    dbDir: env.SIKA_DB_DIR || undefined,
    outDir: env.SIKA_OUT_DIR || undefined,
    dataDir: env.SIKA_DATA_DIR || undefined,
    archiveDir: env.SIKA_ARCHIVE_DIR || undefined,
    logLevel: env.LOG_LEVEL || undefined,
    logFile: env.SIKA_LOG_FILE || undefined,
    debtorName: env.SIKA_DEBTOR_NAME || undefined,
    debtorAccount: env.SIKA_DEBTOR_ACCOUNT || undefined,
    debtorAgentBic: env.SIKA_DEBTOR_BIC || undefined,
    ezwichPattern: env.SIKA_EZWICH_PATTERN || undefined,
    manifestKey: env.SIKA_MANIFEST_KEY || undefined,
    ghipssUrl: env.SIKA_GHIPSS_URL || undefined,
    ghipssToken: env.SIKA_GHIPSS_TOKEN || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${ENV_NAMES[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`,
    );
    throw new SikaError('CONFIG_INVALID', `bad setting: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The environment variable behind each setting, to name it in an error. */
const ENV_NAMES: Record<string, string> = {
  databaseUrl: 'DATABASE_URL',
  dbDir: 'SIKA_DB_DIR',
  outDir: 'SIKA_OUT_DIR',
  dataDir: 'SIKA_DATA_DIR',
  archiveDir: 'SIKA_ARCHIVE_DIR',
  logLevel: 'LOG_LEVEL',
  logFile: 'SIKA_LOG_FILE',
  debtorName: 'SIKA_DEBTOR_NAME',
  debtorAccount: 'SIKA_DEBTOR_ACCOUNT',
  debtorAgentBic: 'SIKA_DEBTOR_BIC',
  ezwichPattern: 'SIKA_EZWICH_PATTERN',
  manifestKey: 'SIKA_MANIFEST_KEY',
  ghipssUrl: 'SIKA_GHIPSS_URL',
  ghipssToken: 'SIKA_GHIPSS_TOKEN',
};
