import { DISTRICTS, REGIONS, type District } from '../reference/geography.js';
import { dayNumber, isoDay, yearsBefore } from './dates.js';
import {
  bankAccount,
  ezwichCard,
  ghanaCardPin,
  householdRef,
  memberRef,
  msisdn,
  type NumberOffsets,
} from './identifiers.js';
import { familyName, languageGroupFor, personName, type Sex } from './names.js';
import { COMMUNITIES } from './places.js';
import type { Problem } from './problems.js';
import type { Random } from './random.js';

type Category = 'ovc' | 'elderly' | 'disability' | 'pregnant' | 'none';
type Role = 'caregiver' | 'alternate' | 'member';

/** Running numbers shared by all households of a sample. */
export interface SampleState {
  rng: Random;
  asOf: number;
  offsets: NumberOffsets;
  memberSeq: number;
  pinSeq: number;
  cardSeq: number;
}

export interface GeneratedHousehold {
  household: string[];
  members: string[][];
  instrument: string[] | null;
  caregiverPin: string;
}

const DISTRICTS_BY_REGION = new Map<string, District[]>();
for (const d of DISTRICTS) {
  const list = DISTRICTS_BY_REGION.get(d.regionCode) ?? [];
  list.push(d);
  DISTRICTS_BY_REGION.set(d.regionCode, list);
}

/** Household sizes 1 to 9 and their weights: about 4.4 members a household. */
const SIZE_WEIGHTS = [6, 11, 15, 20, 20, 13, 8, 5, 2];
const SIZES = SIZE_WEIGHTS.map((_, i) => i + 1);
const FIRST_ENROLMENT = dayNumber('2010-01-01');

/**
 * Ages in years (at the sample date) that fit each category. Children are at most 16, so that a
 * sample loaded up to a year after its date has no child past 18 (AGE_CATEGORY_MISMATCH).
 */
const AGES: Record<Category, [number, number]> = {
  ovc: [0, 16],
  elderly: [65, 95],
  disability: [18, 64],
  pregnant: [16, 44],
  none: [18, 64],
};

interface Person {
  role: Role;
  category: Category;
}

function planMembers(rng: Random, size: number, alternate: boolean): Person[] {
  const people: Person[] = [
    {
      role: 'caregiver',
      category:
        size === 1
          ? rng.chance(0.8)
            ? 'elderly'
            : 'disability'
          : rng.weighted<Category>(['elderly', 'disability', 'none'], (c) =>
              c === 'elderly' ? 20 : c === 'disability' ? 5 : 75,
            ),
    },
  ];
  if (alternate) {
    people.push({
      role: 'alternate',
      category: rng.weighted<Category>(['none', 'elderly', 'disability'], (c) =>
        c === 'none' ? 70 : 15,
      ),
    });
  }
  const weights: Record<Category, number> = {
    ovc: 70,
    elderly: 8,
    disability: 7,
    pregnant: 5,
    none: 10,
  };
  const categories = Object.keys(weights) as Category[];
  while (people.length < size) {
    people.push({ role: 'member', category: rng.weighted(categories, (c) => weights[c]) });
  }
  if (people.every((p) => p.category === 'none')) {
    const last = people[people.length - 1]!;
    if (last.role === 'member') last.category = 'ovc';
    else people[0]!.category = 'elderly';
  }
  return people;
}

function dateOfBirth(rng: Random, asOf: number, [min, max]: [number, number]): number {
  const earliest = yearsBefore(asOf, max + 1) + 1;
  const latest = min === 0 ? asOf - 14 : yearsBefore(asOf, min);
  return rng.int(earliest, latest);
}

/** A date that cannot exist, as typed into a form by hand. */
function impossibleDate(rng: Random): string {
  const year = rng.int(1950, 2005);
  return rng.pick([`${year}-02-30`, `${year}-13-0${rng.int(1, 9)}`, `${year}-04-31`]);
}

/** A Ghana Card PIN with one part wrong: a digit short, or the dashes left out. */
function malformedPin(rng: Random): string {
  return rng.chance(0.5) ? `GHA-${rng.digits(8)}-${rng.digits(1)}` : `GHA${rng.digits(10)}`;
}

