import { z } from 'zod';

/** All settings, read once from the environment. Nothing else reads process.env. */
const ConfigSchema = z.object({
  databaseUrl: z.string().url().optional(),
  dbDir: z.string().default('./var/db'),
  outDir: z.string().default('./out'),
  dataDir: z.string().default('./var/data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  logFile: z.string().default('./var/log/sika.log'),
  /** Debtor (paying) account that funds the programmes, written in every pain.001. */
  debtorName: z.string().default('MINISTRY OF GENDER CHILDREN AND SOCIAL PROTECTION'),
  debtorAccount: z.string().default('1011130012345'),
  debtorAgentBic: z.string().default('BAGHGHAC'),
  /** e-zwich card number rule: the format is not published, so it is configuration. */
  ezwichPattern: z.string().default('^\\d{10}$'),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return ConfigSchema.parse({
    databaseUrl: env.DATABASE_URL || undefined,
    dbDir: env.SIKA_DB_DIR || undefined,
    outDir: env.SIKA_OUT_DIR || undefined,
    dataDir: env.SIKA_DATA_DIR || undefined,
    logLevel: env.LOG_LEVEL || undefined,
    logFile: env.SIKA_LOG_FILE || undefined,
    debtorName: env.SIKA_DEBTOR_NAME || undefined,
    debtorAccount: env.SIKA_DEBTOR_ACCOUNT || undefined,
    debtorAgentBic: env.SIKA_DEBTOR_BIC || undefined,
    ezwichPattern: env.SIKA_EZWICH_PATTERN || undefined,
  });
}
