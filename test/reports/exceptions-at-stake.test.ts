import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/write-report.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createReportCycle, type ReportCycle } from './fixtures.js';
import { dataRows, readPdfText, readWorkbook, totalRows } from './read-back.js';

let t: TestDatabase;
let cycle: ReportCycle;
let outDir: string;

/**
 * Twenty lines, four failed: 342.85 (AC04), 429.70 (MD07), 290.74 (BE01) and 377.59 (AC01),
 * 1,440.88 in all, plus an unknown reference of 55.00. The MD07 line also carries a household
 * review, as reconciliation opens one, so it has two exceptions of 429.70.
 */
beforeAll(async () => {
  t = await createTestDatabase();
  cycle = await createReportCycle(t.db, { lines: 20 });
  outDir = await mkdtemp(join(tmpdir(), 'sika-at-stake-'));
  await t.db.execute(sql`
    INSERT INTO exceptions (cycle_id, payroll_line_id, kind, reason_code, amount, detail, state,
                            household_ref)
    SELECT cycle_id, payroll_line_id, 'household_review', reason_code, amount,
           'End customer deceased', 'open', 'HH0000010'
    FROM exceptions WHERE cycle_id = ${cycle.cycleId} AND reason_code = 'MD07'`);
});

afterAll(async () => {
  await t.drop();
  await rm(outDir, { recursive: true, force: true });
});

const write = (format: 'pdf' | 'xlsx') =>
  writeReport(t.db, {
    kind: 'exceptions',
    cycleId: cycle.cycleId,
    format,
    outDir,
    generatedBy: 'yaw.darko',
    now: new Date('2026-12-20T12:00:00Z'),
  });

describe('the amount at stake in the exception report', () => {
  it('counts the MD07 line once in XLSX, while its reason code keeps both exceptions', async () => {
    const report = await write('xlsx');
    expect(report.total).toBe('1495.88');
    const ws = (await readWorkbook(report.path)).getWorksheet('By reason code')!;
    expect(dataRows(ws).map((r) => [r[0]!.value, r[2]!.value, r[3]!.value])).toEqual([
      ['AC01', 1, 377.59],
      ['AC04', 1, 342.85],
      ['BE01', 1, 290.74],
      ['MD07', 2, 859.4],
      ['(none)', 1, 55],
    ]);
    expect(totalRows(ws).map((r) => r.map((c) => c.value))).toEqual([
      ['All exceptions', null, 6, null],
      ['Amount at stake (each line once)', '5 payroll lines or response records', null, 1495.88],
    ]);
  });

  it('prints the same in the PDF, and never the double-counted 1,925.58', async () => {
    const report = await write('pdf');
    expect(report.total).toBe('1495.88');
    const text = (await readPdfText(report.path)).pages.join(' ');
    expect(text).toContain('MD07 End customer deceased 2 GH¢ 859.40');
    expect(text).toContain(
      'All exceptions 6 Amount at stake (each line once): 5 payroll lines or response records ' +
        'GH¢ 1,495.88',
    );
    expect(text).toContain(
      '6 exceptions; amount at stake (each line once), 5 payroll lines or response records ' +
        'GH¢ 1,495.88',
    );
    expect(text).not.toContain('1,925.58');
  });
});
