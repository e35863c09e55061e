import { sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log.js';
import { rows, type Db } from '../db/open.js';
import { SikaError } from '../errors.js';
import { logger } from '../logger.js';
import { toAmountString } from '../money.js';
import { leapCyclePeriod } from '../reference/leap-cycles.js';
import { requireBuilder } from './authorise.js';
import { claimCycle, finishBuild, lockProgramme, tuneForBuild } from './build-cycle.js';
import { leapEvaluation } from './leap-rules.js';
import type { BuildResult } from './types.js';

const log = logger('payroll');

/**
 * Builds LEAP cycle N: one payroll line per paid household, and a cycle_exclusions row for every
 * household excluded or withheld. Set-based, in one transaction, so a national cycle builds in
 * one pass without holding it in memory. A rejected (draft) cycle is rebuilt in place.
 */
export async function buildLeapCycle(
  db: Db,
  p: { cycleNumber: number; builtBy: string },
): Promise<BuildResult> {
  const started = Date.now();
  const period = leapCyclePeriod(p.cycleNumber);
  const periodKey = String(p.cycleNumber);
  await requireBuilder(db, p.builtBy);

  const result = await db.transaction(async (tx) => {
    const [schedule] = await rows<{ id: number }>(
      tx,
      sql`SELECT id FROM grant_schedules WHERE effective_from_cycle <= ${p.cycleNumber} LIMIT 1`,
    );
    if (!schedule) {
      throw new SikaError('USAGE', 'no grant schedule is in force for this cycle', {
        cycleNumber: p.cycleNumber,
      });
    }

    await lockProgramme(tx, 'LEAP');
    await tuneForBuild(tx);
    const { cycleId, rebuilt } = await claimCycle(tx, {
      programme: 'LEAP',
      cycleNumber: p.cycleNumber,
      periodKey,
      periodStart: period.start,
      periodEnd: period.end,
      builtBy: p.builtBy,
    });

    // Exclusions and lines come from the same evaluation in one statement, so every household
    // lands in exactly one of the two.
    await tx.execute(sql`
      WITH ${leapEvaluation({ cycleNumber: p.cycleNumber, periodStart: period.start })},
      excluded AS (
        INSERT INTO cycle_exclusions
          (cycle_id, beneficiary_ref, household_id, kind, reason_code, amount_held, detail)
        SELECT ${cycleId}, household_ref, household_id, reason_kind, reason_code,
          CASE WHEN reason_kind = 'withheld' THEN grant_amount ELSE 0 END, detail
        FROM evaluated WHERE reason_code IS NOT NULL
        RETURNING 1
      )
      INSERT INTO payroll_lines
        (cycle_id, line_no, programme, period_key, beneficiary_ref, household_id,
         recipient_name, recipient_pin, region_code, district_code, channel, account_number,
         bank_sort_code, eligible_members, base_amount, arrears_amount, amount, end_to_end_id,
         status)
      SELECT ${cycleId},
        row_number() OVER (ORDER BY region_code COLLATE "C", district_code COLLATE "C",
                                    household_ref COLLATE "C"),
        'LEAP', ${periodKey}, household_ref, household_id,
        recipient_name, recipient_pin, region_code, district_code, channel, account_number,
        bank_sort_code, eligible, grant_amount, 0, grant_amount,
        'LEAP-' || ${periodKey}::text || '-' || household_ref,
        'pending'
      FROM evaluated WHERE reason_code IS NULL`);

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
