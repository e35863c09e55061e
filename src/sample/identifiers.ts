import { BANK_SORT_CODES } from '../reference/bank-sort-codes.js';
import type { Random } from './random.js';

/** Identifier formats of docs/architecture.md, and the account numbers of sample instruments. */
export const householdRef = (n: number) => `HH${String(n).padStart(7, '0')}`;
export const memberRef = (n: number) => `MB${String(n).padStart(8, '0')}`;
export const workerRef = (n: number) => `WK${String(n).padStart(7, '0')}`;
export const subprojectCode = (districtCode: string, seq: number) =>
  `SP-${districtCode}-${String(seq).padStart(3, '0')}`;

/**
 * Unique numbers that do not look sequential: n -> (n * m + offset) mod 10^k is a bijection when
 * m shares no factor with 10, so distinct n give distinct numbers. BigInt keeps it exact.
 */
function scramble(n: number, digits: number, multiplier: bigint, offset: bigint): string {
  const modulus = 10n ** BigInt(digits);
  return ((BigInt(n) * multiplier + offset) % modulus).toString().padStart(digits, '0');
}

/** Per-seed offsets so that two seeds give different numbers. */
export interface NumberOffsets {
  pin: bigint;
  card: bigint;
}

export function numberOffsets(rng: Random): NumberOffsets {
  return { pin: BigInt(rng.digits(9)), card: BigInt(rng.digits(10)) };
}

/**
 * The n-th Ghana Card PIN of a sample: `GHA-` + 9 digits + `-` + 1 digit. The real check digit
 * algorithm is not published, so the last digit here is the digit sum mod 10, a stand-in.
 */
export function ghanaCardPin(n: number, offsets: NumberOffsets): string {
  const body = scramble(n, 9, 387_420_489n, offsets.pin);
  let sum = 0;
  for (const ch of body) sum += Number(ch);
  return `GHA-${body}-${sum % 10}`;
}

/** The n-th e-zwich card number of a sample: 10 digits (the community-reported length). */
export function ezwichCard(n: number, offsets: NumberOffsets): string {
  return scramble(n, 10, 3_486_784_401n, offsets.card);
}

/**
 * Network prefixes (after the leading 0), each in src/reference/phone-prefixes.ts, weighted
 * roughly by market share: MTN 24/54/55/59, Telecel 20/50, AT 26/56/27/57.
 */
const MOMO_PREFIXES = [
  { prefix: '24', weight: 22 },
  { prefix: '54', weight: 18 },
  { prefix: '55', weight: 12 },
  { prefix: '59', weight: 8 },
  { prefix: '20', weight: 10 },
  { prefix: '50', weight: 10 },
  { prefix: '26', weight: 6 },
  { prefix: '56', weight: 5 },
  { prefix: '27', weight: 5 },
  { prefix: '57', weight: 4 },
] as const;

/** A mobile money number; `local` gives the 0XXXXXXXXX form people write, else +233XXXXXXXXX. */
export function msisdn(rng: Random, local: boolean): string {
  const { prefix } = rng.weighted(MOMO_PREFIXES, (p) => p.weight);
  return `${local ? '0' : '+233'}${prefix}${rng.digits(7)}`;
}

/** A bank account at a branch of the sort code table. */
export function bankAccount(rng: Random): { accountNumber: string; sortCode: string } {
  return {
    accountNumber: `${rng.int(1, 9)}${rng.digits(12)}`,
    sortCode: rng.pick(BANK_SORT_CODES).sortCode,
  };
}
