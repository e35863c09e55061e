import type { Random } from './random.js';

/**
 * The data problems planted in a sample, each in a fixed share of households, so that payroll
 * withholds and excludes, and import rejects, a known number of them. A household has at most
 * one problem, which keeps every expected count exact.
 */
export type Problem =
  | 'no_instrument'
  | 'unverified_instrument'
  | 'shared_pin_first'
  | 'shared_pin_second'
  | 'deceased_with_alternate'
  | 'deceased_no_alternate'
  | 'suspended'
  | 'exited'
  | 'malformed_member_pin'
  | 'malformed_member_date'
  | 'unknown_district';

/** Shares of households; shared PINs come in pairs of households, malformed rows by members. */
export const PROBLEM_RATES = {
  noInstrument: 0.01,
  unverifiedInstrument: 0.005,
  sharedPinPairs: 0.003,
  deceasedCaregiver: 0.003,
  statusChanged: 0.01,
  // About 0.1% of member rows, at about 4.4 members a household.
  malformedMember: 0.0044,
  unknownDistrict: 0.0005,
} as const;

export interface ProblemPlan {
  problemOf: Map<number, Problem>;
  /** For the second household of a shared-PIN pair: the index of the first. */
  partnerOf: Map<number, number>;
  counts: Record<Problem, number>;
}

const quota = (households: number, rate: number) => Math.ceil(households * rate);

/** How many households get each problem; a share rounds up, so small samples have some of each. */
export function problemQuotas(households: number): [Problem, number][] {
  const r = PROBLEM_RATES;
  const deceased = quota(households, r.deceasedCaregiver);
  const status = quota(households, r.statusChanged);
  const malformed = quota(households, r.malformedMember);
  const pairs = quota(households, r.sharedPinPairs);
  return [
    ['no_instrument', quota(households, r.noInstrument)],
    ['unverified_instrument', quota(households, r.unverifiedInstrument)],
    ['shared_pin_first', pairs],
    ['shared_pin_second', pairs],
    ['deceased_with_alternate', Math.ceil(deceased / 2)],
    ['deceased_no_alternate', Math.floor(deceased / 2)],
    ['suspended', Math.ceil(status / 2)],
    ['exited', Math.floor(status / 2)],
    ['malformed_member_pin', Math.ceil(malformed / 2)],
    ['malformed_member_date', Math.floor(malformed / 2)],
    ['unknown_district', quota(households, r.unknownDistrict)],
  ];
}

/**
 * Chooses the households of each problem: a partial Fisher-Yates shuffle of the household
 * indices, taken in order. A sample too small for every quota gets the problems that fit.
 */
export function planProblems(rng: Random, households: number): ProblemPlan {
  const quotas = problemQuotas(households);
  const needed = Math.min(
    households,
    quotas.reduce((n, [, q]) => n + q, 0),
  );

  const order = new Uint32Array(households);
  for (let i = 0; i < households; i++) order[i] = i;
  for (let i = 0; i < needed; i++) {
    const j = rng.int(i, households - 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }

  const problemOf = new Map<number, Problem>();
  const partnerOf = new Map<number, number>();
  const counts = Object.fromEntries(quotas.map(([p]) => [p, 0])) as Record<Problem, number>;
  let next = 0;
  const pairs = quotas.find(([p]) => p === 'shared_pin_first')![1];
  for (let k = 0; k < pairs && next + 2 <= needed; k++) {
    const a = order[next++]!;
    const b = order[next++]!;
    problemOf.set(Math.min(a, b), 'shared_pin_first');
    problemOf.set(Math.max(a, b), 'shared_pin_second');
    partnerOf.set(Math.max(a, b), Math.min(a, b));
    counts.shared_pin_first++;
    counts.shared_pin_second++;
  }
  for (const [problem, q] of quotas) {
    if (problem === 'shared_pin_first' || problem === 'shared_pin_second') continue;
    for (let k = 0; k < q && next < needed; k++) {
      problemOf.set(order[next++]!, problem);
      counts[problem]++;
    }
  }
  return { problemOf, partnerOf, counts };
}
