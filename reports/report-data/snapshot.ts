import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';

/** Rows of a query pulled a batch at a time from a server-side cursor. */
export interface RowCursor<T> {
  /** The next row, or undefined once the query is exhausted. */
  next(): Promise<T | undefined>;
}

/**
 * Runs fn in one read-only, repeatable-read transaction, so totals read first and lines streamed
 * after see the same data. The cursors it opens hold only a batch in memory; the database sorts.
 */
export async function withSnapshot<R>(
  db: Db,
  fn: (snap: { db: Db; cursor<T>(query: SQL, batchSize?: number): RowCursor<T> }) => Promise<R>,
): Promise<R> {
  return db.transaction(
    async (txn) => {
      const tx = txn as unknown as Db;
      // The whole result is always read: plan for all rows, not for a fast first batch.
      await tx.execute(sql`SET LOCAL cursor_tuple_fraction = 1.0`);
      // A national register sorts 350,000 lines; more sort memory keeps most of it off disk.
      await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
      let opened = 0;
      return fn({
        db: tx,
        cursor<T>(query: SQL, batchSize = 2000): RowCursor<T> {
          const name = sql.raw(`report_cursor_${++opened}`);
          let declared = false;
          let buffer: T[] = [];
          let at = 0;
          let done = false;
          // The next batch is asked for as soon as one arrives, so the database reads it while
          // the caller works through the current one (one query at a time on the connection).
          let ahead: Promise<T[]> | null = null;
          const fetch = () => rows<T>(tx, sql`FETCH ${sql.raw(String(batchSize))} FROM ${name}`);
          return {
            async next() {
              if (at < buffer.length) return buffer[at++];
              if (done) return undefined;
              if (!declared) {
                await tx.execute(sql`DECLARE ${name} NO SCROLL CURSOR FOR ${query}`);
                declared = true;
              }
              buffer = await (ahead ?? fetch());
              at = 0;
              done = buffer.length < batchSize;
              ahead = done ? null : fetch();
              // A report that stops early (or fails) leaves this fetch unread; never unhandled.
              ahead?.catch(() => undefined);
              return at < buffer.length ? buffer[at++] : undefined;
            },
          };
        },
      });
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
