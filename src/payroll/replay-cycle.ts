import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { money, ZERO, type Money } from '../money.js';
import { leapCyclePeriod } from '../reference/leap-cycles.js';
import { tuneForBuild } from './build-cycle.js';
import { dueArrears } from './leap-items.js';
import { tierAmount } from './leap-rules.js';
import { evaluateLeapRun } from './leap-run.js';
import { compareWithStored, type CycleDifference } from './replay-compare.js';
import { showDatabaseAsOf } from './replay-views.js';
import { canonicalLine, digestLines } from './seal.js';

const log = logger('payroll');

/** Lines hashed per query: memory stays flat whatever the cycle size. */
const HASH_BATCH = 10_000;

export interface VerifyCycleParams {
  cycleId: number;
  /** As given to the build; the build's defaults otherwise (3 and 4). */
  nonCollectionCycles?: number;
  reassessmentYears?: number;
  /** Differences listed at most; all are counted. Default 100. */
  maxDifferences?: number;
}

export interface VerifyCycleResult {
  cycleId: number;
  periodKey: string;
  /** The moment replayed: when the cycle was built. */
  builtAt: string;
  matches: boolean;
  /** The stored lines as they are now, and the seal set at approval (null until approved). */
  stored: { lines: number; total: Money; sha256: string; seal: string | null };
  rebuilt: { lines: number; total: Money; sha256: string };
  differenceCount: number;
  differences: CycleDifference[];
}

interface ReplayedCycle {
  id: number;
  programme: string;
  period_key: string;
  status: string;
  built_at: string;
  seal_sha256: string | null;
}

/**
 * Rebuilds a built or sealed LEAP cycle from the enrolment, schedules and earlier cycles as they
 * stood when it was built, and compares it with its stored lines: count, references, amounts,
 * items, and the SHA-256 over the ordered lines (the seal, when sealed). Runs in a transaction
 * that is always rolled back, so nothing changes.
 */
export async function verifyCycle(db: Db, p: VerifyCycleParams): Promise<VerifyCycleResult> {
  const started = Date.now();
  let result: VerifyCycleResult | undefined;
  const rollback = new Error('verify rolls back');

  await db
    .transaction(async (tx) => {
      const cycle = await replayable(tx, p.cycleId);
      const stored = await digestLines(tx, cycle.id);
      await tuneForBuild(tx);
      await showDatabaseAsOf(tx, { cycleId: cycle.id, asOf: cycle.built_at });
      await rebuildLines(tx, cycle, p);
      const rebuilt = await digestReplay(tx);
      const { count, listed } = await compareWithStored(tx, cycle.id, p.maxDifferences ?? 100);

      const seal = cycle.seal_sha256;
      result = {
        cycleId: cycle.id,
        periodKey: cycle.period_key,
        builtAt: cycle.built_at,
        matches:
          count === 0 &&
          rebuilt.sha256 === stored.sha256 &&
          (seal ?? stored.sha256) === stored.sha256,
        stored: { lines: stored.lineCount, total: stored.total, sha256: stored.sha256, seal },
        rebuilt,
        differenceCount: count,
        differences: listed,
      };
      throw rollback;
    })
    .catch((err: unknown) => {
      if (err !== rollback) throw err;
    });

  const r = result!;
  log.info(
    {
      cycleId: r.cycleId,
      matches: r.matches,
      lines: r.rebuilt.lines,
      differences: r.differenceCount,
      duration_ms: Date.now() - started,
    },
    'cycle verified',
  );
  return r;
}

async function replayable(tx: Db, cycleId: number): Promise<ReplayedCycle> {
  const [cycle] = await rows<ReplayedCycle>(
    tx,
    sql`SELECT id, programme, period_key, status, built_at::text AS built_at, seal_sha256
        FROM cycles WHERE id = ${cycleId}`,
  );
  if (!cycle) {
    throw new SikaError(
      'CYCLE_NOT_FOUND',
      `cycle ${cycleId} does not exist (see sika cycle list)`,
      {
        cycleId,
      },
    );
  }
  if (cycle.programme !== 'LEAP') {
    throw new SikaError('USAGE', 'only LEAP cycles can be rebuilt and verified', {
      cycleId,
      programme: cycle.programme,
    });
  }
  if (cycle.status === 'draft') {
    throw new SikaError('CYCLE_STATE', 'a rejected (draft) cycle has nothing to verify', {
      cycleId,
      status: cycle.status,
    });
  }
  return cycle;
}

