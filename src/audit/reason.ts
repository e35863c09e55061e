import { SikaError } from '../errors.js';

/** The fewest characters of a reason kept in the audit trail: a rejection, a resend. */
export const MIN_REASON = 3;

/** Characters that print nothing: they do not count towards a reason. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/** How many characters a reader sees in a reason: an emoji is one, a zero-width space none. */
export function reasonLength(text: string): number {
  return [...text.trim().replace(INVISIBLE, '')].length;
}

/**
 * The reason trimmed; USAGE when it is too short to say why (`what`: "a rejection"). Characters
 * are counted as a reader sees them: an emoji is one, a zero-width space none.
 */
export function auditReason(reason: string, what: string): string {
  const trimmed = reason.trim();
  const seen = reasonLength(trimmed);
  if (seen < MIN_REASON) {
    throw new SikaError(
      'USAGE',
      `${what} must say why, in at least ${MIN_REASON} characters (got ${seen})`,
    );
  }
  return trimmed;
}
