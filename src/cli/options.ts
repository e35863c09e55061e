import { InvalidArgumentError } from 'commander';
import { MIN_REASON, reasonLength } from '../audit/reason.js';

/**
 * Parses a positive whole number option, naming the option when it is not one. The ceiling keeps
 * absurd values (a file of three billion payments) from reaching the database as an overflow.
 */
export function positiveInt(name: string, max = 10_000_000) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from 1 to ${max}, got "${value}"`,
      );
    }
    return Number(value);
  };
}

export function isoDate(name: string) {
  return (value: string): string => {
    const d = new Date(`${value}T00:00:00Z`);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
      Number.isNaN(d.getTime()) ||
      d.toISOString().slice(0, 10) !== value
    ) {
      throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD, got "${value}"`);
    }
    return value;
  };
}

export { MIN_REASON };

/** Parses a --reason: trimmed, at least MIN_REASON characters. */
export function reasonText(name: string) {
  return (value: string): string => {
    const trimmed = value.trim();
    if (reasonLength(trimmed) < MIN_REASON) {
      throw new InvalidArgumentError(
        `${name} must say why, in at least ${MIN_REASON} characters (got ${reasonLength(trimmed)})`,
      );
    }
    return trimmed;
  };
}