/**
 * Runs the build's evaluation against the past into replay_lines (numbered as the build numbers
 * them) and replay_exclusions.
 */
async function rebuildLines(tx: Db, cycle: ReplayedCycle, p: VerifyCycleParams): Promise<void> {
  const cycles = cycle.period_key.split('/').map(Number);
  const first = cycles[0]!;
  await tx.execute(sql`CREATE TEMP TABLE replay_lines (
    line_no int, beneficiary_ref text, household_id int, end_to_end_id text, recipient_name text,
    channel text, account_number text, amount numeric(14, 2), items text)`);
  await tx.execute(sql`CREATE TEMP TABLE replay_exclusions (
    beneficiary_ref text, kind text, reason_code text, amount_held numeric(14, 2),
    held_by_cycle jsonb)`);
  await evaluateLeapRun(tx, {
    cycles,
    periodStart: leapCyclePeriod(first).start,
    periodEnd: leapCyclePeriod(cycles.at(-1)!).end,
    nonCollectionCycles: p.nonCollectionCycles ?? 3,
    reassessmentYears: p.reassessmentYears ?? 4,
  });
  // The projections mirror the build's inserts (build-leap.ts); the replay tests compare a
  // replay with a real build, so the two cannot drift apart unnoticed.
  await tx.execute(sql`
    INSERT INTO replay_exclusions
    SELECT e.household_ref, e.reason_kind, e.reason_code,
      CASE WHEN e.reason_kind = 'withheld' THEN e.grant_amount ELSE 0 END,
      CASE WHEN e.reason_kind = 'withheld' THEN
        (SELECT jsonb_object_agg(r.for_cycle::text, (${tierAmount('r', sql`e.eligible`)})::text)
         FROM leap_rates r) END
    FROM leap_evaluated e WHERE e.reason_code IS NOT NULL`);
  await tx.execute(sql`
    WITH ${dueArrears(sql`leap_due`)},
    item_lists AS (
      SELECT d.household_id,
        string_agg(d.kind || ':' || d.for_cycle || ':' || d.amount::numeric(14, 2)::text
                   || coalesce(':' || r.end_to_end_id, ''), '|'
                   ORDER BY d.for_cycle, d.kind COLLATE "C", r.end_to_end_id COLLATE "C",
                     d.amount) AS items
      FROM leap_due d LEFT JOIN public.payroll_lines r ON r.id = d.replaces_line_id
      GROUP BY d.household_id
    )
    INSERT INTO replay_lines
    SELECT row_number() OVER (ORDER BY e.region_code COLLATE "C", e.district_code COLLATE "C",
                                       e.household_ref COLLATE "C"),
      e.household_ref, e.household_id,
      'LEAP-' || ${cycles.join('-')}::text || '-' || e.household_ref,
      e.recipient_name, e.channel, e.account_number, e.grant_amount + coalesce(a.arrears_amount, 0),
      il.items
    FROM leap_evaluated e
    JOIN item_lists il ON il.household_id = e.household_id
    LEFT JOIN due_arrears a ON a.household_id = e.household_id
    WHERE e.reason_code IS NULL`);
  await tx.execute(sql`CREATE UNIQUE INDEX ON replay_lines (beneficiary_ref)`);
  await tx.execute(sql`ANALYZE replay_lines`);
}

/** The seal of the rebuilt lines, computed exactly as the seal of stored ones. */
async function digestReplay(tx: Db): Promise<VerifyCycleResult['rebuilt']> {
  const hash = createHash('sha256');
  let lastLineNo = 0;
  let lines = 0;
  let total = ZERO;
  for (;;) {
    const batch = await rows<{
      line_no: number;
      beneficiary_ref: string;
      end_to_end_id: string;
      recipient_name: string;
      channel: string;
      account_number: string;
      amount: string;
      items: string | null;
    }>(
      tx,
      sql`SELECT line_no::int AS line_no, beneficiary_ref, end_to_end_id, recipient_name, channel,
            account_number, amount::text AS amount, items
          FROM replay_lines WHERE line_no > ${lastLineNo} ORDER BY line_no LIMIT ${HASH_BATCH}`,
    );
    for (const line of batch) {
      hash.update(canonicalLine(line), 'utf8');
      total = total.plus(money(line.amount));
    }
    lines += batch.length;
    const last = batch.at(-1);
    if (!last || batch.length < HASH_BATCH) break;
    lastLineNo = last.line_no;
  }
  return { lines, total, sha256: hash.digest('hex') };
}
