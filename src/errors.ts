/**
 * The one list of error codes. Each says when it is raised; the command line maps them to exit
 * codes and the HTTP layer to statuses in one place each. Tests assert codes, not message text.
 */
export const ErrorCodes = {
  /** A file named on the command line does not exist or cannot be read. */
  FILE_NOT_FOUND: { exit: 66, http: 400 },
  /** A whole input file cannot be used (empty, no header, wrong columns). */
  BAD_INPUT_FILE: { exit: 65, http: 422 },
  /** A cycle id or number that does not exist. */
  CYCLE_NOT_FOUND: { exit: 67, http: 404 },
  /** The cycle is not in the state the action needs (e.g. approving a draft). */
  CYCLE_STATE: { exit: 68, http: 409 },
  /** A cycle for this programme and period already exists. */
  CYCLE_EXISTS: { exit: 68, http: 409 },
  /** The second pair of eyes is the first: the approver built the cycle. */
  FOUR_EYES: { exit: 77, http: 403 },
  /** The user's role may not do this action (an auditor submitting, a clerk approving). */
  ROLE_NOT_ALLOWED: { exit: 79, http: 403 },
  /** A user name that is not registered. */
  UNKNOWN_USER: { exit: 77, http: 403 },
  /** The same response file was loaded before (same SHA-256). */
  DUPLICATE_FILE: { exit: 0, http: 200 },
  /** A settlement file that cannot be read as any supported format. */
  UNREADABLE_RESPONSE: { exit: 65, http: 422 },
  /** A payment file failed its own schema or control checks before leaving. */
  PAYMENT_FILE_INVALID: { exit: 70, http: 500 },
  /** A setting in the environment is malformed (e.g. a manifest key that is too short). */
  CONFIG_INVALID: { exit: 78, http: 500 },
  /** The payment switch refused what was sent (wrong token, duplicate message). */
  TRANSPORT_REFUSED: { exit: 69, http: 502 },
  /** The payment switch could not be reached after every retry. */
  TRANSPORT_UNAVAILABLE: { exit: 75, http: 503 },
  /** Arguments that do not make sense together. */
  USAGE: { exit: 64, http: 400 },
  /** The outbox already holds a file of this name with other payments: it is never replaced. */
  OUTBOX_CONFLICT: { exit: 73, http: 409 },
  /** The embedded database folder is open in another process: PGlite allows one at a time. */
  DATABASE_IN_USE: { exit: 75, http: 503 },
  /** An output folder (reports, rejects) cannot be created or written. */
  OUTPUT_UNWRITABLE: { exit: 73, http: 500 },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class SikaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SikaError';
  }
}

export function exitCodeFor(err: unknown): number {
  return err instanceof SikaError ? ErrorCodes[err.code].exit : 1;
}
