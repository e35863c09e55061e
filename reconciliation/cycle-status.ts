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
    const control = await controlTotals(tx, cycleId);
    if (!control.holds) {
      throw new Error(
        `control equation broken for cycle ${cycleId}: off by ${control.difference.toFixed(2)}`,
      );
    }
    const settled = control.byStatus.pending.lines === 0;
    await tx.execute(sql`
      UPDATE cycles SET status = ${settled ? 'reconciled' : 'submitted'}
      WHERE id = ${cycleId} AND status IN ('submitted', 'reconciled')
        AND status <> ${settled ? 'reconciled' : 'submitted'}`);
    out.push({ cycleId, control });
  }
  return out;
}
