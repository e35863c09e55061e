import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveException, type Resolution } from '../../reconciliation/resolve-exception.js';
import { rows } from '../../src/db/open.js';
import { buildLeapCycle } from '../../src/payroll/build-leap.js';
import type { BuildResult } from '../../src/payroll/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { addHousehold, approveAndSettle, eligibleMembers, unbalancedLines } from './fixtures.js';

/**
 * A "pay again" resolution is read by the next LEAP build, and a build that pays a failed or
 * returned line again carries its open exception. Cycle 105 settles as in the table, each line
 * with the exception reconciliation raises, resolved by finance where the table says; 106 pays
 * the grant plus what is paid again; 107 pays nothing again.
 */
interface Story {
  ref: string;
  members: number;
  outcome: { status: 'failed' | 'returned'; reason: string };
  /** Finance's resolution of the 105 exception before 106 is built, if any. */
  resolution?: Resolution;
  /** base + arrears = amount of the 106 line. */
  line106: string;
  /** The 105 exception after 106 is built. */
  exception: { state: string; resolution: string | null; resolvedBy: string | null };
}

const stories: Story[] = [
  {
    ref: 'HH0000001',
    members: 1,
    outcome: { status: 'failed', reason: 'AC06' },
    resolution: 'pay_again',
    line106: '320.00 + 320.00 = 640.00',
    exception: { state: 'carried', resolution: 'pay_again', resolvedBy: 'efua.owusu' },
  },
  {
    ref: 'HH0000002',
    members: 2,
    outcome: { status: 'failed', reason: 'AC01' },
    line106: '380.00 + 380.00 = 760.00',
    exception: { state: 'carried', resolution: 'pay_again', resolvedBy: 'akosua.mensah' },
  },
  {
    ref: 'HH0000003',
    members: 3,
    outcome: { status: 'returned', reason: 'AC06' },
    line106: '440.00 + 0.00 = 440.00',
    exception: { state: 'open', resolution: null, resolvedBy: null },
  },
  {
    ref: 'HH0000004',
    members: 4,
    outcome: { status: 'failed', reason: 'AC06' },
    resolution: 'write_off',
    line106: '530.00 + 0.00 = 530.00',
    exception: { state: 'resolved', resolution: 'write_off', resolvedBy: 'efua.owusu' },
  },
  {
    ref: 'HH0000005',
    members: 1,
    outcome: { status: 'returned', reason: 'AC04' },
    resolution: 'pay_again',
    line106: '320.00 + 320.00 = 640.00',
    exception: { state: 'carried', resolution: 'pay_again', resolvedBy: 'efua.owusu' },
  },
  {
    ref: 'HH0000006',
    members: 2,
    outcome: { status: 'failed', reason: 'AM05' },
    line106: '380.00 + 0.00 = 380.00',
    exception: { state: 'open', resolution: null, resolvedBy: null },
  },
  // AC01 rolls over on its own, but finance wrote it off: never paid again.
  {
    ref: 'HH0000007',
    members: 1,
    outcome: { status: 'failed', reason: 'AC01' },
    resolution: 'write_off',
    line106: '320.00 + 0.00 = 320.00',
    exception: { state: 'resolved', resolution: 'write_off', resolvedBy: 'efua.owusu' },
  },
];

let t: TestDatabase;
const built: Record<number, BuildResult> = {};

async function build(cycle: number): Promise<BuildResult> {
  built[cycle] = await buildLeapCycle(t.db, { cycleNumber: cycle, builtBy: 'akosua.mensah' });
  return built[cycle];
}

async function exceptionOf(ref: string) {
  const [e] = await rows<{
    id: number;
    state: string;
    resolution: string | null;
    by: string | null;
  }>(
    t.db,
    sql`SELECT e.id::int, e.state, e.resolution, e.resolved_by AS by
        FROM exceptions e JOIN payroll_lines l ON l.id = e.payroll_line_id
        WHERE l.period_key = '105' AND l.beneficiary_ref = ${ref}`,
  );
  return e!;
}

