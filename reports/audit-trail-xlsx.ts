import type { Db } from '../src/db/open.js';
import type { ReportHeader } from './header.js';
import type { ReportOutcome } from './outcome.js';
import { chainVerdict, loadAuditTrail } from './report-data/audit-trail.js';
import { openReportWorkbook, writeHeaderSheet, XlsxTableSheet } from './xlsx/workbook.js';

/** The audit trail extract as XLSX: the chain check first, then the cycle's events. */
export async function writeAuditTrailXlsx(
  db: Db,
  p: { header: ReportHeader; path: string },
): Promise<ReportOutcome> {
  const trail = await loadAuditTrail(db, p.header.cycleId);
  const wb = openReportWorkbook(p.path, p.header);
  writeHeaderSheet(wb, p.header);

  const check = new XlsxTableSheet(wb, 'Chain check', [
    { header: 'Result', width: 12, kind: 'text' },
    { header: 'Events verified', width: 16, kind: 'count' },
    { header: 'First broken event id', width: 22, kind: 'count' },
    { header: 'Verdict', width: 100, kind: 'text' },
  ]);
  check.add([
    trail.chain.ok ? 'ok' : 'BROKEN',
    trail.chain.events,
    trail.chain.firstBrokenId ?? null,
    chainVerdict(trail.chain),
  ]);
  check.finish();

  const events = new XlsxTableSheet(wb, 'Events', [
    { header: 'ID', width: 9, kind: 'count' },
    { header: 'At', width: 22, kind: 'text' },
    { header: 'Actor', width: 16, kind: 'text' },
    { header: 'Action', width: 24, kind: 'text' },
    { header: 'Entity', width: 16, kind: 'text' },
    { header: 'Entity id', width: 10, kind: 'text' },
    { header: 'Detail', width: 100, kind: 'text' },
  ]);
  for (const e of trail.events) {
    events.add([e.id, e.at.toISOString(), e.actor, e.action, e.entity, e.entityId, e.detail]);
  }
  events.finish();

  await wb.commit();
  return { rows: trail.events.length, total: null };
}
