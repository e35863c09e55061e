export { buildLeapCycle } from './build-leap.js';
export { buildLipwPayroll } from './build-lipw.js';
export { approveCycle, rejectCycle } from './approve.js';
export { computeSeal, controlTotals } from './seal.js';
export { findCycle, listCycles, type CycleRef } from './cycles.js';
export { LEAP_REASONS, ELIGIBLE_CATEGORIES, type LeapReason } from './leap-rules.js';
export { isValidEndToEndId, leapEndToEndId, lipwEndToEndId } from './references.js';
export type * from './types.js';
