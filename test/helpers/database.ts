import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/open.js';
import { seedReferenceData } from '../../src/reference/seed.js';

/** The PostgreSQL server the tests use: DATABASE_URL, or the local server. */
export const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase extends Database {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a new, migrated and seeded database on the real PostgreSQL server, for one test file.
 * drop() closes it and removes it.
 */
export async function createTestDatabase(opts: { seed?: boolean } = {}): Promise<TestDatabase> {
  const name = `sika_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const url = withDatabase(serverUrl, name);
  const database = await openDatabase({ databaseUrl: url, dbDir: '' });
  await database.migrate();
  if (opts.seed !== false) await seedReferenceData(database.db);

  return {
    ...database,
    url,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The PostgreSQL error behind a failed query (drizzle wraps it): its SQLSTATE code and message. */
export async function pgFailure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause ?? (err as never);
    return { code: String(cause.code), message: String(cause.message) };
  }
  throw new Error('the query was expected to fail but succeeded');
}
