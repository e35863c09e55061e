import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { money, sum } from '../../src/money.js';
import { decideTransaction } from '../../src/ghipss/simulator/decide.js';
import { parseMix } from '../../src/ghipss/simulator/mix.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { reconcileDirectory } from '../../reconciliation/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from '../ghipss/fixtures.js';

let t: TestDatabase;
let root: string;

beforeAll(async () => {
  t = await createTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'sika-status-csv-e2e-'));
});
afterAll(async () => {
  await t.drop();
  await rm(root, { recursive: true, force: true });
});

describe('a cycle sent as bulk CSV files, answered by the stand-in in CSV, reconciled', () => {
  it('moves every line as the stand-in decided, to the pesewa', async () => {
    const { cycleId, total } = await createCycle(t.db, {
      programme: 'LEAP',
      periodKey: '106',
      generated: 60,
    });
    const outbox = join(root, 'outbox');
    const inbox = join(root, 'inbox');
    await submitCycle(t.db, {
      cycleId,
      submittedBy: 'efua.owusu',
      outbox,
      formats: { ezwich: 'sika-ezwich-csv-1', momo: 'sika-momo-csv-1' },
    });
    const seed = 7;
    const mix = parseMix({
      rejectRate: 0.2,
      pendingRate: 0.15,
      returnRate: 0.1,
      duplicateReportRate: 1,
    });
    await respondToOutbox({ outbox, inbox, seed, mix });

    // The six bank lines drew no pending line, so the bank file has no later settlement.
    expect((await readdir(inbox)).filter((n) => !n.startsWith('.')).sort()).toEqual([
      'SIKA_LEAP_106_BANK_001.pain002.xml',
      'SIKA_LEAP_106_BANK_001.repeat.pain002.xml',
      'SIKA_LEAP_106_BANK_001.returns.camt054.xml',
      'SIKA_LEAP_106_EZWICH_001.status.csv',
      'SIKA_LEAP_106_EZWICH_001.status.repeat.csv',
      'SIKA_LEAP_106_EZWICH_001.status.returns.camt054.xml',
      'SIKA_LEAP_106_EZWICH_001.status.settled.csv',
      'SIKA_LEAP_106_MOMO_001.status.csv',
      'SIKA_LEAP_106_MOMO_001.status.repeat.csv',
      'SIKA_LEAP_106_MOMO_001.status.returns.camt054.xml',
      'SIKA_LEAP_106_MOMO_001.status.settled.csv',
    ]);

    const results = await reconcileDirectory(t.db, { dir: inbox, loadedBy: 'efua.owusu' });
    expect(results.filter((r) => r.state !== 'loaded')).toEqual([]);
    expect(
      results
        .filter((r) => r.fileName.endsWith('.csv'))
        .map((r) => [r.fileName, r.format, r.duplicate]),
    ).toEqual([
      ['SIKA_LEAP_106_EZWICH_001.status.csv', 'sika-status-csv-1', false],
      ['SIKA_LEAP_106_EZWICH_001.status.repeat.csv', 'sika-status-csv-1', true],
      ['SIKA_LEAP_106_EZWICH_001.status.settled.csv', 'sika-status-csv-1', false],
      ['SIKA_LEAP_106_MOMO_001.status.csv', 'sika-status-csv-1', false],
      ['SIKA_LEAP_106_MOMO_001.status.repeat.csv', 'sika-status-csv-1', true],
      ['SIKA_LEAP_106_MOMO_001.status.settled.csv', 'sika-status-csv-1', false],
    ]);

    const lines = await rows<{
      end_to_end_id: string;
      status: string;
      status_reason: string | null;
      amount: string;
    }>(
      t.db,
      sql`SELECT end_to_end_id, status, status_reason, amount::text FROM payroll_lines
          WHERE cycle_id = ${cycleId} ORDER BY line_no`,
    );
    // What the stand-in decided for each line: rejected, pending then settled, paid, returned.
    const expected = lines.map((l) => {
      const d = decideTransaction(seed, l.end_to_end_id, mix);
      if (d.status === 'RJCT') return [l.end_to_end_id, 'failed', d.reason];
      if (d.status === 'ACSC' && d.returned) return [l.end_to_end_id, 'returned', d.returned];
      return [l.end_to_end_id, 'paid', null];
    });
    expect(lines.map((l) => [l.end_to_end_id, l.status, l.status_reason])).toEqual(expected);

    const byStatus = await rows<{ status: string; lines: number; amount: string }>(
      t.db,
      sql`SELECT status, count(*)::int AS lines, sum(amount)::text AS amount FROM payroll_lines
          WHERE cycle_id = ${cycleId} GROUP BY status ORDER BY status`,
    );
    const failed = expected.filter((e) => e[1] === 'failed').length;
    const returned = expected.filter((e) => e[1] === 'returned').length;
    expect(byStatus.map((s) => [s.status, s.lines])).toEqual(
      [
        ['failed', failed],
        ['paid', 60 - failed - returned],
        ['returned', returned],
      ].filter(([, n]) => n !== 0),
    );
    expect(failed).toBeGreaterThan(0);
    expect(returned).toBeGreaterThan(0);
    expect(sum(byStatus.map((b) => money(b.amount))).toFixed(2)).toBe(total);
    // Lines left pending by the first CSV report were settled by the later one.
    const settled = results.filter((r) => r.fileName.endsWith('.status.settled.csv'));
    const pending = lines.filter(
      (l) => decideTransaction(seed, l.end_to_end_id, mix).status === 'PDNG',
    ).length;
    expect(pending).toBeGreaterThan(0);
    expect(settled.reduce((n, r) => n + r.paid, 0)).toBe(pending);
    const [cycle] = await rows<{ status: string }>(
      t.db,
      sql`SELECT status FROM cycles WHERE id = ${cycleId}`,
    );
    expect(cycle!.status).toBe('reconciled');
  });
});
