import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { cycles } from '../db/schema.js';
import { SikaError } from '../errors.js';
import type { CycleRow } from './types.js';

export interface CycleRef {
  cycleId?: number;
  programme?: string;
  periodKey?: string;
}

/** A cycle by id, or by programme and period key ("106", "2025-02-24..2025-03-07"). */
export async function findCycle(db: Db, ref: CycleRef): Promise<CycleRow> {
  let where: SQL | undefined;
  if (ref.cycleId !== undefined) {
    where = eq(cycles.id, ref.cycleId);
  } else if (ref.programme && ref.periodKey) {
    where = and(eq(cycles.programme, ref.programme), eq(cycles.periodKey, ref.periodKey));
  } else {
    throw new SikaError('USAGE', 'name a cycle by id, or by programme and period key');
  }

  const [row] = await db.select().from(cycles).where(where);
  if (!row) {
    const name = ref.cycleId !== undefined ? `${ref.cycleId}` : `${ref.programme} ${ref.periodKey}`;
    throw new SikaError('CYCLE_NOT_FOUND', `cycle ${name} does not exist (see sika cycle list)`, {
      ...ref,
    });
  }
  return row;
}

/** Every cycle, oldest first. */
export async function listCycles(db: Db): Promise<CycleRow[]> {
  return db.select().from(cycles).orderBy(asc(cycles.id));
}
