import type { Command } from 'commander';
import { withDatabase } from './context.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database housekeeping');
  db.command('migrate')
    .description('create or upgrade the schema and load the reference data (safe to repeat)')
    .action(async () => {
      await withDatabase(async ({ database, config }) => {
        const where =
          database.kind === 'pglite' ? `embedded database in ${config.dbDir}` : 'PostgreSQL';
        process.stdout.write(`schema and reference data up to date (${where})\n`);
      });
    });
}
