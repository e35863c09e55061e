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
  /** Upserts a batch; rows equal to the stored record are left alone and not counted. */
  write(db: Db, values: Value[], fileId: number): Promise<UpsertCounts>;
  /** Records findings across all stored records in import_findings, in set-based SQL. */
  afterLoad?(db: Db, fileId: number, env: RuleEnv): Promise<void>;
}

/** Digits of a reference such as HH0012345, as a number: a compact key for duplicate checks. */
export function refNumber(ref: string | null, re: RegExp): number | null {
  if (ref === null) return null;
  const m = re.exec(ref);
  return m ? Number(m[1]) : null;
}

/** Records DUPLICATE_KEY when a key was seen before in the same file. */
export function checkDuplicate<K>(c: RowCheck, seen: Set<K>, key: K | null, field: string): void {
  if (key === null) return;
  if (seen.has(key)) c.add(field, 'DUPLICATE_KEY', `${field} appears more than once in the file`);
  else seen.add(key);
}
