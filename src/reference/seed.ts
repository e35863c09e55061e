import type { Db } from '../db/open.js';
import { districts, grantSchedules, regions, users, wageRates } from '../db/schema.js';
import { DISTRICTS, REGIONS } from './geography.js';
import { DEMO_USERS, GRANT_SCHEDULES, WAGE_RATES } from './grant-schedules.js';

/** Loads the reference data every database needs. Safe to run again: existing rows are kept. */
export async function seedReferenceData(db: Db): Promise<void> {
  await db
    .insert(regions)
    .values(REGIONS.map((r) => ({ code: r.code, name: r.name })))
    .onConflictDoNothing();
  await db
    .insert(districts)
    .values(DISTRICTS.map((d) => ({ code: d.code, regionCode: d.regionCode, name: d.name })))
    .onConflictDoNothing();
  await db
    .insert(grantSchedules)
    .values(
      GRANT_SCHEDULES.map((s) => ({
        effectiveFromCycle: s.effectiveFromCycle,
        label: s.label,
        tier1: s.tiers[0],
        tier2: s.tiers[1],
        tier3: s.tiers[2],
        tier4: s.tiers[3],
        appliesRetroactivelyToCycle: s.appliesRetroactivelyToCycle ?? null,
      })),
    )
    .onConflictDoNothing();
  await db
    .insert(wageRates)
    .values(WAGE_RATES.map((w) => ({ ...w })))
    .onConflictDoNothing();
  await db
    .insert(users)
    .values(DEMO_USERS.map((u) => ({ ...u })))
    .onConflictDoNothing();
}
