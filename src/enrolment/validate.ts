import { isKnownSortCode } from '../reference/bank-sort-codes.js';
import { networkHint } from '../reference/phone-prefixes.js';
import type { Finding, RowProblem, RuleEnv } from './types.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const GHANA_CARD = /^GHA-\d{9}-\d$/;
const MSISDN = /^(?:\+233|0)(\d{9})$/;
const BANK_ACCOUNT = /^\d{6,20}$/;
const SORT_CODE = /^\d{6}$/;

export const CHANNELS = ['ezwich', 'momo', 'bank'] as const;
export type Channel = (typeof CHANNELS)[number];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for a real calendar day written YYYY-MM-DD (so 2019-02-30 and 1990-13-05 are not). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const y = Number(value.slice(0, 4));
  const mo = Number(value.slice(5, 7));
  const d = Number(value.slice(8, 10));
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/** A mobile number in the +233XXXXXXXXX form, or null when it is not one. */
export function normaliseMsisdn(value: string): string | null {
  const m = MSISDN.exec(value.replace(/[\s-]/g, ''));
  return m ? `+233${m[1]}` : null;
}

/** Whole years from a date of birth to a day, both YYYY-MM-DD (a birthday counts on the day). */
export function ageOn(born: string, day: string): number {
  // Both are checked dates: fixed positions, and MM-DD compares as text.
  const years = Number(day.slice(0, 4)) - Number(born.slice(0, 4));
  return day.slice(5) < born.slice(5) ? years - 1 : years;
}

/**
 * The checks of one row. Each failed check records a problem and returns null, so a row reports
 * every reason it has, not only the first.
 */
export class RowCheck {
  readonly problems: RowProblem[] = [];
  /** Notes for review that do not reject the row; kept only when the row is accepted. */
  readonly findings: Finding[] = [];

  /**
   * `columns` gives each column name's position in `values`; a position past the values reads
   * as empty.
   */
  constructor(
    private readonly values: readonly string[],
    private readonly columns: ReadonlyMap<string, number>,
    readonly env: RuleEnv,
  ) {}

  get ok(): boolean {
    return this.problems.length === 0;
  }

  add(field: string | null, reason: string, message: string): null {
    this.problems.push({ field, reason, message });
    return null;
  }

  flag(kind: string, refs: string[], detail: string): void {
    this.findings.push({ kind, refs, detail });
  }

  /** The trimmed value, or null when the column is absent or the value empty. */
  optional(field: string): string | null {
    const at = this.columns.get(field);
    const v = at === undefined ? undefined : this.values[at]?.trim();
    return v ? v : null;
  }

  required(field: string): string | null {
    return this.optional(field) ?? this.add(field, 'MISSING_FIELD', `${field} is required`);
  }

  /** A value that must match a pattern; `what` says what was expected. */
  matches(field: string, value: string | null, re: RegExp, reason: string, what: string) {
    if (value === null) return null;
    return re.test(value) ? value : this.add(field, reason, `${field} must be ${what}`);
  }

  oneOf<T extends string>(
    field: string,
    value: string | null,
    allowed: readonly T[],
    reason: string,
  ) {
    if (value === null) return null;
    const v = value.toLowerCase();
    return (allowed as readonly string[]).includes(v)
      ? (v as T)
      : this.add(field, reason, `${field} "${value}" is not one of ${allowed.join(', ')}`);
  }

  /** A date that must exist and must not be after today. */
  date(field: string, value: string | null): string | null {
    if (value === null) return null;
    if (!isIsoDate(value))
      return this.add(field, 'INVALID_DATE', `${field} "${value}" is not a date YYYY-MM-DD`);
    if (value > this.env.asOf)
      return this.add(field, 'DATE_IN_FUTURE', `${field} ${value} is after ${this.env.asOf}`);
    return value;
  }

  ghanaCard(field: string, value: string | null): string | null {
    // Values are not echoed: a PIN is personal data.
    return this.matches(
      field,
      value?.toUpperCase() ?? null,
      GHANA_CARD,
      'INVALID_GHANA_CARD',
      'GHA- + 9 digits + - + 1 digit',
    );
  }

  boolean(field: string, value: string | null): boolean | null {
    if (value === null) return null;
    const v = value.toLowerCase();
    if (['true', 'yes', 'y', '1'].includes(v)) return true;
    if (['false', 'no', 'n', '0'].includes(v)) return false;
    return this.add(field, 'INVALID_BOOLEAN', `${field} "${value}" is not true or false`);
  }

  /**
   * A channel, written ezwich / e-zwich / momo / bank, limited to those the file may carry.
   */
  channel(field: string, value: string | null, allowed: readonly Channel[]): Channel | null {
    if (value === null) return null;
    const v = value.toLowerCase().replace(/[\s_-]/g, '');
    return (allowed as readonly string[]).includes(v)
      ? (v as Channel)
      : this.add(
          field,
          'INVALID_CHANNEL',
          `${field} "${value}" is not one of ${allowed.join(', ')}`,
        );
  }

  /** The account number in stored form (MSISDN as +233XXXXXXXXX), checked by channel. */
  account(field: string, channel: Channel | null, value: string | null): string | null {
    if (value === null || channel === null) return null;
    if (channel === 'ezwich') {
      return this.env.ezwich.test(value)
        ? value
        : this.add(field, 'INVALID_ACCOUNT', `${field} is not an e-zwich card number`);
    }
    if (channel === 'momo') {
      return (
        normaliseMsisdn(value) ??
        this.add(
          field,
          'INVALID_ACCOUNT',
          `${field} is not a mobile number (+233 or 0, then 9 digits)`,
        )
      );
    }
    return this.matches(
      field,
      value,
      BANK_ACCOUNT,
      'INVALID_ACCOUNT',
      'a bank account number of 6 to 20 digits',
    );
  }

  sortCode(field: string, value: string | null): string | null {
    const code = this.matches(
      field,
      value,
      SORT_CODE,
      'INVALID_ACCOUNT',
      'a bank sort code of 6 digits',
    );
    if (code === null || isKnownSortCode(code)) return code;
    return this.add(field, 'UNKNOWN_SORT_CODE', `${field} ${code} is not in the bank sort codes`);
  }

  /** Flags a mobile number whose prefix no network is known to issue: a hint, never a reject. */
  mobilePrefix(msisdn: string | null, ref: string | null): void {
    if (msisdn === null || ref === null || networkHint(msisdn) !== null) return;
    this.flag(
      'UNKNOWN_MOBILE_PREFIX',
      [ref],
      `mobile prefix 0${msisdn.slice(4, 6)} is not in the network table`,
    );
  }
}
