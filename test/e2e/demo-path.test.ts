import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_KINDS } from '../../reports/index.js';
import { runPipeline, type PipelineSummary } from '../../src/cli/pipeline.js';
import { rows } from '../../src/db/open.js';
import { archivePath, type ArchiveKind } from '../../src/file-archive.js';
import { money, sum } from '../../src/money.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { pain001SchemaErrors } from '../ghipss/xml-helpers.js';

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let t: TestDatabase;
let dir: string;
let summary: PipelineSummary;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'sika-e2e-'));
  summary = await runPipeline(t.db, {
    seed: 7,
    households: 600,
    workers: 60,
    leapCycle: 106,
    lipwPeriod: { start: '2026-11-02', end: '2026-11-15' },
    dataDir: join(dir, 'data'),
    outDir: join(dir, 'out'),
    archiveDir: join(dir, 'archive'),
  });
}, 300_000);

afterAll(async () => {
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the demo path on a small sample', () => {
  it('builds, seals and reconciles a LEAP and a LIPW cycle', () => {
    expect(summary.cycles.map((c) => [c.programme, c.period_key, c.status])).toEqual([
      ['LEAP', '106', 'reconciled'],
      ['LIPW', '2026-11-02..2026-11-15', 'reconciled'],
    ]);
    for (const c of summary.cycles) expect(c.seal_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ties every cycle to the pesewa: sealed = paid + failed + returned + pending + unconfirmed', () => {
    for (const c of summary.cycles) {
      const parts = sum(
        [c.paid, c.failed, c.returned, c.pending, c.unconfirmed].map((a) => money(a)),
      );
      expect(parts.toFixed(2)).toBe(c.sealed_total);
      expect(c.control_equation_holds).toBe(true);
      expect(c.pending).toBe('0.00');
      expect(money(c.failed).isPositive()).toBe(true);
    }
  });

  it('agrees with the database line by line', async () => {
    for (const c of summary.cycles) {
      const [db] = await rows<{ lines: number; total: string; paid: string; failed: string }>(
        t.db,
        sql`SELECT count(*)::int AS lines, sum(amount)::text AS total,
                   coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0)::text AS paid,
                   coalesce(sum(amount) FILTER (WHERE status = 'failed'), 0)::text AS failed
            FROM payroll_lines WHERE cycle_id = ${c.cycle_id}`,
      );
      expect(db).toEqual({
        lines: c.line_counts.total,
        total: c.sealed_total,
        paid: c.paid,
        failed: c.failed,
      });
    }
  });

  it('archives every imported and reconciled file under its SHA-256', async () => {
    const archive = join(dir, 'archive');
    const check = async (table: string, kind: ArchiveKind) => {
      const files = await rows<{ sha256: string; file_name: string }>(
        t.db,
        sql`SELECT sha256, file_name FROM ${sql.raw(table)} ORDER BY id`,
      );
      for (const f of files) {
        const bytes = readFileSync(archivePath(archive, kind, f.sha256, f.file_name));
        expect(sha256Of(bytes)).toBe(f.sha256);
      }
      return files.length;
    };
    expect(await check('import_files', 'imports')).toBe(6);
    expect(await check('settlement_files', 'settlements')).toBe(summary.response_files.length);
    const archived = (kind: ArchiveKind) =>
      readdirSync(join(archive, kind), { recursive: true, withFileTypes: true }).filter((e) =>
        e.isFile(),
      ).length;
    expect(archived('imports')).toBe(6);
    expect(archived('settlements')).toBe(summary.response_files.length);
  });

  it('writes summary.json with the same figures', () => {
    const written = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(written.cycles).toEqual(summary.cycles);
  });

  it('writes payment files that validate against pain.001.001.03', async () => {
    const files = readdirSync(join(dir, 'out', 'outbox')).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBe(summary.payment_files.length);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      expect(
        await pain001SchemaErrors(readFileSync(join(dir, 'out', 'outbox', f), 'utf8')),
      ).toEqual([]);
    }
  });

  it('writes both reports for both cycles, as PDF and XLSX', async () => {
    expect(summary.reports.length).toBe(REPORT_KINDS.length * 2 * 2);
    const reconXlsx = summary.reports.find(
      (p) => p.includes('LEAP') && p.endsWith('reconciliation.xlsx'),
    );
    expect(reconXlsx).toBeDefined();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(reconXlsx!);
    expect(wb.worksheets.length).toBeGreaterThan(1);
  });
});
