import { SikaError } from '../errors.js';

/** The fewest characters of a reason kept in the audit trail: a rejection, a resend. */
export const MIN_REASON = 3;

/** The reason trimmed; USAGE when it is too short to say why (`what`: "a rejection"). */
export function auditReason(reason: string, what: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < MIN_REASON) {
    throw new SikaError(
      'USAGE',
      `${what} must say why, in at least ${MIN_REASON} characters (got ${trimmed.length})`,
    );
  }
  return trimmed;
}
