import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlTotals } from '../../reconciliation/control-equation.js';
import { reconcileDirectory } from '../../reconciliation/index.js';
import { rows, type Db } from '../../src/db/open.js';
import { parseMix } from '../../src/ghipss/simulator/mix.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { submitCycle } from '../../src/ghipss/submit.js';
import { money } from '../../src/money.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCycle } from './fixtures.js';
import { schemaErrors, texts } from './xml-helpers.js';

let tdb: TestDatabase;
let db: Db;
let root: string;

/** Every behaviour of the mix at once, on every file. */
const MIX = parseMix({
  rejectRate: 0.2,
  reasons: { AC01: 1, AC04: 1, AC06: 1, BE01: 1, MD07: 1, AM05: 1 },
  pendingRate: 0.1,
  returnRate: 0.1,
  returnDays: 5,
  duplicateReportRate: 1,
  onlyRejectedRate: 1,
});

const EZWICH = 'SIKA_LEAP_105_EZWICH_001';
let cycleId: number;
let outbox: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  root = mkdtempSync(join(tmpdir(), 'sika-mix-'));
  ({ cycleId } = await createCycle(db, { programme: 'LEAP', periodKey: '105', generated: 500 }));
  outbox = join(root, 'outbox');
  await submitCycle(db, { cycleId, submittedBy: 'efua.owusu', outbox });
});

afterAll(async () => {
  await tdb.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('the stand-in answers with the configured mix', () => {
  it('writes the first report, its repeat, a settlement of pending lines and returns', async () => {
    const inbox = join(root, 'in-a');
    const { answered } = await respondToOutbox({ outbox, inbox, seed: 9, mix: MIX });

    expect(answered.map((a) => [a.request, a.accepted, a.rejected, a.pending, a.returned])).toEqual(
      [
        ['SIKA_LEAP_105_BANK_001.xml', 38, 7, 5, 5],
        ['SIKA_LEAP_105_EZWICH_001.xml', 222, 67, 11, 20],
        ['SIKA_LEAP_105_MOMO_001.xml', 108, 27, 15, 14],
      ],
    );
    expect(answered[1]!.later).toEqual([
      `${EZWICH}.repeat.pain002.xml`,
      `${EZWICH}.settled.pain002.xml`,
      `${EZWICH}.returns.camt054.xml`,
    ]);
    const read = (name: string) => readFileSync(join(inbox, name), 'utf8');
    const first = read(`${EZWICH}.pain002.xml`);
    expect(read(`${EZWICH}.repeat.pain002.xml`)).toBe(first);

    // Only the lines not settled are listed, under an accepted group and block.
    expect(texts(first, 'GrpSts')).toEqual(['ACSC']);
    expect(texts(first, 'PmtInfSts')).toEqual(['ACSC']);
    expect(first.split('<TxInfAndSts>').length - 1).toBe(67 + 11);
    expect(first.split('<TxSts>PDNG</TxSts>').length - 1).toBe(11);
    expect(first).not.toContain('<TxSts>ACSC</TxSts>');
    const reasons = new Set(
      [...first.matchAll(/<StsRsnInf><Rsn><Cd>([A-Z0-9]+)<\/Cd>/g)].map((m) => m[1]),
    );
    expect([...reasons].sort()).toEqual(['AC01', 'AC04', 'AC06', 'AM05', 'BE01', 'MD07']);

    const settled = read(`${EZWICH}.settled.pain002.xml`);
    expect(texts(settled, 'GrpSts')).toEqual([]);
    expect(settled.split('<TxSts>ACSC</TxSts>').length - 1).toBe(11);
    expect(texts(settled, 'CreDtTm')[0]! > texts(first, 'CreDtTm')[0]!).toBe(true);

    const returns = read(`${EZWICH}.returns.camt054.xml`);
    expect(await schemaErrors(returns, 'camt.054.001.08')).toEqual([]);
    expect(texts(returns, 'SubFmlyCd')).toEqual(Array(20).fill('RRTN'));
    expect(texts(returns, 'CdtDbtInd')).toEqual(Array(40).fill('CRDT'));
    expect(texts(returns, 'Id')).toContain('1011130012345');
  });

  it('gives the same bytes for the same seed', async () => {
    await respondToOutbox({ outbox, inbox: join(root, 'in-b'), seed: 9, mix: MIX });
    const names = readdirSync(join(root, 'in-a'))
      .filter((n) => !n.startsWith('.'))
      .sort();
    expect(names).toHaveLength(12);
    for (const n of names) {
      const a = readFileSync(join(root, 'in-a', n));
      expect(a.equals(readFileSync(join(root, 'in-b', n))), n).toBe(true);
    }
  });

  it('reconciles to the pesewa: pending settled, rejected failed, returns returned', async () => {
    const results = await reconcileDirectory(db, {
      dir: join(root, 'in-a'),
      loadedBy: 'efua.owusu',
    });
    // The repeat of each first report is known by its hash and changes nothing.
    expect(results.map((r) => [r.duplicate, r.paid, r.failed, r.returned, r.pending])).toEqual([
      [false, 38, 7, 0, 5],
      [true, 0, 0, 0, 0],
      [false, 0, 0, 5, 0],
      [false, 5, 0, 0, 0],
      [false, 222, 67, 0, 11],
      [true, 0, 0, 0, 0],
      [false, 0, 0, 20, 0],
      [false, 11, 0, 0, 0],
      [false, 108, 27, 0, 15],
      [true, 0, 0, 0, 0],
      [false, 0, 0, 14, 0],
      [false, 15, 0, 0, 0],
    ]);
    const lines = await rows<{ status: string; n: number; total: string }>(
      db,
      sql`SELECT status, count(*)::int AS n, sum(amount)::text AS total FROM payroll_lines
          WHERE cycle_id = ${cycleId} GROUP BY status ORDER BY status`,
    );
    expect(lines.map((l) => [l.status, l.n])).toEqual([
      ['failed', 101],
      ['paid', 360],
      ['returned', 39],
    ]);
    const control = await controlTotals(db, cycleId);
    expect(control.holds).toBe(true);
    expect(control.byStatus.pending.lines).toBe(0);
    expect(money(control.sealedTotal).toFixed(2)).toBe(
      money(lines.reduce((t, l) => t.plus(money(l.total)), money(0))).toFixed(2),
    );
    const [conflicts] = await rows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM exceptions WHERE kind = 'conflicting_status'`,
    );
    expect(conflicts!.n).toBe(0);
  });
});
