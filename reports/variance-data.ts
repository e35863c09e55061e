import type { Db } from '../src/db/open.js';
import type { ReportOutcome } from './outcome.js';
import { withSnapshot, type RowCursor } from './report-data/snapshot.js';
import {
  NO_VARIANCE,
  previousCycle,
  varianceByDistrict,
  varianceLines,
  type DistrictVariance,
  type PreviousCycle,
  type VarianceLine,
  type VarianceSums,
} from './report-data/variance.js';

/** Everything a variance report shows, read in one snapshot; lines() streams the listing. */
export interface Variance {
  previous: PreviousCycle | null;
  districts: DistrictVariance[];
  total: VarianceSums;
  lines(): RowCursor<VarianceLine>;
}

/**
 * Loads the variance of a cycle against its previous one and hands it to write. Outcome: the
 * beneficiaries listed and the net change of the amount (zero with no previous cycle).
 */
export async function loadVariance(
  db: Db,
  cycleId: number,
  write: (v: Variance) => Promise<void>,
): Promise<ReportOutcome> {
  return withSnapshot(db, async (snap) => {
    const previous = await previousCycle(snap.db, cycleId);
    const found = previous
      ? await varianceByDistrict(snap.db, { cycleId, previousId: previous.id })
      : { districts: [], total: NO_VARIANCE };
    await write({
      previous,
      ...found,
      lines: () => varianceLines(snap.cursor, { cycleId, previousId: previous?.id ?? 0 }),
    });
    const t = found.total;
    return {
      rows: t.newCount + t.droppedCount + t.changedCount,
      total: t.currentAmount.minus(t.previousAmount),
    };
  });
}
