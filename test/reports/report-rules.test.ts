import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamExceptionRows } from '../../reports/report-data/exceptions.js';
import { writeReport } from '../../reports/write-report.js';
import { moneyValue, safeText } from '../../reports/xlsx/workbook.js';
import { money } from '../../src/money.js';
import { SikaError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createReportCycle, type ReportCycle } from './fixtures.js';
import { readPdfText, readWorkbook } from './read-back.js';

describe('spreadsheet cell rules', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+233201234567', "'+233201234567"],
    ['-5 pesewas', "'-5 pesewas"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=cmd', "'\t=cmd"],
    ['HH0012345', 'HH0012345'],
    ['Ɛfua = Ɔwusu', 'Ɛfua = Ɔwusu'],
  ])('writes text %j as %j', (input, expected) => {
    expect(safeText(input)).toBe(expected);
  });

  it.each(['0.10', '1234.35', '150162434.00', '999999999999.99', '-42.07'])(
    'turns GH¢ %s into a number that prints back to the same pesewa',
    (amount) => {
      expect(moneyValue(money(amount)).toFixed(2)).toBe(amount);
    },
  );
});

describe('writing reports', () => {
  let t: TestDatabase;
  let outDir: string;
  let lipw: ReportCycle;
  let unsealed: ReportCycle;
  let leap: ReportCycle;

  beforeAll(async () => {
    t = await createTestDatabase();
    outDir = await mkdtemp(join(tmpdir(), 'sika-reports-'));
    leap = await createReportCycle(t.db, { cycleNumber: 98, lines: 100 });
    lipw = await createReportCycle(t.db, { programme: 'LIPW', lines: 30 });
    unsealed = await createReportCycle(t.db, { cycleNumber: 99, lines: 10, sealed: false });
  });

  afterAll(async () => {
    await t.drop();
    await rm(outDir, { recursive: true, force: true });
  });

  it.each([
    ['exceptions', 'pdf'],
    ['exceptions', 'xlsx'],
    ['reconciliation', 'pdf'],
    ['reconciliation', 'xlsx'],
  ] as const)('names a LIPW %s %s report by its pay period', async (kind, format) => {
    const report = await writeReport(t.db, {
      kind,
      format,
      cycleId: lipw.cycleId,
      outDir,
      generatedBy: 'yaw.darko',
    });
    expect(basename(report.path)).toBe(`LIPW-2026-11-02_2026-11-15-${kind}.${format}`);
  });

  it('labels a LIPW report with its period and a LEAP report with its cycle months', async () => {
    const l = await writeReport(t.db, {
      kind: 'reconciliation',
      format: 'pdf',
      cycleId: lipw.cycleId,
      outDir,
      generatedBy: 'yaw.darko',
    });
    expect((await readPdfText(l.path)).pages[0]).toContain('LIPW period 2026-11-02 to 2026-11-15');
    const c = await writeReport(t.db, {
      kind: 'reconciliation',
      format: 'pdf',
      cycleId: leap.cycleId,
      outDir,
      generatedBy: 'yaw.darko',
    });
    expect((await readPdfText(c.path)).pages[0]).toContain('LEAP cycle 98, Jul-Aug 2025');
  });

  it('says "not sealed" and "not approved" for a cycle that is not approved yet', async () => {
    const report = await writeReport(t.db, {
      kind: 'exceptions',
      format: 'xlsx',
      cycleId: unsealed.cycleId,
      outDir,
      generatedBy: 'yaw.darko',
    });
    const ws = (await readWorkbook(report.path)).getWorksheet('Report')!;
    expect(ws.getCell('B5').value).toBe('not sealed');
    expect(ws.getCell('B8').value).toBe('not approved');
  });

  it.each([
    ['an unknown cycle', { cycleId: 999_999, generatedBy: 'yaw.darko' }, 'CYCLE_NOT_FOUND'],
    ['an unregistered user', { cycleId: 0, generatedBy: 'nobody' }, 'UNKNOWN_USER'],
  ])('refuses %s and leaves no file', async (_what, p, code) => {
    const dir = await mkdtemp(join(tmpdir(), 'sika-refused-'));
    const cycleId = p.cycleId || leap.cycleId;
    const attempt = writeReport(t.db, {
      kind: 'exceptions',
      format: 'pdf',
      cycleId,
      outDir: dir,
      generatedBy: p.generatedBy,
    });
    await expect(attempt).rejects.toBeInstanceOf(SikaError);
    await expect(attempt).rejects.toMatchObject({ code });
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('quotes the unknown user it refuses, as every message quotes a name', async () => {
    const attempt = writeReport(t.db, {
      kind: 'audit-trail',
      format: 'pdf',
      cycleId: leap.cycleId,
      outDir,
      generatedBy: 'ghost',
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'UNKNOWN_USER',
      message: 'unknown user "ghost": no user of that name is registered',
    });
  });

  it('reads exceptions in batches without losing or repeating one', async () => {
    const now = new Date('2026-12-20T12:00:00Z');
    const ids = async (batchSize?: number) => {
      const out: number[] = [];
      for await (const e of streamExceptionRows(t.db, { cycleId: leap.cycleId, now, batchSize })) {
        out.push(e.id);
      }
      return out;
    };
    const all = await ids();
    expect(all).toHaveLength(leap.failedLines + 1);
    expect(await ids(7)).toEqual(all);
    expect(await ids(all.length)).toEqual(all);
    expect([...all].sort((a, b) => a - b)).toEqual(all);
  });
});
