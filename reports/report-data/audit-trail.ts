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
 * The audit events that concern a cycle: those on the cycle itself (build, approval, submission,
 * unmasked exports) and the settlement files that touched it, found by the cycle ids their load
 * recorded or by their records matched to the cycle's lines. Plus the check of the whole chain.
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
           OR (e.entity = 'settlement_file'
               AND (e.detail -> 'cycleIds' @> jsonb_build_array(${cycleId}::int)
                    OR e.entity_id IN (
                      SELECT DISTINCT r.settlement_file_id::text FROM settlement_records r
                      JOIN payroll_lines l ON l.id = r.payroll_line_id
                      WHERE l.cycle_id = ${cycleId})))
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
