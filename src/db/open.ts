import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The database handle every domain function takes first: PostgreSQL or PGlite, same API. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database in dbDir. */
export async function openDatabase(opts: {
  databaseUrl?: string;
  dbDir: string;
}): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
    // An idle connection can be closed by the server (a restart, a dropped database); without a
    // handler that error would end the process. The next query simply opens a new connection.
    pool.on('error', (err) =>
      logger('db').warn({ code: (err as { code?: string }).code }, 'idle connection lost'),
    );
    const db = drizzlePg(pool, { schema });
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      migrate: () => migratePg(db, { migrationsFolder }),
      close: () => pool.end(),
    };
  }
  mkdirSync(opts.dbDir, { recursive: true });
  const release = await lockEmbedded(opts.dbDir);
  let client: PGlite;
  try {
    client = await PGlite.create(opts.dbDir);
  } catch (err) {
    await release();
    throw err;
  }
  const db = drizzlePglite(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder }),
    close: async () => {
      try {
        await client.close();
      } finally {
        await release();
      }
    },
  };
}

/**
 * A lock did not refresh for this long: its process is gone (killed, machine stopped). Long, as
 * a PGlite statement runs on the process's only thread and holds up the refresh meanwhile.
 */
const EMBEDDED_LOCK_STALE_MS = 120_000;

/**
 * PGlite is PostgreSQL in one process: two processes opening the same folder each write its files
 * as if alone, and the database is corrupted. So a process holds a lock on the folder (a lock
 * directory beside it, refreshed while open and removed on exit) and a second one is refused.
 */
async function lockEmbedded(dbDir: string): Promise<() => Promise<void>> {
  const log = logger('db');
  try {
    return await lockfile.lock(dbDir, {
      lockfilePath: `${dbDir.replace(/\/+$/, '')}.lock`,
      stale: EMBEDDED_LOCK_STALE_MS,
      update: EMBEDDED_LOCK_STALE_MS / 6,
      realpath: false,
      retries: 0,
      // Refused or delayed refreshes (a long statement): the database stays open; a process that
      // finds the lock stale meanwhile could open it too, which the long limit makes unlikely.
      onCompromised: (err) =>
        log.warn({ code: (err as { code?: string }).code }, 'embedded database lock not refreshed'),
    });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ELOCKED') throw err;
    throw new SikaError(
      'DATABASE_IN_USE',
      `the embedded database in ${dbDir} is open in another sika process (a command or the ` +
        `server still running); run one at a time, or use PostgreSQL (DATABASE_URL) to work ` +
        `from several at once. A lock left by a process that was killed clears within ` +
        `${EMBEDDED_LOCK_STALE_MS / 60_000} minutes.`,
    );
  }
}

/** Rows of a raw query, the same for both drivers. */
export async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The database is PGlite: one connection, one statement at a time. */
export function singleConnection(db: Db): boolean {
  const client = (db as unknown as { $client?: unknown }).$client;
  return !(client instanceof pg.Pool);
}

/** PostgreSQL's SQLSTATE of an error from node-postgres or PGlite (drizzle keeps it as the cause). */
export function sqlState(err: unknown): string | undefined {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
