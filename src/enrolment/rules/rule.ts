import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import type { UpsertCounts } from '../batch-sql.js';
import type { RuleEnv } from '../types.js';
import type { RowCheck } from '../validate.js';

/**
 * The rules of one kind of file: its columns, the lookups its checks need (read once per
 * file), the check of one row, the batched upsert of accepted rows, and the checks across
 * records that run once the whole file is written.
 */
export interface KindRules<Ctx, Value> {
  required: readonly string[];
  optional: readonly string[];
  /**
   * Where each column's value is kept, as table.column; a column that names another record
   * (household_ref of a member) gives that record's key column, as the row keeps its id.
   */
  stores: Readonly<Record<string, string>>;
  prepare(db: Db, env: RuleEnv): Promise<Ctx>;
  /** Checks one row; the value is written only when the check recorded no problem. */
  check(c: RowCheck, ctx: Ctx): Value;
  /**
   * The upsert of a batch, to run later: its statements are made at once (while the batch
   * before is still being written), so the database does not wait for them inside the batch's
   * transaction. Rows equal to the stored record are left alone and not counted.
   */
  write(values: Value[], fileId: number): (db: Db) => Promise<UpsertCounts>;
  /**
   * Optional, for large tables: whether a value's key had no record when the file began (read
   * by prepare), and the plain insert of such values. It skips the upsert's conflict check and
   * its UPDATE triggers; should another load store one of the keys meanwhile, the insert fails
   * on the unique key and the batch is written again by the upsert.
   */
  isNew?(value: Value, ctx: Ctx): boolean;
  insert?(values: Value[], fileId: number): SQL;
  /** Records findings across all stored records in import_findings, in set-based SQL. */
  afterLoad?(db: Db, fileId: number, env: RuleEnv): Promise<void>;
}

/** Digits of a reference such as HH0012345, as a number: a compact key for duplicate checks. */
export function refNumber(ref: string | null, re: RegExp): number | null {
  if (ref === null) return null;
  const m = re.exec(ref);
  return m ? Number(m[1]) : null;
}

/**
 * A set of whole numbers from 0 up, one bit each: the digits of every reference of a national
 * file fit in a few megabytes at most (10^8 member numbers in 12.5 MB), where a Set of a million
 * and a half numbers takes some 50 MB and much of the check's time.
 */
export class NumberSet {
  private bits = new Uint8Array(1 << 16);

  has(n: number): boolean {
    const byte = n >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (n & 7))) !== 0;
  }

  add(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 31) {
      throw new RangeError(`NumberSet holds whole numbers below 2^31, not ${n}`);
    }
    const byte = n >>> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte]! |= 1 << (n & 7);
  }
}

/** Records DUPLICATE_KEY when a key was seen before in the same file. */
export function checkDuplicate<K>(
  c: RowCheck,
  seen: { has(key: K): boolean; add(key: K): unknown },
  key: K | null,
  field: string,
): void {
  if (key === null) return;
  if (seen.has(key)) c.add(field, 'DUPLICATE_KEY', `${field} appears more than once in the file`);
  else seen.add(key);
}
