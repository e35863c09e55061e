import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SikaError } from '../../errors.js';

/** Reasons a strict switch gives for a line it refuses (AM05, a repeated reference, is its own). */
export const REJECT_REASONS = ['AC01', 'AC04', 'AC06', 'BE01', 'MD07', 'AM05'] as const;
/** Reasons a receiving bank gives when it sends a paid credit back (camt.054, RRTN). */
export const RETURN_REASONS = ['AC04', 'AC06', 'MD07'] as const;

const share = z.number().min(0).max(1);
const weight = z.number().int().min(0).optional();
const weights = <K extends string>(keys: readonly K[]) =>
  z
    .object(Object.fromEntries(keys.map((k) => [k, weight])) as Record<K, typeof weight>)
    .strict()
    .refine(
      (w) => Object.values(w as Record<string, number | undefined>).some((n) => (n ?? 0) > 0),
      'at least one weight above 0',
    );

/**
 * What the stand-in answers, as shares of lines or files; every draw is a hash of the seed and
 * the line's reference or the file's message id, so the same seed gives the same bytes.
 */
export const MixSchema = z
  .object({
    /** Share of lines rejected in the first report. */
    rejectRate: share.default(0.015),
    /** Relative weights of the rejection reasons. */
    reasons: weights(REJECT_REASONS).default({ AC01: 55, AC04: 18, AC06: 7, BE01: 12, MD07: 8 }),
    /** Share of the other lines reported PDNG, then settled (ACSC) in a later report. */
    pendingRate: share.default(0),
    /** Share of files refused whole for their control sum (AM10), as a switch that sums otherwise. */
    refuseFileRate: share.default(0),
    /** Share of files whose report lists only the lines not settled, under group status ACSC. */
    onlyRejectedRate: share.default(0),
    /** Share of files whose first report is sent a second time, byte for byte. */
    duplicateReportRate: share.default(0),
    /** Share of lines paid in the first report that come back later in a camt.054 (RRTN). */
    returnRate: share.default(0),
    /** How many days after the request the returns are booked. */
    returnDays: z.number().int().min(1).max(60).default(3),
    returnReasons: weights(RETURN_REASONS).default({ AC04: 50, AC06: 20, MD07: 30 }),
  })
  .strict();

export type SwitchMix = z.infer<typeof MixSchema>;
export type MixInput = z.input<typeof MixSchema>;

export const DEFAULT_MIX: SwitchMix = MixSchema.parse({});

/** A mix from partial settings; a bad one is a usage error naming the setting. */
export function parseMix(input: unknown, source = 'mix'): SwitchMix {
  const r = MixSchema.safeParse(input ?? {});
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new SikaError('USAGE', `${source}: ${problems.join('; ')}`);
  }
  return r.data;
}

/** A mix from a JSON file, with settings given on the command line laid over it. */
export function loadMix(file: string | undefined, overrides: MixInput): SwitchMix {
  let fromFile: unknown = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new SikaError('USAGE', `${file}: not a readable JSON mix (${(err as Error).message})`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new SikaError('USAGE', `${file}: a mix is a JSON object`);
    }
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return parseMix({ ...(fromFile as object), ...defined }, file ?? 'mix');
}
