export {
  controlTotals,
  LINE_STATUSES,
  type ControlTotals,
  type LineStatus,
} from './control-equation.js';
export { describeFile, type FileDescription, type Tally } from './describe-file.js';
export {
  parsePain002,
  readPain002,
  type Pain002Event,
  type Pain002Header,
  type Pain002PaymentInfo,
  type Pain002Record,
  type Pain002Report,
  type StatusReason,
} from './pain002-parser.js';
export {
  parseCamt,
  readCamt,
  type CamtEvent,
  type CamtFormat,
  type CamtHeader,
  type CamtRecord,
  type CamtReport,
} from './camt-parser.js';
export {
  reconcileDirectory,
  reconcileFile,
  type ReconcileParams,
  type ReconcileResult,
  type SettlementFormat,
} from './reconcile.js';
export { EXCEPTION_KINDS, type ExceptionKind } from './exceptions.js';
export { DEFAULT_VALUE_DATE_TOLERANCE_DAYS } from './fallback-match.js';
export { markUnconfirmed, type UnconfirmedResult } from './unconfirmed.js';
export {
  NEVER_PAY_AGAIN,
  RESOLUTIONS,
  resolveException,
  type Resolution,
  type ResolveParams,
  type ResolvedException,
} from './resolve-exception.js';
export { closeCycle, type ClosedCycle } from './close-cycle.js';
export { listExceptions, type ExceptionListing } from './list-exceptions.js';
export { FINANCE_ROLES } from './finance-user.js';
