import { createHash } from 'node:crypto';
import type { SwitchMix } from './mix.js';

export type TxDecision =
  | { status: 'ACSC'; returned?: string }
  | { status: 'PDNG'; returned?: undefined }
  | { status: 'RJCT'; reason: string };

/** Uniform draws in 0..1 from a hash of the seed and a key: the same inputs, the same draws. */
function draws(seed: number, key: string): number[] {
  const h = createHash('sha256').update(`${seed}:${key}`).digest();
  return [0, 4, 8, 12, 16].map((at) => h.readUInt32BE(at) / 2 ** 32);
}

/** A key of `weights` chosen by `draw` in proportion to its weight. */
function weighted(weights: Partial<Record<string, number>>, draw: number): string {
  const entries = Object.entries(weights).filter(([, w]) => (w ?? 0) > 0) as [string, number][];
  const total = entries.reduce((t, [, w]) => t + w, 0);
  let pick = draw * total;
  for (const [key, w] of entries) {
    if (pick < w) return key;
    pick -= w;
  }
  return entries[entries.length - 1]![0];
}

/**
 * What the switch does with one line; the same seed and reference always give the same answer.
 * A paid line may carry the reason it will later come back with.
 */
export function decideTransaction(seed: number, endToEndId: string, mix: SwitchMix): TxDecision {
  const [reject = 0, reason = 0, pending = 0, back = 0, backReason = 0] = draws(seed, endToEndId);
  if (reject < mix.rejectRate) return { status: 'RJCT', reason: weighted(mix.reasons, reason) };
  if (pending < mix.pendingRate) return { status: 'PDNG' };
  if (back < mix.returnRate) {
    return { status: 'ACSC', returned: weighted(mix.returnReasons, backReason) };
  }
  return { status: 'ACSC' };
}

/** What the switch does with a whole file, drawn from its message id. */
export function decideFile(seed: number, messageId: string, mix: SwitchMix) {
  const [refuse = 0, onlyRejected = 0, duplicate = 0] = draws(seed, `file:${messageId}`);
  return {
    refuse: refuse < mix.refuseFileRate,
    onlyRejected: onlyRejected < mix.onlyRejectedRate,
    duplicateReport: duplicate < mix.duplicateReportRate,
  };
}
