import { InvalidArgumentError } from 'commander';

/** Parses a positive whole number option, naming the option when it is not one. */
export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number above 0, got "${value}"`);
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
