import { createHash } from 'node:crypto';
import { asc, desc, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { auditEvents } from '../db/schema.js';

export interface AuditInput {
  actor: string;
  action: string;
  entity: string;
  entityId: string | number;
  detail?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

/** JSON with keys sorted at every level: jsonb does not keep key order, the hash must not care. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function eventHash(prevHash: string, e: AuditInput, at: string): string {
  const body = canonicalJson([
    prevHash,
    at,
    e.actor,
    e.action,
    e.entity,
    String(e.entityId),
    e.detail ?? {},
  ]);
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Appends one event to the hash-chained audit trail. Call it inside the transaction of the change
 * it records, so the change and its record commit together. Writers are serialised by an advisory
 * lock so the chain never forks.
 */
export async function appendAudit(db: Db, e: AuditInput): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(7411001)`);
  const [last] = await db
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.id))
    .limit(1);
  const prevHash = last?.hash ?? GENESIS;
  const at = new Date().toISOString();
  await db.insert(auditEvents).values({
    at: new Date(at),
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entityId: String(e.entityId),
    detail: e.detail ?? {},
    prevHash,
    hash: eventHash(prevHash, e, at),
  });
}

export interface ChainCheck {
  events: number;
  ok: boolean;
  firstBrokenId?: number;
}

/** Recomputes the chain from the start; any edited, removed or reordered event breaks it. */
export async function verifyAuditChain(db: Db): Promise<ChainCheck> {
  let prevHash = GENESIS;
  let lastId = 0;
  let count = 0;
  for (;;) {
    const batch = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, lastId))
      .orderBy(asc(auditEvents.id))
      .limit(5000);
    if (batch.length === 0) return { events: count, ok: true };
    for (const ev of batch) {
      const expected = eventHash(
        prevHash,
        {
          actor: ev.actor,
          action: ev.action,
          entity: ev.entity,
          entityId: ev.entityId,
          detail: ev.detail as Record<string, unknown>,
        },
        ev.at.toISOString(),
      );
      if (ev.prevHash !== prevHash || ev.hash !== expected) {
        return { events: count, ok: false, firstBrokenId: ev.id };
      }
      prevHash = ev.hash;
      lastId = ev.id;
      count++;
    }
  }
}
