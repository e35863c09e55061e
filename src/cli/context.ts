import { loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/open.js';
import { initLogger } from '../logger.js';
import { seedReferenceData } from '../reference/seed.js';

export interface Context {
  config: Config;
  database: Database;
}

/**
 * Opens the configured database for one command, migrated and seeded, and closes it afterwards
 * whatever happens. Migrating on every start keeps a new install and an upgraded one the same.
 */
export async function withDatabase<T>(
  run: (ctx: Context) => Promise<T>,
  override: Partial<Pick<Config, 'databaseUrl' | 'dbDir'>> = {},
): Promise<T> {
  const config = { ...loadConfig(), ...override };
  initLogger({ level: config.logLevel, file: config.logFile });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dbDir: config.dbDir });
  try {
    await database.migrate();
    await seedReferenceData(database.db);
    return await run({ config, database });
  } finally {
    await database.close();
  }
}
