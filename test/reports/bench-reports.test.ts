import { describe, expect, it } from 'vitest';
import { measureReports, reportKindsOption } from '../../src/cli/bench-reports.js';

/** Stands in for a measured child process: figures follow from the arguments it was given. */
const figures: Record<string, object> = {
  'register|pdf': {
    stage: 'reports',
    rows: 330813,
    seconds: 41.5,
    rows_per_s: 7971,
    peak_rss_mb: 318.2,
    cpu_s: 39.9,
  },
  'register|xlsx': {
    stage: 'reports',
    rows: 330813,
    seconds: 28.25,
    rows_per_s: 11710,
    peak_rss_mb: 402,
  },
  'exceptions,reconciliation,payment-summary,variance,audit-trail|': {
    stage: 'reports',
    rows: 1000,
    seconds: 10.25,
    rows_per_s: 98,
    peak_rss_mb: 250.5,
  },
};

async function run(kinds: ReturnType<typeof reportKindsOption>) {
  const asked: string[][] = [];
  const printed: string[] = [];
  const last = await measureReports(
    async (args) => {
      asked.push(args);
      const at = (flag: string) => args[args.indexOf(flag) + 1] ?? '';
      const key = `${at('--kinds')}|${args.includes('--formats') ? at('--formats') : ''}`;
      return JSON.stringify(figures[key]);
    },
    kinds,
    (line) => printed.push(line),
  );
  return { asked, printed: printed.map((l) => JSON.parse(l)), last: JSON.parse(last) };
}

describe('bench reports', () => {
  it('measures the register as PDF and as XLSX apart, then the other kinds, and sums them', async () => {
    const { asked, printed, last } = await run(reportKindsOption(undefined));
    expect(asked).toEqual([
      ['--kinds', 'register', '--formats', 'pdf'],
      ['--kinds', 'register', '--formats', 'xlsx'],
      ['--kinds', 'exceptions,reconciliation,payment-summary,variance,audit-trail'],
    ]);
    expect(printed.map((p) => [p.kind, p.format, p.seconds])).toEqual([
      ['register', 'pdf', 41.5],
      ['register', 'xlsx', 28.25],
      ['exceptions,reconciliation,payment-summary,variance,audit-trail', 'pdf,xlsx', 10.25],
    ]);
    expect(last).toEqual({
      stage: 'reports',
      rows: 662626,
      seconds: 80,
      rows_per_s: 8283,
      peak_rss_mb: 402,
      register_pdf_seconds: 41.5,
      register_pdf_peak_rss_mb: 318.2,
      register_pdf_cpu_s: 39.9,
      register_xlsx_seconds: 28.25,
      register_xlsx_peak_rss_mb: 402,
    });
  });

  it('measures only the register with --kind register', async () => {
    const { asked, last } = await run(reportKindsOption('register'));
    expect(asked).toHaveLength(2);
    expect(last.rows).toBe(661626);
    expect(last.seconds).toBe(69.75);
  });

  it('refuses a kind that is not a report', () => {
    expect(() => reportKindsOption('payslips')).toThrow(/--kind must be one of/);
  });
});
