import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/index.js';
import { maskInstrument, maskPin } from '../../reports/masking.js';
import { rows } from '../../src/db/open.js';
import { SikaError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { columnOf, dataRows, readPdfText, readWorkbook } from './read-back.js';
import { createLeapCycle, fixtureAccount, fixturePin } from './register-fixtures.js';

describe('masking rules', () => {
  it.each([
    ['GHA-123456789-0', 'GHA-XXXXX6789-X'],
    ['GHA-000001234-7', 'GHA-XXXXX1234-X'],
    ['GHA12345678', 'XXXXXXX5678'],
    ['', ''],
    [null, ''],
  ])('shows Ghana Card PIN %j as %j', (pin, shown) => {
    expect(maskPin(pin)).toBe(shown);
  });

  it.each([
    ['0241234567', 'XXXXXX4567'],
    ['+233241234567', '+XXXXXXXX4567'],
    ['1234567890123456', 'XXXXXXXXXXXX3456'],
    ['12345', 'XXXX5'],
    ['123', 'XXX'],
  ])('shows instrument %j as %j', (account, shown) => {
    expect(maskInstrument(account)).toBe(shown);
  });
});

describe('unmasked export', () => {
  let t: TestDatabase;
  let outDir: string;
  let cycleId: number;
  const unmaskedEvents = async () =>
    rows<{ actor: string; entity: string; entity_id: string; detail: Record<string, string> }>(
      t.db,
      sql`SELECT actor, entity, entity_id, detail FROM audit_events
          WHERE action = 'report.unmasked_export' ORDER BY id`,
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    outDir = await mkdtemp(join(tmpdir(), 'sika-masking-'));
    cycleId = await createLeapCycle(t.db, {
      cycleNumber: 106,
      lines: Array.from({ length: 12 }, (_, k) => ({ i: k + 1 })),
    });
  });

  afterAll(async () => {
    await t.drop();
    await rm(outDir, { recursive: true, force: true });
  });

  it.each([
    ['an auditor', 'yaw.darko'],
    ['a finance officer', 'efua.owusu'],
    ['an approver', 'kwame.boateng'],
    ['a payroll officer', 'akosua.mensah'],
  ])(
    'is refused to %s with ROLE_NOT_ALLOWED, leaving no file and no audit event',
    async (_who, user) => {
      const dir = await mkdtemp(join(tmpdir(), 'sika-unmasked-'));
      const attempt = writeReport(t.db, {
        kind: 'register',
        cycleId,
        format: 'xlsx',
        outDir: dir,
        generatedBy: user,
        unmasked: true,
      });
      await expect(attempt).rejects.toBeInstanceOf(SikaError);
      await expect(attempt).rejects.toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
      expect(await readdir(dir)).toEqual([]);
      expect(await unmaskedEvents()).toEqual([]);
      await rm(dir, { recursive: true, force: true });
    },
  );

  it.each(['yaw.darko', 'efua.owusu', 'admin'])(
    'gives %s masked identifiers when no unmasked export is asked for',
    async (user) => {
      const report = await writeReport(t.db, {
        kind: 'register',
        cycleId,
        format: 'xlsx',
        outDir,
        generatedBy: user,
      });
      const ws = (await readWorkbook(report.path)).getWorksheet('Register')!;
      const pins = dataRows(ws).map((r) => r[columnOf(ws, 'Ghana Card PIN')]!.value);
      expect(pins).toContain('GHA-XXXXX1001-X');
      expect(pins).not.toContain(fixturePin(1));
    },
  );

  it.each(['pdf', 'xlsx'] as const)(
    'gives an administrator full PINs and instruments in %s and records the export',
    async (format) => {
      const before = (await unmaskedEvents()).length;
      const report = await writeReport(t.db, {
        kind: 'register',
        cycleId,
        format,
        outDir,
        generatedBy: 'admin',
        unmasked: true,
      });
      if (format === 'xlsx') {
        const ws = (await readWorkbook(report.path)).getWorksheet('Register')!;
        const first = dataRows(ws)[0]!;
        expect(String(first[columnOf(ws, 'Ghana Card PIN')]!.value)).toMatch(/^GHA-\d{9}-\d$/);
      } else {
        const all = (await readPdfText(report.path)).pages.join(' ');
        expect(all).toContain(fixturePin(1));
        expect(all).toContain(fixtureAccount(1));
        expect(all).toContain('UNMASKED');
      }
      const events = await unmaskedEvents();
      expect(events).toHaveLength(before + 1);
      expect(events[events.length - 1]).toEqual({
        actor: 'admin',
        entity: 'cycle',
        entity_id: String(cycleId),
        detail: { kind: 'register', format, file: `LEAP-106-register.${format}` },
      });
    },
  );
});
