import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../src/db/open.js';
import { logger } from '../src/logger.js';
import { writeExceptionsPdf } from './exceptions-pdf.js';
import { writeExceptionsXlsx } from './exceptions-xlsx.js';
import { loadReportHeader, type ReportHeader, type ReportKind } from './header.js';
import { recordUnmaskedExport, resolveMasking } from './masking.js';
import type { ReportOutcome } from './outcome.js';
import { writeReconciliationPdf } from './reconciliation-pdf.js';
import { writeReconciliationXlsx } from './reconciliation-xlsx.js';
import { writeAuditTrailPdf } from './audit-trail-pdf.js';
import { writeAuditTrailXlsx } from './audit-trail-xlsx.js';
import { writePaymentSummaryPdf } from './payment-summary-pdf.js';
import { writePaymentSummaryXlsx } from './payment-summary-xlsx.js';
import { writeRegisterPdf } from './register-pdf.js';
import { writeRegisterXlsx } from './register-xlsx.js';
import { writeVariancePdf } from './variance-pdf.js';
import { writeVarianceXlsx } from './variance-xlsx.js';
import { makeOutputDir } from '../src/make-dir.js';

export type ReportFormat = 'pdf' | 'xlsx';

export interface WriteReportParams {
  kind: ReportKind;
  cycleId: number;
  format: ReportFormat;
  outDir: string;
  /** Username of the person the report is made for; printed on it. Their role sets the masking. */
  generatedBy: string;
  /**
   * Full Ghana Card PINs and instruments instead of their last 4 digits. Only an administrator
   * may ask (else ROLE_NOT_ALLOWED); the export is recorded in the audit trail as report.unmasked_export.
   */
  unmasked?: boolean;
  now?: Date;
}

export interface WrittenReport {
  path: string;
  /**
   * Exception report: exceptions listed (every one, in both formats).
   * Reconciliation summary, register, payment summary: payroll lines. Variance: beneficiaries
   * new, dropped or changed. Audit trail: events listed.
   */
  rows: number;
  /**
   * Exception report: the amount at stake, each line once. Reconciliation summary, register,
   * payment summary: the cycle's total. Variance: the net change against the previous cycle.
   * Audit trail: null, it has no money total.
   */
  total: string | null;
}

type Writer = (db: Db, p: { header: ReportHeader; path: string }) => Promise<ReportOutcome>;

const WRITERS: Record<ReportKind, Record<ReportFormat, Writer>> = {
  exceptions: { pdf: writeExceptionsPdf, xlsx: writeExceptionsXlsx },
  reconciliation: { pdf: writeReconciliationPdf, xlsx: writeReconciliationXlsx },
  register: { pdf: writeRegisterPdf, xlsx: writeRegisterXlsx },
  'payment-summary': { pdf: writePaymentSummaryPdf, xlsx: writePaymentSummaryXlsx },
  variance: { pdf: writeVariancePdf, xlsx: writeVarianceXlsx },
  'audit-trail': { pdf: writeAuditTrailPdf, xlsx: writeAuditTrailXlsx },
};

const log = logger('reports');

/** File name of a report: "LEAP-106-exceptions.pdf". */
export function reportFileName(header: ReportHeader, format: ReportFormat): string {
  return `${header.fileStem}-${header.kind}.${format}`;
}

/**
 * Writes one report of a cycle into outDir. The file appears under its final name only once it
 * is complete, so a reader never picks up half a report.
 */
export async function writeReport(db: Db, p: WriteReportParams): Promise<WrittenReport> {
  const started = Date.now();
  const header = await loadReportHeader(db, {
    kind: p.kind,
    cycleId: p.cycleId,
    generatedBy: p.generatedBy,
    now: p.now ?? new Date(),
  });
  const { masked } = await resolveMasking(db, p);
  header.masked = masked;
  await makeOutputDir(p.outDir, 'report');
  const path = join(p.outDir, reportFileName(header, p.format));
  const partial = `${path}.part`;

  try {
    const outcome = await WRITERS[p.kind][p.format](db, { header, path: partial });
    if (!masked) {
      await recordUnmaskedExport(db, {
        actor: p.generatedBy,
        cycleId: p.cycleId,
        kind: p.kind,
        format: p.format,
        fileName: reportFileName(header, p.format),
      });
    }
    await rename(partial, path);
    log.info(
      {
        cycleId: p.cycleId,
        kind: p.kind,
        format: p.format,
        rows: outcome.rows,
        masked,
        durationMs: Date.now() - started,
      },
      'report written',
    );
    return { path, rows: outcome.rows, total: outcome.total?.toFixed(2) ?? null };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
