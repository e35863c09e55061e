import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { leapDueItems } from './leap-items.js';
import { leapEvaluation, leapRates, type LeapEvaluationParams } from './leap-rules.js';

/**
 * Evaluates a LEAP run into temporary tables that live until the end of the transaction:
 * leap_rates (the tiers per cycle), leap_evaluated (one row per household, as `evaluated`) and
 * leap_due (what each paid household is owed, as `due`). The build writes its lines, items,
 * exclusions and flags from them, and `cycle verify` replays the same statements against the
 * past, so the two cannot differ.
 *
 * Written out and analysed, the evaluation has true row counts: planned as one statement of
 * common table expressions, PostgreSQL guessed hundreds of households where there are hundreds
 * of thousands, and chose its joins for that.
 */
export async function evaluateLeapRun(tx: Db, p: LeapEvaluationParams): Promise<void> {
  await tx.execute(sql`CREATE TEMP TABLE leap_rates ON COMMIT DROP AS ${leapRates(p.cycles)}`);
  await tx.execute(sql`CREATE TEMP TABLE leap_evaluated ON COMMIT DROP AS
    WITH ${leapEvaluation(p)} SELECT * FROM evaluated`);
  // Only the columns later statements join and filter on: the others' statistics cost time and
  // change no plan.
  await tx.execute(sql`ANALYZE leap_evaluated (household_id, household_ref, reason_code)`);
  await tx.execute(sql`CREATE TEMP TABLE leap_due ON COMMIT DROP AS
    WITH rates AS (SELECT * FROM leap_rates), evaluated AS (SELECT * FROM leap_evaluated),
    ${leapDueItems({ firstCycle: p.cycles[0]! })}
    SELECT * FROM due`);
  await tx.execute(sql`ANALYZE leap_due (household_id)`);
}
