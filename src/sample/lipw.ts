import { DISTRICTS, REGIONS } from '../reference/geography.js';
import { dayNumber, isoDay, isWeekday } from './dates.js';
import type { CsvFileWriter } from './csv-writer.js';
import {
  ezwichCard,
  ghanaCardPin,
  householdRef,
  msisdn,
  subprojectCode,
  workerRef,
} from './identifiers.js';
import { familyName, languageGroupFor, personName } from './names.js';
import { ASSET_TYPES, COMMUNITIES } from './places.js';
import type { SampleState } from './household.js';

/** About one site (sub-project) per 25 workers, as in the programme's reported payrolls. */
const WORKERS_PER_SITE = 25;
/** Workers' household numbers outside LEAP start here, far above any LEAP household number. */
const NON_LEAP_HOUSEHOLD_BASE = 5_000_000;

interface Site {
  code: string;
  regionCode: string;
}

export interface LipwWriters {
  subprojects: CsvFileWriter;
  workers: CsvFileWriter;
  attendance: CsvFileWriter;
}

/**
 * LIPW sites in districts of every region (round robin over the regions), the workers of each
 * site, and their attendance: weekdays of the period only, one row per worker per day worked.
 */
export async function generateLipw(
  s: SampleState,
  p: { workers: number; leapHouseholds: number; period: { start: string; end: string } },
  out: LipwWriters,
): Promise<void> {
  const { rng } = s;
  const siteCount = Math.ceil(p.workers / WORKERS_PER_SITE);
  const sites: Site[] = [];
  const perDistrict = new Map<string, number>();
  for (let j = 0; j < siteCount; j++) {
    const region = REGIONS[j % REGIONS.length]!;
    const district = rng.pick(DISTRICTS.filter((d) => d.regionCode === region.code));
    const seq = (perDistrict.get(district.code) ?? 0) + 1;
    perDistrict.set(district.code, seq);
    const asset = rng.weighted(ASSET_TYPES, (a) => a.weight);
    const code = subprojectCode(district.code, seq);
    const place = rng.pick(COMMUNITIES[region.code]!);
    sites.push({ code, regionCode: region.code });
    await out.subprojects.write([code, `${place} ${asset.label}`, district.code, asset.type]);
  }

  const weekdays: number[] = [];
  for (let d = dayNumber(p.period.start); d <= dayNumber(p.period.end); d++) {
    if (isWeekday(d)) weekdays.push(d);
  }

  for (let i = 0; i < p.workers; i++) {
    const site = sites[Math.floor((i * siteCount) / p.workers)]!;
    const ref = workerRef(i + 1);
    // Each worker comes from a different household; some of them are LEAP households too.
    const household =
      i < p.leapHouseholds && rng.chance(0.2)
        ? householdRef(i + 1)
        : householdRef(NON_LEAP_HOUSEHOLD_BASE + i + 1);
    const group = languageGroupFor(rng, site.regionCode);
    const name = personName(rng, group, rng.chance(0.5) ? 'F' : 'M', familyName(rng, group));
    const pin = ghanaCardPin(s.pinSeq++, s.offsets);
    const momo = rng.chance(0.3);
    const account = momo ? msisdn(rng, rng.chance(0.2)) : ezwichCard(s.cardSeq++, s.offsets);
    await out.workers.write([
      ref,
      site.code,
      household,
      name,
      pin,
      momo ? 'momo' : 'ezwich',
      account,
    ]);

    const wanted = rng.chance(0.85) ? rng.int(8, 10) : rng.int(1, 7);
    for (const day of pickDays(rng, weekdays, Math.min(wanted, weekdays.length))) {
      await out.attendance.write([ref, site.code, isoDay(day)]);
    }
  }
}

function pickDays(rng: SampleState['rng'], days: readonly number[], k: number): number[] {
  const pool = [...days];
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}