/** One household with its members and payment instrument, as CSV rows. */
export function generateHousehold(
  s: SampleState,
  index: number,
  problem: Problem | undefined,
  sharedPin: string | undefined,
): GeneratedHousehold {
  const { rng, asOf } = s;
  const ref = householdRef(index + 1);
  const region = rng.weighted(REGIONS, (r) => r.leapWeight);
  const district = rng.pick(DISTRICTS_BY_REGION.get(region.code)!);
  const community = rng.pick(COMMUNITIES[region.code]!);
  const enrolled = rng.int(FIRST_ENROLMENT, asOf - 60);
  const assessed = rng.chance(0.7) ? rng.int(enrolled, Math.min(enrolled + 1461, asOf - 1)) : null;
  const status = problem === 'suspended' || problem === 'exited' ? problem : 'active';
  const statusSince = status === 'active' ? enrolled : rng.int(enrolled, asOf - 1);
  const districtCode = problem === 'unknown_district' ? `${region.code}-99` : district.code;

  const needsTwo =
    problem === 'deceased_with_alternate' ||
    problem === 'malformed_member_pin' ||
    problem === 'malformed_member_date';
  const size = Math.max(
    needsTwo ? 2 : 1,
    rng.weighted(SIZES, (n) => SIZE_WEIGHTS[n - 1]!),
  );
  const alternate =
    problem === 'deceased_with_alternate' ||
    (problem !== 'deceased_no_alternate' && size >= 2 && rng.chance(0.35));
  const people = planMembers(rng, size, alternate);
  const malformedAt = needsTwo && problem !== 'deceased_with_alternate' ? rng.int(1, size - 1) : -1;

  const group = languageGroupFor(rng, region.code);
  const family = familyName(rng, group);
  const members: string[][] = [];
  let caregiverName = '';
  let caregiverPin = '';
  people.forEach((p, i) => {
    const sex: Sex =
      p.category === 'pregnant'
        ? 'F'
        : rng.chance(p.role === 'caregiver' ? 0.75 : p.category === 'elderly' ? 0.6 : 0.5)
          ? 'F'
          : 'M';
    const ages: [number, number] =
      p.role === 'caregiver' && p.category !== 'elderly' ? [20, 64] : AGES[p.category];
    const name = personName(rng, group, sex, rng.chance(0.75) ? family : familyName(rng, group));
    let dob = isoDay(dateOfBirth(rng, asOf, ages));
    const adult = p.category !== 'ovc';
    let pin =
      p.role !== 'member' || (adult && rng.chance(0.85)) ? ghanaCardPin(s.pinSeq++, s.offsets) : '';
    if (p.role === 'caregiver' && sharedPin) pin = sharedPin;
    let deceased = '';
    if (p.role === 'caregiver' && problem?.startsWith('deceased')) {
      deceased = isoDay(rng.int(Math.max(enrolled + 30, asOf - 730), asOf - 1));
    }
    if (i === malformedAt && problem === 'malformed_member_pin') pin = malformedPin(rng);
    if (i === malformedAt && problem === 'malformed_member_date') dob = impossibleDate(rng);
    if (p.role === 'caregiver') {
      caregiverName = name;
      caregiverPin = pin;
    }
    members.push([
      memberRef(++s.memberSeq),
      ref,
      name,
      sex,
      dob,
      pin,
      p.category,
      p.role,
      deceased,
    ]);
  });

  return {
    household: [
      ref,
      region.code,
      districtCode,
      community,
      isoDay(enrolled),
      assessed === null ? '' : isoDay(assessed),
      status,
      isoDay(statusSince),
    ],
    members,
    instrument:
      problem === 'no_instrument'
        ? null
        : instrumentRow(s, ref, caregiverName, problem !== 'unverified_instrument'),
    caregiverPin,
  };
}

function instrumentRow(s: SampleState, ref: string, holder: string, verified: boolean): string[] {
  const { rng } = s;
  const roll = rng.next();
  const flag = verified ? 'true' : 'false';
  if (roll < 0.8) return [ref, 'ezwich', ezwichCard(s.cardSeq++, s.offsets), '', holder, flag];
  if (roll < 0.97) return [ref, 'momo', msisdn(rng, rng.chance(0.2)), '', holder, flag];
  const bank = bankAccount(rng);
  return [ref, 'bank', bank.accountNumber, bank.sortCode, holder, flag];
}
