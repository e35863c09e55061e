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
import { logger } from '../logger.js';
import { lockEmbedded } from './embedded-lock.js';
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
  const release = lockEmbedded(opts.dbDir);
  let client: PGlite;
  try {
    client = await PGlite.create(opts.dbDir);
  } catch (err) {
    release();
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
        release();
      }
    },
  };
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
