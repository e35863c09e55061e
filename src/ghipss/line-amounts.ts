import { Cedi, money } from '../money.js';
import type { PaymentLine } from './pain001-writer.js';

/** Up to 12 digits of cedis, as numeric(14,2) allows: pesewas stay below 2^53. */
const MAX_CEDI_DIGITS = 12;
/** Sums below this stay exact when one more amount (under 10^14 pesewas) is added. */
const FOLD_AT = 2 ** 52;

/**
 * Pesewas of an amount already in the form the database prints numeric(14,2) in ("320.00": no
 * sign, no leading zero, exactly two decimals), or -1 for any other text. That form is also what
 * a payment file writes, so such text is copied as it is; only other forms need Decimal.
 */
export function canonicalPesewas(text: string): number {
  const len = text.length;
  const whole = len - 3;
  if (whole < 1 || whole > MAX_CEDI_DIGITS || text.charCodeAt(whole) !== 46) return -1;
  if (whole > 1 && text.charCodeAt(0) === 48) return -1;
  let value = 0;
  for (let i = 0; i < len; i++) {
    if (i === whole) continue;
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

export interface LineAmount {
  /** Two decimals, as written in the file. */
  text: string;
  pesewas: number;
}

/**
 * A line's amount as a payment file writes it, or undefined when it is not a whole number of
 * pesewas above zero. Canonical text is read without Decimal; anything else ("320.5", "007.50",
 * "1e2") goes through Decimal, so the refusal is the same either way.
 */
export function lineAmount(line: PaymentLine): LineAmount | undefined {
  const fast = canonicalPesewas(line.amount);
  if (fast > 0) return { text: line.amount, pesewas: fast };
  if (fast === 0) return undefined;
  let amount;
  try {
    amount = new Cedi(line.amount);
  } catch {
    return undefined;
  }
  if (!amount.equals(amount.toDecimalPlaces(2)) || amount.lte(0)) return undefined;
  const text = amount.toFixed(2);
  const pesewas = canonicalPesewas(text);
  return pesewas > 0 ? { text, pesewas } : undefined;
}

/** An exact running total in pesewas: a plain integer while that is exact, folded into a BigInt. */
export class PesewaTotal {
  private big = 0n;
  private small = 0;

  add(pesewas: number): void {
    this.small += pesewas;
    if (this.small >= FOLD_AT) this.fold();
  }

  private fold(): void {
    this.big += BigInt(this.small);
    this.small = 0;
  }

  get pesewas(): bigint {
    return this.big + BigInt(this.small);
  }

  /** Two decimals, like Decimal's toFixed(2). */
  toFixed2(): string {
    const p = this.pesewas;
    const cents = p % 100n;
    return `${p / 100n}.${cents < 10n ? '0' : ''}${cents}`;
  }

  /** Whether the total is exactly this amount (a numeric string). */
  equals(amount: string): boolean {
    return money(amount).times(100).toFixed(0) === this.pesewas.toString();
  }
}
