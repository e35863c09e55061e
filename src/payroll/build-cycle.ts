import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { money, ZERO } from '../money.js';
import { END_TO_END_MAX, END_TO_END_PATTERN } from './references.js';
import type { BuildResult, Programme } from './types.js';

/**
 * Steps shared by the LEAP and LIPW builders: taking the cycle row, and closing the build with
 * its totals and summary. All run inside the builder's transaction.
 */

const BUILD_LOCK: Record<Programme, number> = { LEAP: 7411002, LIPW: 7411003 };

/**
 * Serialises builds of one programme for the rest of the transaction, so two builders never
 * interleave their checks (a second build of the same period waits, then finds it taken).
 */
export async function lockProgramme(tx: Db, programme: Programme): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${BUILD_LOCK[programme]})`);
}

/**
 * A build is one large set-based statement: give its sorts and hash joins room so they do not
 * spill to disk, and skip JIT compilation, which costs more than it saves on a single pass.
 * SET LOCAL ends with the transaction.
 */
export async function tuneForBuild(tx: Db): Promise<void> {
  await tx.execute(sql`SET LOCAL work_mem = '128MB'`);
  await tx.execute(sql`SET LOCAL jit = off`);
}

/**
 * Refreshes the planner statistics of the tables a build reads when they changed a lot since
 * last analysed (an import just loaded them, or autovacuum has not caught up): planned on stale
 * figures, a national build takes a household count of hundreds and picks nested loops.
 */
export async function analyzeStale(tx: Db, tables: readonly string[]): Promise<void> {
  const stale = await rows<{ relname: string }>(
    tx,
    sql`SELECT relname FROM pg_stat_user_tables
        WHERE schemaname = 'public' AND relname IN (${sql.join(
          tables.map((t) => sql`${t}`),
          sql`, `,
        )})
          AND n_mod_since_analyze > 50 + n_live_tup / 10
        ORDER BY relname`,
  );
  if (stale.length === 0) return;
  await tx.execute(sql.raw(`ANALYZE ${stale.map((t) => `"${t.relname}"`).join(', ')}`));
}

export interface CycleSlot {
  programme: Programme;
  cycleNumber: number | null;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  builtBy: string;
}

/** Removes what a build wrote for an unsealed cycle: items, lines, exclusions and flags. */
export async function emptyCycle(tx: Db, cycleId: number): Promise<void> {
  await tx.execute(sql`DELETE FROM payroll_line_items WHERE payroll_line_id IN
    (SELECT id FROM payroll_lines WHERE cycle_id = ${cycleId})`);
  await tx.execute(sql`DELETE FROM payroll_lines WHERE cycle_id = ${cycleId}`);
  await tx.execute(sql`DELETE FROM cycle_exclusions WHERE cycle_id = ${cycleId}`);
  await tx.execute(sql`DELETE FROM cycle_flags WHERE cycle_id = ${cycleId}`);
}

/**
 * Creates the cycle row, or takes back a rejected (draft) one and empties it for a rebuild.
 * Any other existing cycle for the period is refused with CYCLE_EXISTS.
 */
export async function claimCycle(
  tx: Db,
  s: CycleSlot,
): Promise<{ cycleId: number; rebuilt: boolean }> {
  const [existing] = await rows<{ id: number; status: string }>(
    tx,
    sql`SELECT id, status FROM cycles
        WHERE programme = ${s.programme} AND period_key = ${s.periodKey} FOR UPDATE`,
  );

  if (existing) {
    if (existing.status !== 'draft') {
      throw new SikaError('CYCLE_EXISTS', 'a cycle for this period already exists', {
        cycleId: existing.id,
        status: existing.status,
      });
    }
    await emptyCycle(tx, existing.id);
    await tx.execute(sql`
      UPDATE cycles SET status = 'built', built_by = ${s.builtBy}, built_at = now(),
        line_count = 0, total_amount = 0, approved_by = NULL, approved_at = NULL,
        control_totals = NULL
      WHERE id = ${existing.id}`);
    return { cycleId: existing.id, rebuilt: true };
  }

  // The unique index on (programme, period_key) is the last word if a builder without the lock
  // got here first: the insert then does nothing and this build is refused.
  const [created] = await rows<{ id: number }>(
    tx,
    sql`INSERT INTO cycles (programme, cycle_number, period_key, period_start, period_end,
          status, built_by)
        VALUES (${s.programme}, ${s.cycleNumber}, ${s.periodKey}, ${s.periodStart}::date,
          ${s.periodEnd}::date, 'built', ${s.builtBy})
        ON CONFLICT (programme, period_key) DO NOTHING
        RETURNING id`,
  );
  if (!created) {
    throw new SikaError('CYCLE_EXISTS', 'a cycle for this period already exists', {
      periodKey: s.periodKey,
    });
  }
  return { cycleId: created.id, rebuilt: false };
}

/**
 * Refuses the build if any payment reference is unusable (the transaction then rolls back), and
 * stores the line count and total as the database sums them.
 */
export async function finishBuild(
  tx: Db,
  cycleId: number,
  programme: Programme,
  periodKey: string,
): Promise<BuildResult> {
  const [bad] = await rows<{ end_to_end_id: string }>(
    tx,
    sql`SELECT end_to_end_id FROM payroll_lines
        WHERE cycle_id = ${cycleId}
          AND (length(end_to_end_id) > ${END_TO_END_MAX} OR end_to_end_id !~ ${END_TO_END_PATTERN})
        ORDER BY line_no LIMIT 1`,
  );
  if (bad) {
    throw new SikaError(
      'PAYMENT_FILE_INVALID',
      'payment reference is not usable as an EndToEndId',
      {
        endToEndId: bad.end_to_end_id,
      },
    );
  }

  const [totals] = await rows<{ line_count: number; total_amount: string; arrears: string }>(
    tx,
    sql`UPDATE cycles c SET line_count = s.n, total_amount = s.total
        FROM (SELECT count(*)::int AS n, coalesce(sum(amount), 0) AS total,
                coalesce(sum(arrears_amount), 0)::text AS arrears
              FROM payroll_lines WHERE cycle_id = ${cycleId}) s
        WHERE c.id = ${cycleId}
        RETURNING c.line_count, c.total_amount::text AS total_amount, s.arrears`,
  );
  const flagRows = await rows<{ flag_code: string; n: number }>(
    tx,
    sql`SELECT flag_code, count(*)::int AS n FROM cycle_flags WHERE cycle_id = ${cycleId}
        GROUP BY flag_code ORDER BY flag_code`,
  );

  const reasons = await rows<{ kind: string; reason_code: string; n: number; held: string }>(
    tx,
    sql`SELECT kind, reason_code, count(*)::int AS n, sum(amount_held)::text AS held
        FROM cycle_exclusions WHERE cycle_id = ${cycleId}
        GROUP BY kind, reason_code ORDER BY reason_code`,
  );

  const byReason: BuildResult['byReason'] = {};
  let excluded = 0;
  let withheld = 0;
  for (const r of reasons) {
    const prior = byReason[r.reason_code] ?? { households: 0, amount: ZERO };
    byReason[r.reason_code] = {
      households: prior.households + r.n,
      amount: prior.amount.plus(money(r.held)),
    };
    if (r.kind === 'excluded') excluded += r.n;
    else withheld += r.n;
  }

  return {
    cycleId,
    programme,
    periodKey,
    lines: totals?.line_count ?? 0,
    total: money(totals?.total_amount ?? '0'),
    arrears: money(totals?.arrears ?? '0'),
    excluded,
    withheld,
    byReason,
    flags: Object.fromEntries(flagRows.map((f) => [f.flag_code, f.n])),
  };
}
