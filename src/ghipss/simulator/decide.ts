import { createHash } from 'node:crypto';

export type TxDecision = { status: 'ACSC' } | { status: 'RJCT'; reason: string };

/**
 * Reasons the stand-in gives, with their share of rejections out of 100: invalid accounts are
 * by far the most common failure in bulk social payments.
 */
const REASONS: readonly [string, number][] = [
  ['AC01', 60],
  ['AC04', 20],
  ['BE01', 12],
  ['MD07', 8],
];

/** Accept or reject one transaction; the same seed and reference always give the same answer. */
export function decideTransaction(
  seed: number,
  endToEndId: string,
  rejectRate: number,
): TxDecision {
  const h = createHash('sha256').update(`${seed}:${endToEndId}`).digest();
  const draw = h.readUInt32BE(0) / 2 ** 32;
  if (draw >= rejectRate) return { status: 'ACSC' };

  let pick = h.readUInt32BE(4) % 100;
  for (const [reason, share] of REASONS) {
    if (pick < share) return { status: 'RJCT', reason };
    pick -= share;
  }
  return { status: 'RJCT', reason: 'AC01' };
}
