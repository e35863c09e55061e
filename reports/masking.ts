import { appendAudit } from '../src/audit/audit-log.js';
import type { Db } from '../src/db/open.js';
import { requireRole, roleOf, type Role } from '../src/users/roles.js';

/** The only role that may export full Ghana Card PINs and payment instruments. */
export const UNMASKED_EXPORT_ROLE: Role = 'administrator';

const GHANA_CARD = /^GHA-(\d{9})-(\d)$/;

/**
 * "GHA-123456789-0" -> "GHA-XXXXX6789-X": the last 4 digits of the number stay, so a clerk can
 * match a card in hand. Anything else keeps its last 4 characters.
 */
export function maskPin(pin: string | null | undefined): string {
  if (!pin) return '';
  const card = GHANA_CARD.exec(pin);
  if (card) return `GHA-XXXXX${card[1]!.slice(-4)}-X`;
  return maskTail(pin);
}

/** An account, wallet or card number with all but its last 4 characters replaced by X. */
export function maskInstrument(account: string | null | undefined): string {
  return account ? maskTail(account) : '';
}

function maskTail(value: string): string {
  const keep = Math.min(4, Math.max(0, value.length - 4));
  return (
    value.slice(0, value.length - keep).replace(/[A-Za-z0-9]/g, 'X') +
    value.slice(-keep || value.length)
  );
}

/**
 * Limitation: the command line has no way to ask for an unmasked export yet; only callers of
 * writeReport can.
 *
 * Whether a report for this reader is masked. Everyone reads masked identifiers; an unmasked
 * export must be asked for and is refused (ROLE_NOT_ALLOWED) to anyone but an administrator.
 */
export async function resolveMasking(
  db: Db,
  p: { generatedBy: string; unmasked?: boolean },
): Promise<{ masked: boolean; role: string }> {
  if (!p.unmasked) return { masked: true, role: await roleOf(db, p.generatedBy) };
  const role = await requireRole(
    db,
    p.generatedBy,
    [UNMASKED_EXPORT_ROLE],
    'export unmasked identifiers',
  );
  return { masked: false, role };
}

/** Records an unmasked export in the audit trail, in its own short transaction. */
export async function recordUnmaskedExport(
  db: Db,
  p: { actor: string; cycleId: number; kind: string; format: string; fileName: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await appendAudit(tx as unknown as Db, {
      actor: p.actor,
      action: 'report.unmasked_export',
      entity: 'cycle',
      entityId: p.cycleId,
      detail: { kind: p.kind, format: p.format, file: p.fileName },
    });
  });
}
