import { SikaError } from '../errors.js';

/**
 * Payment references (ISO 20022 EndToEndId). GhIPSS and the banks echo them back in responses,
 * and reconciliation matches on them, so they are unique for ever and restricted to a character
 * set every channel carries unchanged.
 */
export const END_TO_END_MAX = 35;

/** The same pattern as a PostgreSQL regular expression, for set-based checks. */
export const END_TO_END_PATTERN = '^[A-Za-z0-9-]+$';

const PATTERN = new RegExp(END_TO_END_PATTERN);

export function isValidEndToEndId(id: string): boolean {
  return id.length <= END_TO_END_MAX && PATTERN.test(id);
}

function checked(id: string): string {
  if (!isValidEndToEndId(id)) {
    throw new SikaError(
      'PAYMENT_FILE_INVALID',
      'payment reference is not usable as an EndToEndId',
      {
        endToEndId: id,
      },
    );
  }
  return id;
}

export function leapEndToEndId(cycleNumber: number, householdRef: string): string {
  return checked(`LEAP-${cycleNumber}-${householdRef}`);
}

/** LIPW references carry the period's first day without dashes: LIPW-20250224-WK0000421. */
export function lipwEndToEndId(periodStart: string, workerRef: string): string {
  return checked(`LIPW-${periodStart.replaceAll('-', '')}-${workerRef}`);
}
