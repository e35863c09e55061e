export {
  buildLeapCycle,
  runCycles,
  type LeapBuildParams,
  type LeapRunCycles,
} from './build-leap.js';
export {
  buildLipwPayroll,
  DEFAULT_MAX_DAYS_PER_SEASON,
  type LipwBuildParams,
} from './build-lipw.js';
export { approveCycle, rejectCycle } from './approve.js';
export { computeSeal, controlTotals } from './seal.js';
export { verifyCycle, type VerifyCycleParams, type VerifyCycleResult } from './replay-cycle.js';
export type { CycleDifference } from './replay-compare.js';
export { findCycle, listCycles, type CycleRef } from './cycles.js';
export {
  precheckCycle,
  type PrecheckResult,
  type Count,
  type DistrictVariance,
} from './precheck.js';
export {
  LEAP_REASONS,
  LEAP_FLAGS,
  ELIGIBLE_CATEGORIES,
  type LeapReason,
  type LeapFlag,
} from './leap-rules.js';
export { ITEM_KINDS, ROLLOVER_CODES, type ItemKind } from './leap-items.js';
export { LIPW_REASONS, defaultSeasonStart } from './lipw-rules.js';
export { isValidEndToEndId, leapEndToEndId, lipwEndToEndId } from './references.js';
export type * from './types.js';
