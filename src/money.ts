import { Decimal } from 'decimal.js';

/**
 * Cedi amounts. Every amount is a Decimal rounded to the pesewa (2 places); no JavaScript number
 * ever holds money. Amounts cross the database edge as strings (numeric columns).
 */
export const Cedi = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

const AMOUNT = /^-?\d{1,12}(\.\d{1,2})?$/;

export class MoneyFormatError extends Error {
  constructor(readonly input: string) {
    super(`not an amount in GH¢ with at most 2 decimals: "${input}"`);
  }
}

/** Parses "1234.5", "1,234.56" or "GH¢ 1,234.56"; refuses anything finer than a pesewa. */
export function parseMoney(input: string): Money {
  const cleaned = input
    .replace(/^\s*(GH[¢S₵]|GHS)\s*/i, '')
    .replace(/,/g, '')
    .trim();
  if (!AMOUNT.test(cleaned)) throw new MoneyFormatError(input);
  return new Cedi(cleaned);
}

/** Reads a numeric column value (string from the database) as money. */
export function money(value: string | Decimal | number | bigint): Money {
  if (typeof value === 'number' && !Number.isInteger(value)) {
    throw new MoneyFormatError(String(value));
  }
  return new Cedi(value.toString()).toDecimalPlaces(2);
}

export const ZERO: Money = new Cedi(0);

export function sum(values: Iterable<Money>): Money {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** Fixed two-decimal string, as stored and as written in payment files: "1234.50". */
export function toAmountString(value: Money): string {
  return value.toFixed(2);
}

/** Display form: "GH¢ 1,234.56" (negative: "-GH¢ 1,234.56"). */
export function formatCedi(value: Money): string {
  const fixed = value.abs().toFixed(2);
  const [whole = '0', pesewas = '00'] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value.isNegative() && !value.isZero() ? '-' : ''}GH¢ ${grouped}.${pesewas}`;
}

export function moneyEquals(a: Money, b: Money): boolean {
  return a.toFixed(2) === b.toFixed(2);
}
