import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';

/** The moment being replayed, as set for the transaction. */
const AS_OF = `current_setting('sika.as_of')::timestamptz`;

/**
 * Makes the database look, to the rest of the transaction, as it did when a cycle was built:
 * temporary views named like the tables the LEAP evaluation reads shadow them (pg_temp comes
 * first in the search path), so the build's own SQL runs unchanged against the past. The caller
 * must roll the transaction back; the views and tables here live only inside it.
 *
 * - enrolment (households, enrolments, members, payment_instruments): the versions in force at
 *   the build, from the *_as_of functions over the effective-dated history;
 * - grant_schedules: those recorded by then;
 * - cycles: the other cycles built before it, with a seal only if approved by then;
 * - payroll_lines: those cycles' lines, with the settlement status they had then (from
 *   line_status_events; a line changed without events keeps its status of now);
 * - payroll_line_items and cycle_exclusions: those cycles' items and exclusions;
 * - exceptions: a resolution counts only if it was made by then (a "pay again" decided after
 *   the build must not change what the build paid).
 */
export async function showDatabaseAsOf(
  tx: Db,
  p: { cycleId: number; asOf: string },
): Promise<void> {
  // pg_temp is searched first unless a setting says otherwise: say it, for this transaction.
  await tx.execute(sql`SET LOCAL search_path = pg_temp, public`);
  await tx.execute(sql`SELECT set_config('sika.as_of', ${p.asOf}, true),
    set_config('sika.replay_cycle', ${String(p.cycleId)}, true)`);
  const asOf = sql.raw(AS_OF);

  for (const table of ['households', 'enrolments', 'members', 'payment_instruments']) {
    await tx.execute(
      sql.raw(`CREATE TEMP VIEW ${table} AS SELECT * FROM public.${table}_as_of(${AS_OF})`),
    );
  }
  await tx.execute(sql`CREATE TEMP VIEW grant_schedules AS
    SELECT * FROM public.grant_schedules WHERE recorded_at <= ${asOf}`);

  const cycleColumns = await columnsOf(tx, 'cycles', {
    seal_sha256: `CASE WHEN c.approved_at <= ${AS_OF} THEN c.seal_sha256 END`,
  });
  await tx.execute(
    sql.raw(`CREATE TEMP VIEW cycles AS SELECT ${cycleColumns} FROM public.cycles c
      WHERE c.id <> current_setting('sika.replay_cycle')::int AND c.built_at < ${AS_OF}`),
  );

  // The status each line had at the moment: the last event by then, else the status before its
  // first event.
  await tx.execute(sql`CREATE TEMP TABLE replay_line_status AS
    SELECT DISTINCT ON (payroll_line_id) payroll_line_id AS line_id,
      CASE WHEN created_at <= ${asOf} THEN to_status ELSE from_status END AS status,
      CASE WHEN created_at <= ${asOf} AND to_status IN ('failed', 'returned') THEN reason_code END
        AS status_reason
    FROM public.line_status_events
    ORDER BY payroll_line_id, (created_at <= ${asOf}) DESC,
      CASE WHEN created_at <= ${asOf} THEN -extract(epoch FROM created_at) ELSE extract(epoch FROM created_at) END,
      CASE WHEN created_at <= ${asOf} THEN -id ELSE id END`);
  await tx.execute(sql`ANALYZE replay_line_status`);

  const lineColumns = await columnsOf(tx, 'payroll_lines', {
    status: 'CASE WHEN s.line_id IS NULL THEN l.status ELSE s.status END',
    status_reason: 'CASE WHEN s.line_id IS NULL THEN l.status_reason ELSE s.status_reason END',
  });
  await tx.execute(
    sql.raw(`CREATE TEMP VIEW payroll_lines AS SELECT ${lineColumns}
      FROM public.payroll_lines l JOIN pg_temp.cycles c ON c.id = l.cycle_id
      LEFT JOIN pg_temp.replay_line_status s ON s.line_id = l.id`),
  );
  await tx.execute(sql`CREATE TEMP VIEW payroll_line_items AS
    SELECT i.* FROM public.payroll_line_items i
    JOIN public.payroll_lines l ON l.id = i.payroll_line_id
    JOIN pg_temp.cycles c ON c.id = l.cycle_id`);
  await tx.execute(sql`CREATE TEMP VIEW cycle_exclusions AS
    SELECT x.* FROM public.cycle_exclusions x JOIN pg_temp.cycles c ON c.id = x.cycle_id`);
  const exceptionColumns = await columnsOf(tx, 'exceptions', {
    resolution: `CASE WHEN l.resolved_at <= ${AS_OF} THEN l.resolution END`,
  });
  await tx.execute(
    sql.raw(`CREATE TEMP VIEW exceptions AS SELECT ${exceptionColumns} FROM public.exceptions l`),
  );
}

/**
 * The select list of a table's columns in their order, with some replaced by expressions, so the
 * view has the table's shape even after columns are added to it.
 */
async function columnsOf(tx: Db, table: string, replaced: Record<string, string>): Promise<string> {
  const alias = table === 'cycles' ? 'c' : 'l';
  const columns = await rows<{ column_name: string }>(
    tx,
    sql`SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`,
  );
  return columns
    .map(({ column_name: c }) => (replaced[c] ? `${replaced[c]} AS ${c}` : `${alias}.${c}`))
    .join(', ');
}
