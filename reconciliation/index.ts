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
export { reconcileDirectory, reconcileFile, type ReconcileResult } from './reconcile.js';
export { EXCEPTION_KINDS, type ExceptionKind } from './exceptions.js';
