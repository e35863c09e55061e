import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { CsvFileWriter } from './csv-writer.js';
import { dayNumber, isoDay } from './dates.js';
import { FILE_COLUMNS, FILE_KINDS, FILE_NAMES, type FileKind } from './file-layout.js';
import { generateHousehold, type SampleState } from './household.js';
import { numberOffsets } from './identifiers.js';
import { generateLipw } from './lipw.js';
import { planProblems } from './problems.js';
import { createRandom } from './random.js';

export interface SampleOptions {
  seed: number;
  households: number;
  workers: number;
  dir: string;
  lipwPeriod: { start: string; end: string };
  onProgress?: (done: number, total: number) => void;
}

export interface SampleFiles {
  households: string;
  members: string;
  instruments: string;
  subprojects: string;
  workers: string;
  attendance: string;
  /** Rows written to each file, by kind. */
  counts: Record<string, number>;
  /**
   * Rows planted with each data problem (households by problem), and the rows import must
   * reject: `rejects.<kind>`.
   */
  problems: Record<string, number>;
}

// Random streams: one per part, so that a change in one part leaves the others as they were.
const STREAM = { problems: 1, numbers: 2, leap: 3, lipw: 4 } as const;
const PROGRESS_EVERY = 1_000;

const log = logger('sample');

const isDay = (v: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(dayNumber(v)) && isoDay(dayNumber(v)) === v;

function checkOptions(o: SampleOptions): void {
  const { start, end } = o.lipwPeriod;
  if (!isDay(start) || !isDay(end)) {
    throw new SikaError('USAGE', `LIPW period must be two dates YYYY-MM-DD, got ${start}..${end}`);
  }
  if (end < start) {
    throw new SikaError('USAGE', `LIPW period ends before it starts: ${start}..${end}`);
  }
  for (const [name, n] of [
    ['households', o.households],
    ['workers', o.workers],
  ] as const) {
    if (!Number.isInteger(n) || n < 0 || n > 4_999_999) {
      throw new SikaError('USAGE', `${name} must be a whole number from 0 to 4,999,999`);
    }
  }
}

/**
 * Writes the six CSV files of a sample extract into dir. The same options give byte-identical
 * files; ages and dates are counted from the first day of the LIPW period, not from today.
 */
export async function generateSample(o: SampleOptions): Promise<SampleFiles> {
  checkOptions(o);
  await mkdir(o.dir, { recursive: true });
  const started = Date.now();

  const paths = Object.fromEntries(
    FILE_KINDS.map((k) => [k, join(o.dir, FILE_NAMES[k])]),
  ) as Record<FileKind, string>;
  const writers = Object.fromEntries(
    FILE_KINDS.map((k) => [k, new CsvFileWriter(paths[k], FILE_COLUMNS[k])]),
  ) as Record<FileKind, CsvFileWriter>;

  const plan = planProblems(createRandom(o.seed, STREAM.problems), o.households);
  const state: SampleState = {
    rng: createRandom(o.seed, STREAM.leap),
    asOf: dayNumber(o.lipwPeriod.start),
    offsets: numberOffsets(createRandom(o.seed, STREAM.numbers)),
    memberSeq: 0,
    pinSeq: 0,
    cardSeq: 0,
  };

  // Caregiver PINs of the first household of each shared pair, until the second one is written.
  const pinsToShare = new Map<number, string>();
  let orphanMembers = 0;
  let orphanInstruments = 0;
  for (let i = 0; i < o.households; i++) {
    const problem = plan.problemOf.get(i);
    const partner = plan.partnerOf.get(i);
    const shared = partner === undefined ? undefined : pinsToShare.get(partner);
    const h = generateHousehold(state, i, problem, shared);
    if (problem === 'shared_pin_first') pinsToShare.set(i, h.caregiverPin);
    if (partner !== undefined) pinsToShare.delete(partner);
    if (problem === 'unknown_district') {
      orphanMembers += h.members.length;
      orphanInstruments += h.instrument ? 1 : 0;
    }

    await writers.households.write(h.household);
    for (const m of h.members) await writers.members.write(m);
    if (h.instrument) await writers.instruments.write(h.instrument);
    if ((i + 1) % PROGRESS_EVERY === 0) o.onProgress?.(i + 1, o.households);
  }

  state.rng = createRandom(o.seed, STREAM.lipw);
  await generateLipw(
    state,
    { workers: o.workers, leapHouseholds: o.households, period: o.lipwPeriod },
    writers,
  );

  for (const w of Object.values(writers)) await w.close();
  o.onProgress?.(o.households, o.households);

  const counts = Object.fromEntries(FILE_KINDS.map((k) => [k, writers[k].rows]));
  const problems: Record<string, number> = { ...plan.counts };
  const malformed = plan.counts.malformed_member_pin + plan.counts.malformed_member_date;
  Object.assign(problems, {
    'rejects.households': plan.counts.unknown_district,
    'rejects.members': malformed + orphanMembers,
    'rejects.instruments': orphanInstruments,
    'rejects.subprojects': 0,
    'rejects.workers': 0,
    'rejects.attendance': 0,
  });
  log.info({ seed: o.seed, ...counts, duration_ms: Date.now() - started }, 'sample written');
  return { ...paths, counts, problems };
}
