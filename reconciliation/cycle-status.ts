import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/open.js';
import { controlTotals, type ControlTotals } from './control-equation.js';

/**
 * Cycles become 'reconciled' once none of their lines is pending (and go back to 'submitted' if
 * one is again); a closed cycle stays closed. Each must still satisfy its control equation.
 */
export async function refreshCycles(
  tx: Db,
  cycleIds: Iterable<number>,
): Promise<{ cycleId: number; control: ControlTotals }[]> {
  const out: { cycleId: number; control: ControlTotals }[] = [];
  // Limitation: a return that arrives after a cycle was closed opens its exception on the closed
  // cycle, which stays closed; nothing reopens it or warns at close time.
  for (const cycleId of [...new Set(cycleIds)].sort((a, b) => a - b)) {
    await tx.execute(sql`
      UPDATE cycles c
      SET status = CASE WHEN EXISTS (SELECT 1 FROM payroll_lines l
                                     WHERE l.cycle_id = c.id AND l.status = 'pending')
                        THEN 'submitted' ELSE 'reconciled' END
      WHERE c.id = ${cycleId} AND c.status IN ('submitted', 'reconciled')`);
    const control = await controlTotals(tx, cycleId);
    if (!control.holds) {
      throw new Error(
        `control equation broken for cycle ${cycleId}: off by ${control.difference.toFixed(2)}`,
      );
    }
    out.push({ cycleId, control });
  }
  return out;
}
