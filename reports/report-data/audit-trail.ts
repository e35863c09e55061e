import { sql } from 'drizzle-orm';
import { verifyAuditChain, type ChainCheck } from '../../src/audit/audit-log.js';
import { rows, type Db } from '../../src/db/open.js';

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  /** The event's detail as compact JSON (ids and counts only, never personal data). */
  detail: string;
}

export interface AuditTrail {
  events: AuditRow[];
  chain: ChainCheck;
}

/**
 * The audit events that concern a cycle, found by what each event names as its entity: the cycle
 * itself (build, approval, submission, close, unmasked exports); an exception raised on it or on
 * one of its lines (resolutions); one of its payment files (a resend after a refusal); a
 * settlement file that touched it, by the cycle ids its load recorded or by its records matched
 * to the cycle's lines; a settlement record matched to one of its lines; and a marking of lines
 * unconfirmed that named it. Plus the check of the whole chain, which covers every event, not
 * only these.
 */
export async function loadAuditTrail(db: Db, cycleId: number): Promise<AuditTrail> {
  const found = await rows<{
    id: string | number;
    at: Date | string;
    actor: string;
    action: string;
    entity: string;
    entity_id: string;
    detail: unknown;
  }>(
    db,
    sql`SELECT e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.detail
        FROM audit_events e
        WHERE (e.entity = 'cycle' AND e.entity_id = ${String(cycleId)})
           OR (e.entity = 'exception'
               AND e.entity_id IN (
                 SELECT x.id::text FROM exceptions x
                 LEFT JOIN payroll_lines l ON l.id = x.payroll_line_id
                 WHERE x.cycle_id = ${cycleId} OR l.cycle_id = ${cycleId}))
           OR (e.entity = 'submission'
               AND e.entity_id IN (
                 SELECT s.id::text FROM submissions s WHERE s.cycle_id = ${cycleId}))
           OR (e.entity = 'settlement_file'
               AND (e.detail -> 'cycleIds' @> jsonb_build_array(${cycleId}::int)
                    OR e.entity_id IN (
                      SELECT DISTINCT r.settlement_file_id::text FROM settlement_records r
                      JOIN payroll_lines l ON l.id = r.payroll_line_id
                      WHERE l.cycle_id = ${cycleId})))
           OR (e.entity = 'settlement_record'
               AND e.entity_id IN (
                 SELECT r.id::text FROM settlement_records r
                 JOIN payroll_lines l ON l.id = r.payroll_line_id
                 WHERE l.cycle_id = ${cycleId}))
           OR (e.entity = 'payroll_lines'
               AND e.detail -> 'cycleIds' @> jsonb_build_array(${cycleId}::int))
        ORDER BY e.id`,
  );
  const chain = await verifyAuditChain(db);
  return {
    events: found.map((e) => ({
      id: Number(e.id),
      at: new Date(e.at),
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entityId: e.entity_id,
      detail: JSON.stringify(e.detail ?? {}),
    })),
    chain,
  };
}

/** The chain check in words, as both formats print it. */
export function chainVerdict(chain: ChainCheck): string {
  return chain.ok
    ? `AUDIT TRAIL INTACT: all ${chain.events} events verified, the hash chain is unbroken.`
    : `AUDIT TRAIL BROKEN at event id ${chain.firstBrokenId}: it or an event before it was ` +
        `changed, removed or reordered (${chain.events} events verified before it).`;
}
