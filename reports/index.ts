import type { ReportKind } from './header.js';

export const REPORT_KINDS: readonly ReportKind[] = [
  'exceptions',
  'reconciliation',
  'register',
  'payment-summary',
  'variance',
  'audit-trail',
];
export type { ReportKind } from './header.js';
export {
  writeReport,
  reportFileName,
  type ReportFormat,
  type WrittenReport,
} from './write-report.js';