beforeAll(async () => {
  t = await createTestDatabase();
  for (const s of stories) {
    await addHousehold(t.db, { ref: s.ref, members: eligibleMembers(s.members) });
  }
  const c105 = await build(105);
  await approveAndSettle(
    t.db,
    c105.cycleId,
    Object.fromEntries(stories.map((s) => [s.ref, s.outcome])),
  );
  // The exception reconciliation raises for each failed or returned line.
  await t.db.execute(sql`
    INSERT INTO exceptions (cycle_id, payroll_line_id, kind, reason_code, amount, detail)
    SELECT cycle_id, id, CASE status WHEN 'failed' THEN 'failed_payment'
                                     ELSE 'returned_payment' END,
      status_reason, amount, 'payment ' || status
    FROM payroll_lines WHERE cycle_id = ${c105.cycleId} ORDER BY id`);
  for (const s of stories.filter((x) => x.resolution)) {
    await resolveException(t.db, {
      exceptionId: (await exceptionOf(s.ref)).id,
      by: 'efua.owusu',
      action: s.resolution!,
      note: 'checked with the bank',
    });
  }
  await approveAndSettle(t.db, (await build(106)).cycleId);
  await build(107);
});

afterAll(async () => {
  await t?.drop();
});

async function lines(periodKey: string): Promise<Record<string, string>> {
  const found = await rows<{ ref: string; amounts: string }>(
    t.db,
    sql`SELECT beneficiary_ref AS ref,
          base_amount || ' + ' || arrears_amount || ' = ' || amount AS amounts
        FROM payroll_lines WHERE period_key = ${periodKey} ORDER BY beneficiary_ref`,
  );
  return Object.fromEntries(found.map((f) => [f.ref, f.amounts]));
}

describe('paying again after a failed or returned payment', () => {
  it.each(stories)(
    '$ref ($outcome.status $outcome.reason, $resolution): 106 pays $line106',
    async (s) => {
      expect((await lines('106'))[s.ref]).toBe(s.line106);
    },
  );

  it.each(stories)('$ref: the 105 exception ends $exception.state', async (s) => {
    const e = await exceptionOf(s.ref);
    expect({ state: e.state, resolution: e.resolution, resolvedBy: e.by }).toEqual(s.exception);
  });

  it('links each repayment to the line it pays again, once', async () => {
    const repaid = await rows<{ ref: string; for_cycle: number; amount: string; replaced: string }>(
      t.db,
      sql`SELECT i.beneficiary_ref AS ref, i.for_cycle, i.amount::text,
            r.period_key || '/' || r.beneficiary_ref AS replaced
          FROM payroll_line_items i JOIN payroll_lines r ON r.id = i.replaces_line_id
          ORDER BY i.beneficiary_ref`,
    );
    expect(repaid).toEqual([
      { ref: 'HH0000001', for_cycle: 105, amount: '320.00', replaced: '105/HH0000001' },
      { ref: 'HH0000002', for_cycle: 105, amount: '380.00', replaced: '105/HH0000002' },
      { ref: 'HH0000005', for_cycle: 105, amount: '320.00', replaced: '105/HH0000005' },
    ]);
  });

  it('totals 106 and pays nothing again in 107', async () => {
    expect(built[106]!.total.toFixed(2)).toBe('3710.00');
    expect(built[106]!.arrears.toFixed(2)).toBe('1020.00');
    expect(built[107]!.total.toFixed(2)).toBe('2690.00');
    expect(built[107]!.arrears.toFixed(2)).toBe('0.00');
    expect(await unbalancedLines(t.db)).toEqual([]);
  });

  it('records the carried exception in the audit of the build', async () => {
    const [a] = await rows<{ carried: string | null }>(
      t.db,
      sql`SELECT detail->>'exceptionsCarried' AS carried FROM audit_events
          WHERE action = 'cycle.build' AND detail->>'periodKey' = '106'`,
    );
    expect(a).toEqual({ carried: '1' });
  });
});
