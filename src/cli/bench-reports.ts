import { REPORT_KINDS, type ReportKind } from '../../reports/index.js';
import { SikaError } from '../errors.js';

interface StageFigures {
  stage: string;
  rows: number;
  seconds: number;
  rows_per_s: number;
  peak_rss_mb: number;
  /** CPU seconds of the measured process, when the child reports them. */
  cpu_s?: number;
}

/** Runs the measured stage in a fresh process with extra arguments; resolves to its JSON line. */
export type MeasureChild = (extraArgs: string[]) => Promise<string>;

/** The kinds a `--kind` option names: one, or every kind when it is absent. */
export function reportKindsOption(kind: string | undefined): ReportKind[] {
  if (kind === undefined) return [...REPORT_KINDS];
  if (!(REPORT_KINDS as readonly string[]).includes(kind)) {
    throw new SikaError('USAGE', `--kind must be one of ${REPORT_KINDS.join(', ')}, got "${kind}"`);
  }
  return [kind as ReportKind];
}

/**
 * The "reports" stage, measured in parts so each has its own time and peak memory: the register
 * as PDF, the register as XLSX (the national figures the product is held to), then the other
 * kinds in both formats. Prints one JSON line per part and returns the closing line: the sums,
 * the highest peak, and the register's figures per format as extra fields.
 */
export async function measureReports(
  measure: MeasureChild,
  kinds: ReportKind[],
  print: (line: string) => void,
): Promise<string> {
  const parts: { label: Record<string, string>; args: string[] }[] = [];
  for (const kind of kinds.filter((k) => k === 'register')) {
    for (const format of ['pdf', 'xlsx']) {
      parts.push({ label: { kind, format }, args: ['--kinds', kind, '--formats', format] });
    }
  }
  const others = kinds.filter((k) => k !== 'register');
  if (others.length > 0) {
    parts.push({
      label: { kind: others.join(','), format: 'pdf,xlsx' },
      args: ['--kinds', others.join(',')],
    });
  }

  const extra: Record<string, number> = {};
  let rows = 0;
  let seconds = 0;
  let peak = 0;
  for (const part of parts) {
    const figures = JSON.parse(await measure(part.args)) as StageFigures;
    print(JSON.stringify({ ...figures, ...part.label }));
    rows += figures.rows;
    seconds += figures.seconds;
    peak = Math.max(peak, figures.peak_rss_mb);
    if (part.label.kind === 'register') {
      extra[`register_${part.label.format}_seconds`] = figures.seconds;
      extra[`register_${part.label.format}_peak_rss_mb`] = figures.peak_rss_mb;
      if (figures.cpu_s !== undefined) extra[`register_${part.label.format}_cpu_s`] = figures.cpu_s;
    }
  }
  return JSON.stringify({
    stage: 'reports',
    rows,
    seconds: Number(seconds.toFixed(3)),
    rows_per_s: Math.round(rows / seconds),
    peak_rss_mb: peak,
    ...extra,
  });
}
