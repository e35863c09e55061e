import { sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { toAmountString } from '../money.js';
import { leapCyclePeriod } from '../reference/leap-cycles.js';
import { requireBuilder } from './authorise.js';
import {
  analyzeStale,
  claimCycle,
  emptyCycle,
  finishBuild,
  lockProgramme,
  tuneForBuild,
} from './build-cycle.js';
import { dueArrears } from './leap-items.js';
import { cycleArray, scheduleFor, tierAmount } from './leap-rules.js';
import { evaluateLeapRun } from './leap-run.js';
import type { BuildResult } from './types.js';

const log = logger('payroll');

/** The cycles of a LEAP run: one cycle, a cycle with the one paid jointly with it, or a list. */
export type LeapRunCycles =
  | { cycleNumber: number; jointWith?: number; cycleNumbers?: undefined }
  | { cycleNumbers: number[]; cycleNumber?: undefined; jointWith?: undefined };

/** A LEAP build: one cycle, or a joint cycle paying consecutive cycles in one run (94/95). */
export type LeapBuildParams = LeapRunCycles & {
  builtBy: string;
  /** Withhold for review after this many LEAP cycles in a row with a failed payment (3). */
  nonCollectionCycles?: number;
  /** Flag households not reassessed for longer than this many years (4). */
  reassessmentYears?: number;
};

/** The tables the LEAP evaluation reads. */
const LEAP_INPUTS = [
  'households',
  'enrolments',
  'members',
  'payment_instruments',
  'payroll_lines',
  'payroll_line_items',
  'cycle_exclusions',
] as const;

/** At most a year of cycles in one joint run. */
const MAX_JOINT = 6;

/** The run's cycle numbers, ascending; refuses gaps, repeats and non-numbers. */
export function runCycles(p: LeapRunCycles): number[] {
  const given =
    p.cycleNumbers ?? (p.jointWith === undefined ? [p.cycleNumber] : [p.cycleNumber, p.jointWith]);
  const cycles = [...given].sort((a, b) => a - b);
  const consecutive = cycles.every((c, i) => i === 0 || c === cycles[i - 1]! + 1);
  if (
    cycles.length === 0 ||
    cycles.length > MAX_JOINT ||
    !cycles.every((c) => Number.isInteger(c) && c >= 1) ||
    !consecutive
  ) {
    throw new SikaError('USAGE', 'a LEAP run pays one cycle or up to six consecutive cycles', {
      cycles: given,
    });
  }
  return cycles;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new SikaError('USAGE', `${name} must be at least 1`);
  return v;
}

/**
 * Builds LEAP cycle N, or a joint cycle (period key "94/95"): one payroll line per paid
 * household, itemised per cycle (grant, released holds, payments made again, top-ups), and a
 * cycle_exclusions row for every household excluded or withheld. Set-based, in one transaction,
 * so a national cycle builds without holding it in memory. A rejected (draft) cycle is rebuilt
 * in place; a cycle overlapping any other LEAP cycle is refused, so no cycle is paid twice.
 */
export async function buildLeapCycle(db: Db, p: LeapBuildParams): Promise<BuildResult> {
  const started = Date.now();
  const cycles = runCycles(p);
  const first = cycles[0]!;
  const periodKey = cycles.join('/');
  const refKey = cycles.join('-');
  const period = { start: leapCyclePeriod(first).start, end: leapCyclePeriod(cycles.at(-1)!).end };
  const nonCollectionCycles = positiveInt(p.nonCollectionCycles, 3, 'nonCollectionCycles');
  const reassessmentYears = positiveInt(p.reassessmentYears, 4, 'reassessmentYears');
  await requireBuilder(db, p.builtBy);

  const result = await db.transaction(async (tx) => {
    const [unscheduled] = await rows<{ cycle: number }>(
      tx,
      sql`SELECT cv AS cycle FROM unnest(${cycleArray(cycles)}) cv
          WHERE NOT EXISTS ${scheduleFor(sql`cv`)} ORDER BY cv LIMIT 1`,
    );
    if (unscheduled) {
      throw new SikaError('USAGE', 'no grant schedule is in force for this cycle', {
        cycleNumber: unscheduled.cycle,
      });
    }

    await lockProgramme(tx, 'LEAP');
    await tuneForBuild(tx);
    await analyzeStale(tx, LEAP_INPUTS);
    await retireRejectedOverlaps(tx, cycles, periodKey, p.builtBy);
    await refuseOverlap(tx, cycles, periodKey);
    const { cycleId, rebuilt } = await claimCycle(tx, {
      programme: 'LEAP',
      cycleNumber: first,
      periodKey,
      periodStart: period.start,
      periodEnd: period.end,
      builtBy: p.builtBy,
    });

    // Exclusions, flags, lines and items come from the same evaluation, so every household
    // lands in exactly one of lines and exclusions, and every line's amount is the sum of its
    // items (grant items per cycle add up to the evaluated grant).
    await evaluateLeapRun(tx, {
      cycles,
      periodStart: period.start,
      periodEnd: period.end,
      nonCollectionCycles,
      reassessmentYears,
    });
    await tx.execute(sql`
      INSERT INTO cycle_exclusions (cycle_id, beneficiary_ref, household_id, kind, reason_code,
        amount_held, detail, held_by_cycle)
      SELECT ${cycleId}, e.household_ref, e.household_id, e.reason_kind, e.reason_code,
        CASE WHEN e.reason_kind = 'withheld' THEN e.grant_amount ELSE 0 END, e.detail,
        CASE WHEN e.reason_kind = 'withheld' THEN
          (SELECT jsonb_object_agg(r.for_cycle::text, (${tierAmount('r', sql`e.eligible`)})::text)
           FROM leap_rates r) END
      FROM leap_evaluated e WHERE e.reason_code IS NOT NULL`);
    await tx.execute(sql`
      INSERT INTO cycle_flags (cycle_id, beneficiary_ref, household_id, flag_code, detail)
      SELECT ${cycleId}, household_ref, household_id, 'REASSESSMENT_OVERDUE',
        'last assessed ' || assessed_on::text
      FROM leap_evaluated WHERE reason_code IS NULL AND reassessment_overdue`);
    // Lines are numbered on narrow rows, then written in that order, so ids follow line
    // numbers (the items' checks read lines in id order) without sorting the wide rows.
    await tx.execute(sql`
      WITH ${dueArrears(sql`leap_due`)},
      numbered AS (
        SELECT household_id,
          row_number() OVER (ORDER BY region_code COLLATE "C", district_code COLLATE "C",
                                      household_ref COLLATE "C") AS line_no
        FROM leap_evaluated WHERE reason_code IS NULL
      ),
      lines AS (
        INSERT INTO payroll_lines
          (cycle_id, line_no, programme, period_key, beneficiary_ref, household_id,
           recipient_name, recipient_pin, region_code, district_code, channel, account_number,
           bank_sort_code, eligible_members, base_amount, arrears_amount, amount, end_to_end_id,
           status)
        SELECT ${cycleId}, n.line_no, 'LEAP', ${periodKey}, e.household_ref, e.household_id,
          e.recipient_name, e.recipient_pin, e.region_code, e.district_code, e.channel,
          e.account_number, e.bank_sort_code, e.eligible, e.grant_amount,
          coalesce(a.arrears_amount, 0), e.grant_amount + coalesce(a.arrears_amount, 0),
          'LEAP-' || ${refKey}::text || '-' || e.household_ref,
          'pending'
        FROM numbered n
        JOIN leap_evaluated e ON e.household_id = n.household_id
        LEFT JOIN due_arrears a ON a.household_id = n.household_id
        ORDER BY n.line_no
        RETURNING id, household_id
      )
      INSERT INTO payroll_line_items
        (payroll_line_id, beneficiary_ref, kind, for_cycle, amount, replaces_line_id)
      SELECT l.id, d.household_ref, d.kind, d.for_cycle, d.amount, d.replaces_line_id
      FROM leap_due d JOIN lines l ON l.household_id = d.household_id`);

    const carried = await carryRepaidExceptions(tx, cycleId, p.builtBy, periodKey);
    const built = await finishBuild(tx, cycleId, 'LEAP', periodKey);
    await appendAudit(tx, {
      actor: p.builtBy,
      action: 'cycle.build',
      entity: 'cycle',
      entityId: cycleId,
      detail: {
        programme: 'LEAP',
        periodKey,
        rebuilt,
        lines: String(built.lines),
        total: toAmountString(built.total),
        excluded: String(built.excluded),
        withheld: String(built.withheld),
        ...(built.arrears.isZero() ? {} : { arrears: toAmountString(built.arrears) }),
        ...(carried === 0 ? {} : { exceptionsCarried: String(carried) }),
      },
    });
    return built;
  });

  log.info(
    {
      cycleId: result.cycleId,
      periodKey,
      lines: result.lines,
      excluded: result.excluded,
      withheld: result.withheld,
      duration_ms: Date.now() - started,
    },
    'leap cycle built',
  );
  return result;
}

/**
 * Removes the rejected (draft) LEAP cycles this run replaces under another period key, e.g. a
 * rejected joint cycle 94/95 when 94 is built alone: nothing of a draft was approved or sent, and
 * its items would otherwise block paying its cycles. Audited with what replaced it.
 */
async function retireRejectedOverlaps(
  tx: Db,
  cycles: number[],
  periodKey: string,
  builtBy: string,
): Promise<void> {
  const drafts = await rows<{ id: number; period_key: string }>(
    tx,
    sql`SELECT id, period_key FROM cycles
        WHERE programme = 'LEAP' AND status = 'draft' AND period_key <> ${periodKey}
          AND string_to_array(period_key, '/')::int[] && ${cycleArray(cycles)}
        ORDER BY id FOR UPDATE`,
  );
  for (const d of drafts) {
    await emptyCycle(tx, d.id);
    await tx.execute(sql`DELETE FROM cycles WHERE id = ${d.id}`);
    await appendAudit(tx, {
      actor: builtBy,
      action: 'cycle.retire',
      entity: 'cycle',
      entityId: d.id,
      detail: { programme: 'LEAP', periodKey: d.period_key, replacedBy: periodKey },
    });
  }
}

/**
 * Refuses a run that pays a cycle another LEAP cycle (built or approved) already covers, e.g.
 * cycle 95 alone after the joint cycle 94/95. The same period key is left to claimCycle, which
 * rebuilds a rejected cycle in place; a rejected cycle under another key is retired first.
 */
async function refuseOverlap(tx: Db, cycles: number[], periodKey: string): Promise<void> {
  const [other] = await rows<{ id: number; period_key: string; status: string }>(
    tx,
    sql`SELECT id, period_key, status FROM cycles
        WHERE programme = 'LEAP' AND period_key <> ${periodKey}
          AND string_to_array(period_key, '/')::int[] && ${cycleArray(cycles)}
        ORDER BY id LIMIT 1`,
  );
  if (other) {
    throw new SikaError('CYCLE_EXISTS', 'another LEAP cycle already pays one of these cycles', {
      cycleId: other.id,
      periodKey: other.period_key,
      status: other.status,
    });
  }
}

/**
 * The open failed or returned payment exceptions of the lines this build pays again are carried
 * (as a "pay again" resolution would have made them), so the old cycle can be closed.
 */
async function carryRepaidExceptions(
  tx: Db,
  cycleId: number,
  builtBy: string,
  periodKey: string,
): Promise<number> {
  const carried = await rows<{ id: number }>(
    tx,
    sql`UPDATE exceptions e
        SET state = 'carried', resolution = 'pay_again', resolved_by = ${builtBy},
          resolved_at = now(), note = ${`paid again by LEAP cycle ${periodKey}`}
        WHERE e.state = 'open' AND e.kind IN ('failed_payment', 'returned_payment')
          AND EXISTS (SELECT 1 FROM payroll_line_items i
                      JOIN payroll_lines l ON l.id = i.payroll_line_id
                      WHERE i.replaces_line_id = e.payroll_line_id AND l.cycle_id = ${cycleId})
        RETURNING e.id`,
  );
  return carried.length;
}
