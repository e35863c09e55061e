import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import { rows, sqlState, type Db } from '../../src/db/open.js';
import { money, sum } from '../../src/money.js';
import { controlTotals } from '../../reconciliation/control-equation.js';
import {
  RECONCILE_LOCK,
  reconcileDirectory,
  reconcileFile,
  type ReconcileResult,
} from '../../reconciliation/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { writeCamt } from './camt-fixtures.js';
import { createSubmittedCycle, endToEndId, messageId, writePain002 } from './fixtures.js';

/**
 * A folder run on PostgreSQL reads the next file while the one before is applied. Its outcome must
 * be exactly that of loading the same files one at a time in name order: the same scenario is
 * built in fresh databases, reconciled both ways, and a canonical dump of each is compared.
 */

const loadedBy = 'efua.owusu';
const CYCLE = 601;
const LINES = 300;
/** Odd lines are paid by e-zwich, even ones by mobile money: 150 each, 100 per payment file. */
const channelOf = (n: number) => (n % 2 === 1 ? 'ezwich' : 'momo');
const amountOf = (n: number) =>
  `${100 + ((n * 37) % 400)}.${String((n * 13) % 100).padStart(2, '0')}`;
const e2e = (n: number) => endToEndId(CYCLE, n);
/** Line numbers of each payment file: E1 and M1 carry 100 lines, E2 and M2 the last 50. */
const E1 = Array.from({ length: 100 }, (_, j) => 2 * j + 1);
const E2 = Array.from({ length: 50 }, (_, j) => 201 + 2 * j);
const M1 = Array.from({ length: 100 }, (_, j) => 2 * j + 2);
const M2 = Array.from({ length: 50 }, (_, j) => 202 + 2 * j);

const NAMES = [
  '01-ezwich1-status.xml',
  '02-ezwich1-status-copy.xml',
  '03-momo1-part.xml',
  '04-broken.xml',
  '05-truncated.xml',
  '06-ezwich1-late.xml',
  '07-ezwich1-late-resent.xml',
  '08-momo2-group-reject.xml',
  '09-foreign.xml',
  '10-returns-camt054.xml',
  '11-ezwich2-status.xml',
  '12-statement-camt053.xml',
];

let tmp: string;
let dir: string;
const databases: TestDatabase[] = [];

async function freshDatabase(): Promise<{ t: TestDatabase; cycleId: number }> {
  const t = await createTestDatabase();
  databases.push(t);
  const { cycleId } = await createSubmittedCycle(t.db, {
    cycleNumber: CYCLE,
    lines: Array.from({ length: LINES }, (_, i) => ({
      amount: amountOf(i + 1),
      channel: channelOf(i + 1),
    })),
    maxPerFile: 100,
  });
  return { t, cycleId };
}

const credit = (n: number, reason: string, how: 'RRTN' | 'reversal') => ({
  endToEndId: e2e(n),
  amount: amountOf(n),
  creditDebit: 'CRDT' as const,
  ...(how === 'RRTN' ? { subFamily: 'RRTN' } : { reversal: true }),
  reason,
});

/** Writes the folder; every name fixes its place in the run. */
async function writeFolder(to: string): Promise<void> {
  const e1 = messageId(CYCLE, 'ezwich', 1);
  // 01: 77 settled, 12 rejected (two deceased: household review), 10 pending, 1 wrong amount.
  await writePain002(to, NAMES[0]!, {
    messageId: 'RSP-601-E1-A',
    originalMessageId: e1,
    txs: E1.map((n, j) => {
      if (j === 5 || j === 15) return { endToEndId: e2e(n), status: 'RJCT', reason: 'MD07' };
      if (j % 10 === 0) return { endToEndId: e2e(n), status: 'RJCT', reason: 'AC04' };
      if (j % 10 === 7) return { endToEndId: e2e(n), status: 'PDNG' };
      if (j === 42) return { endToEndId: e2e(n), status: 'ACSC', amount: '1.00' };
      return {
        endToEndId: e2e(n),
        status: 'ACSC',
        ...(j % 3 === 0 ? { amount: amountOf(n) } : {}),
      };
    }),
  });
  // 02: the same bytes under another name.
  await copyFile(join(to, NAMES[0]!), join(to, NAMES[1]!));
  // 03: PART listing only four rejections: the other 96 lines of the file are paid by inference.
  await writePain002(to, NAMES[2]!, {
    messageId: 'RSP-601-M1-A',
    originalMessageId: messageId(CYCLE, 'momo', 1),
    groupStatus: 'PART',
    txs: M1.flatMap((n, j) =>
      j % 25 === 4 ? [{ endToEndId: e2e(n), status: 'RJCT', reason: 'AC01' }] : [],
    ),
  });
  // 04: not XML at all.
  await writeFile(join(to, NAMES[3]!), 'not xml at all');
  // 05: a report cut off after its header: its settlement file row is written, then it fails.
  await writePain002(tmp, 'whole.xml', {
    messageId: 'RSP-601-E2-CUT',
    originalMessageId: messageId(CYCLE, 'ezwich', 2),
    txs: E2.map((n) => ({ endToEndId: e2e(n), status: 'ACSC' })),
  });
  const whole = await readFile(join(tmp, 'whole.xml'), 'utf8');
  await writeFile(join(to, NAMES[4]!), whole.slice(0, Math.floor(whole.length / 2)));
  // 06: later news of E1: conflicts both ways, pending lines settled or rejected, a line named
  // twice (the same status: a repeat; then another status: a conflict), news already applied, an
  // unknown reference.
  const late = [
    { endToEndId: e2e(E1[1]!), status: 'RJCT', reason: 'AC01' },
    { endToEndId: e2e(E1[0]!), status: 'ACSC' },
    { endToEndId: e2e(E1[7]!), status: 'ACSC' },
    { endToEndId: e2e(E1[17]!), status: 'RJCT', reason: 'AC04' },
    { endToEndId: e2e(E1[27]!), status: 'ACSC' },
    { endToEndId: e2e(E1[27]!), status: 'ACSC' },
    { endToEndId: e2e(E1[37]!), status: 'ACSC' },
    { endToEndId: e2e(E1[37]!), status: 'RJCT', reason: 'AC01' },
    { endToEndId: e2e(E1[42]!), status: 'ACSC', amount: amountOf(E1[42]!) },
    { endToEndId: e2e(E1[2]!), status: 'ACSC' },
    { endToEndId: endToEndId(CYCLE, 9_999_999), status: 'ACSC', amount: '10.00' },
    // 01 said PDNG; ACSP leaves it pending too, but is news of its own.
    { endToEndId: e2e(E1[47]!), status: 'ACSP' },
  ];
  await writePain002(to, NAMES[5]!, {
    messageId: 'RSP-601-E1-B',
    originalMessageId: e1,
    txs: late,
  });
  // 07: the same message id with other bytes (one status changed): a repeat, nothing moves.
  await writePain002(to, NAMES[6]!, {
    messageId: 'RSP-601-E1-B',
    originalMessageId: e1,
    txs: late.map((x, i) => (i === late.length - 1 ? { ...x, status: 'ACSC' } : x)),
  });
  // 08: the whole of M2 refused at group level.
  await writePain002(to, NAMES[7]!, {
    messageId: 'RSP-601-M2-A',
    originalMessageId: messageId(CYCLE, 'momo', 2),
    groupStatus: 'RJCT',
    groupReason: 'FF01',
    txs: [],
  });
  // 09: answers a message this database never sent.
  await writePain002(to, NAMES[8]!, {
    messageId: 'RSP-601-X',
    originalMessageId: messageId(999, 'ezwich', 1),
    txs: [{ endToEndId: e2e(E1[3]!), status: 'ACSC' }],
  });
  // 10: returns of lines paid by 01, inferred by 03 and settled by 06 (each applies only because
  // an earlier file paid it), a return of a pending line (returned: its status report comes
  // later), of a failed line (a conflict), five bookings of E2 before its status report, and a
  // credit that is no return.
  await writeCamt(to, NAMES[9]!, {
    format: 'camt.054',
    version: '08',
    messageId: 'NTF-601',
    entries: [
      credit(E1[3]!, 'AC04', 'RRTN'),
      credit(M1[0]!, 'MD07', 'reversal'),
      credit(E1[7]!, 'AC01', 'RRTN'),
      credit(E2[0]!, 'AC04', 'RRTN'),
      credit(E1[10]!, 'AC04', 'RRTN'),
      ...[1, 2, 3, 4, 5].map((j) => ({ endToEndId: e2e(E2[j]!), amount: amountOf(E2[j]!) })),
      { endToEndId: e2e(M1[1]!), amount: amountOf(M1[1]!), creditDebit: 'CRDT' as const },
    ],
  });
  // 11: E2's status report: a rejection of a line 10 booked (conflict), one plain rejection, and
  // "settled" for the line 10 returned, which stays returned.
  await writePain002(to, NAMES[10]!, {
    messageId: 'RSP-601-E2-A',
    originalMessageId: messageId(CYCLE, 'ezwich', 2),
    txs: E2.map((n, j) =>
      j === 3
        ? { endToEndId: e2e(n), status: 'RJCT', reason: 'AC04' }
        : j === 10
          ? { endToEndId: e2e(n), status: 'RJCT', reason: 'AM04' }
          : { endToEndId: e2e(n), status: 'ACSC' },
    ),
  });
  // 12: a statement restating two bookings of 10 (confirmed), booking a line the group refusal
  // failed (conflict), booking a pending line, and booking and returning another in one go.
  await writeCamt(to, NAMES[11]!, {
    format: 'camt.053',
    version: '02',
    messageId: 'STMT-601',
    entries: [
      { endToEndId: e2e(E2[1]!), amount: amountOf(E2[1]!) },
      { endToEndId: e2e(E2[2]!), amount: amountOf(E2[2]!) },
      { endToEndId: e2e(M2[0]!), amount: amountOf(M2[0]!) },
      { endToEndId: e2e(E1[67]!), amount: amountOf(E1[67]!) },
      { endToEndId: e2e(E1[57]!), amount: amountOf(E1[57]!) },
      credit(E1[57]!, 'AC01', 'RRTN'),
    ],
  });
}

/** Everything a run decides, without database ids. */
async function dump(db: Db, cycleId: number) {
  const lines = await rows<{ line_no: number; status: string; status_reason: string | null }>(
    db,
    sql`SELECT line_no, status, status_reason FROM payroll_lines
        WHERE cycle_id = ${cycleId} ORDER BY line_no`,
  );
  const events = await rows<Record<string, unknown>>(
    db,
    sql`SELECT l.line_no, e.from_status, e.to_status, e.reason_code, f.file_name,
               r.status AS record_status, r.outcome AS record_outcome
        FROM line_status_events e JOIN payroll_lines l ON l.id = e.payroll_line_id
        LEFT JOIN settlement_records r ON r.id = e.settlement_record_id
        LEFT JOIN settlement_files f ON f.id = r.settlement_file_id
        ORDER BY l.line_no, e.id`,
  );
  const exceptions = await rows<Record<string, unknown>>(
    db,
    sql`SELECT e.kind, l.line_no, e.reason_code, e.amount::text, e.state, e.detail, e.action,
               e.household_ref, e.cycle_id IS NOT NULL AS has_cycle, f.file_name,
               r.end_to_end_id AS record_e2e
        FROM exceptions e LEFT JOIN payroll_lines l ON l.id = e.payroll_line_id
        LEFT JOIN settlement_records r ON r.id = e.settlement_record_id
        LEFT JOIN settlement_files f ON f.id = r.settlement_file_id
        ORDER BY e.id`,
  );
  const files = await rows<Record<string, unknown>>(
    db,
    sql`SELECT f.file_name, f.state, f.format, f.record_count, f.message_id,
               f.original_message_id, f.group_status, f.note, p.file_name AS repeat_of,
               (SELECT string_agg(o, ',' ORDER BY o) FROM (
                  SELECT r.outcome || ' ' || count(*) AS o FROM settlement_records r
                  WHERE r.settlement_file_id = f.id GROUP BY r.outcome) x) AS outcomes
        FROM settlement_files f LEFT JOIN settlement_files p ON p.id = f.repeat_of
        ORDER BY f.file_name`,
  );
  const audit = await rows<{ action: string; detail: Record<string, unknown> }>(
    db,
    sql`SELECT action, detail FROM audit_events WHERE action LIKE 'settlement.%' ORDER BY id`,
  );
  const [cycle] = await rows<{ status: string }>(
    db,
    sql`SELECT status FROM cycles WHERE id = ${cycleId}`,
  );
  const control = await controlTotals(db, cycleId);
  return {
    lines: lines.map((l) => `${l.line_no}:${l.status}:${l.status_reason ?? ''}`),
    events,
    exceptions,
    files,
    audit: audit.map(({ action, detail }) => {
      const { settlementFileId: _, ...rest } = detail;
      return { action, ...rest };
    }),
    cycleStatus: cycle!.status,
    control: {
      holds: control.holds,
      sealed: control.sealedTotal.toFixed(2),
      byStatus: Object.fromEntries(
        Object.entries(control.byStatus).map(([s, v]) => [s, `${v.lines}/${v.amount.toFixed(2)}`]),
      ),
    },
    auditChain: (await verifyAuditChain(db)).ok,
  };
}

/** A file's result without its database id and its cycles (a folder checks those once, at the end). */
const plain = (r: ReconcileResult) => {
  const { settlementFileId: _, cycles: __, ...rest } = r;
  return rest;
};
/** The figures of a result, one row per file. */
const table = (results: ReconcileResult[]) =>
  results.map((r) =>
    [
      r.fileName,
      r.state,
      r.duplicate ? 'dup' : '',
      r.repeatOf ?? '',
      r.records,
      r.matched,
      r.paid,
      r.failed,
      r.returned,
      r.pending,
      r.unknown,
      r.conflicts,
      r.exceptions,
    ].join(' '),
  );

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  tmp = await mkdtemp(join(tmpdir(), 'sika-folder-order-'));
  dir = join(tmp, 'inbox');
  await mkdir(dir);
  await writeFolder(dir);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const t of databases) await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

/** The one-file-at-a-time reference: each file loaded on its own in name order. */
let reference: { results: ReconcileResult[]; dump: Awaited<ReturnType<typeof dump>> };

describe('a folder on PostgreSQL, against its files loaded one at a time in name order', () => {
  it('gives the reference outcome when the files are loaded one by one', async () => {
    const { t, cycleId } = await freshDatabase();
    const results: ReconcileResult[] = [];
    for (const name of NAMES)
      results.push(await reconcileFile(t.db, { path: join(dir, name), loadedBy }));
    reference = { results, dump: await dump(t.db, cycleId) };
    expect(table(results)).toEqual([
      '01-ezwich1-status.xml loaded   100 99 77 12 0 10 0 0 15',
      '02-ezwich1-status-copy.xml loaded dup 01-ezwich1-status.xml 0 0 0 0 0 0 0 0 0',
      '03-momo1-part.xml loaded   4 4 96 4 0 0 0 0 4',
      '04-broken.xml quarantined   0 0 0 0 0 0 0 0 1',
      '05-truncated.xml quarantined   0 0 0 0 0 0 0 0 1',
      '06-ezwich1-late.xml loaded   12 6 4 1 0 1 1 3 7',
      '07-ezwich1-late-resent.xml repeat  06-ezwich1-late.xml 12 0 0 0 0 0 0 0 1',
      '08-momo2-group-reject.xml loaded   0 0 0 50 0 0 0 0 50',
      '09-foreign.xml quarantined   1 0 0 0 0 0 0 0 1',
      '10-returns-camt054.xml loaded   11 9 5 0 4 0 0 1 7',
      '11-ezwich2-status.xml loaded   50 49 43 1 0 0 0 1 2',
      '12-statement-camt053.xml loaded   6 5 2 0 1 0 0 1 2',
    ]);
    const d = reference.dump;
    expect(d.events).toHaveLength(311);
    const kinds: Record<string, number> = {};
    for (const e of d.exceptions) kinds[String(e.kind)] = (kinds[String(e.kind)] ?? 0) + 1;
    expect(kinds).toEqual({
      amount_mismatch: 1,
      failed_payment: 68,
      household_review: 3,
      duplicate_record: 3,
      unknown_reference: 2,
      unreadable_file: 2,
      conflicting_status: 6,
      unexplained_credit: 1,
      returned_payment: 5,
    });
    expect(d.files.map((f) => `${f.file_name} ${f.state} ${f.format} ${f.outcomes}`)).toEqual([
      '01-ezwich1-status.xml loaded pain.002 amount_mismatch 1,matched 99',
      '03-momo1-part.xml loaded pain.002 inferred 1,matched 4',
      '04-broken.xml quarantined unreadable null',
      '05-truncated.xml quarantined unreadable null',
      '06-ezwich1-late.xml loaded pain.002 conflict 3,duplicate 2,matched 6,unknown_reference 1',
      '07-ezwich1-late-resent.xml repeat pain.002 repeat 12',
      '08-momo2-group-reject.xml loaded pain.002 group_status 1',
      '09-foreign.xml quarantined pain.002 quarantined 1',
      '10-returns-camt054.xml loaded camt.054 conflict 1,matched 9,unexplained_credit 1',
      '11-ezwich2-status.xml loaded pain.002 conflict 1,matched 49',
      '12-statement-camt053.xml loaded camt.053 confirmed 2,conflict 1,matched 3',
    ]);
    // Returns of lines an earlier file paid, one of a line whose status report came after it,
    // and 12 booked and returned one.
    const returned = [E1[3]!, E1[7]!, E1[57]!, M1[0]!, E2[0]!].sort((a, b) => a - b);
    const returnReason = (n: number) =>
      n === M1[0] ? 'MD07' : n === E1[3] || n === E2[0] ? 'AC04' : 'AC01';
    expect(d.lines.filter((l) => l.includes(':returned:'))).toEqual(
      returned.map((n) => `${n}:returned:${returnReason(n)}`),
    );
    const pendingLines = [E1[47]!, E1[77]!, E1[87]!, E1[97]!];
    expect(d.lines.filter((l) => l.includes(':pending:'))).toEqual(
      pendingLines.map((n) => `${n}:pending:`),
    );
    const cedis = (ns: number[]) => sum(ns.map((n) => money(amountOf(n)))).toFixed(2);
    expect(d.control).toEqual({
      holds: true,
      sealed: '89898.50',
      byStatus: {
        paid: '223/67013.96',
        failed: '68/20459.74',
        returned: `5/${cedis(returned)}`,
        pending: `4/${cedis(pendingLines)}`,
        unconfirmed: '0/0.00',
      },
    });
    expect(d.audit).toHaveLength(11);
    expect(d.auditChain).toBe(true);
    expect(d.cycleStatus).toBe('submitted');
  });

  it('gives exactly the same outcome for the folder in one run', async () => {
    const { t, cycleId } = await freshDatabase();
    const results = await reconcileDirectory(t.db, { dir, loadedBy });
    expect(results.map(plain)).toEqual(reference.results.map(plain));
    expect(await dump(t.db, cycleId)).toEqual(reference.dump);
    // The cycle is brought up to date once, at the end: every loaded file that touched it
    // reports the control equation as it stands after the last file.
    const last = reference.results[NAMES.length - 1]!.cycles;
    for (const r of results) {
      expect(r.cycles).toEqual(r.state === 'loaded' && !r.duplicate ? last : []);
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a count query on its own connection until it reaches at least `atLeast`. */
async function until(watch: pg.Client, what: string, query: string, atLeast = 1): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { rows: r } = await watch.query<{ n: string }>(query);
    if (Number(r[0]!.n) >= atLeast) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('runs at the same time on one database', () => {
  it('two runs of the same folder at once load every file once and end as one run does', async () => {
    const { t, cycleId } = await freshDatabase();
    const [a, b] = await Promise.allSettled([
      reconcileDirectory(t.db, { dir, loadedBy }),
      reconcileDirectory(t.db, { dir, loadedBy }),
    ]);
    expect(
      [a.status, b.status],
      String((a as PromiseRejectedResult).reason ?? (b as PromiseRejectedResult).reason),
    ).toEqual(['fulfilled', 'fulfilled']);
    const runs = [a, b].map((s) => (s as PromiseFulfilledResult<ReconcileResult[]>).value);
    expect(await dump(t.db, cycleId)).toEqual(reference.dump);
    // Each file was loaded by one run; the other found it loaded (02 is a copy of 01 in both).
    NAMES.forEach((name, i) => {
      const pair = runs.map((r) => r[i]!);
      expect(pair.map((r) => r.fileName)).toEqual([name, name]);
      const own = pair.filter((r) => !r.duplicate);
      if (name === NAMES[1]) {
        expect(own).toEqual([]);
        return;
      }
      expect(own.map(plain)).toEqual([plain(reference.results[i]!)]);
      const other = pair.find((r) => r.duplicate)!;
      expect([other.repeatOf, other.state, other.records]).toEqual([
        name,
        reference.results[i]!.state,
        0,
      ]);
    });
    expect(unhandled).toEqual([]);
  });

  it('a file loaded on its own while the folder holding it has just read it: one load, no error', async () => {
    const { t, cycleId } = await freshDatabase();
    const watch = new pg.Client({ connectionString: t.url });
    const holder = new pg.Client({ connectionString: t.url });
    await watch.connect();
    await holder.connect();
    try {
      // Holds a line only file 10 moves, so that file 10 waits in its apply with the
      // reconciliation lock while the run reads file 11 ahead.
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM payroll_lines WHERE cycle_id = $1 AND line_no = $2 FOR UPDATE`,
        [cycleId, E2[1]],
      );
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
        .rows[0]!.pid;
      const folder = reconcileDirectory(t.db, { dir, loadedBy });
      folder.catch(() => undefined);
      await until(
        watch,
        'file 10 waiting on the held line',
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND ${holderPid} = ANY (pg_blocking_pids(pid))`,
      );
      await until(
        watch,
        'file 11 read ahead',
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'idle in transaction'
           AND backend_xid IS NOT NULL AND pid <> ${holderPid}`,
      );
      // Someone loads file 11 by itself meanwhile: it queues for the lock of those bytes, which
      // the run's file 11 took before writing anything.
      const single = reconcileFile(t.db, { path: join(dir, NAMES[10]!), loadedBy });
      single.catch(() => undefined);
      await until(
        watch,
        'the single load queued for the file lock',
        `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      // File 10 commits; the run's file 11 takes the reconciliation lock, is applied and commits;
      // the single load then takes the file lock and finds those bytes loaded.
      await holder.query('COMMIT');
      const [f, s] = await Promise.allSettled([folder, single]);
      const failure = (x: PromiseSettledResult<unknown>) =>
        x.status === 'rejected' ? `${sqlState(x.reason)} ${String(x.reason)}` : 'fulfilled';
      expect({ folder: failure(f), single: failure(s) }).toEqual({
        folder: 'fulfilled',
        single: 'fulfilled',
      });
      const results = (f as PromiseFulfilledResult<ReconcileResult[]>).value;
      const alone = (s as PromiseFulfilledResult<ReconcileResult>).value;
      // File 11 was loaded once, after file 10, by the run; the single load found it loaded.
      expect(plain(results[10]!)).toEqual(plain(reference.results[10]!));
      expect([alone.duplicate, alone.repeatOf]).toEqual([true, NAMES[10]]);
      expect(await dump(t.db, cycleId)).toEqual(reference.dump);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      await watch.end();
    }
  });

  // The smallest case of a single load (reconcileFile, `sika reconcile FILE`) meeting a folder
  // run's read-ahead of the same bytes. The run's next file writes its settlement_files row
  // (unique SHA-256) before it waits for the reconciliation lock; if the single load took that
  // lock first and then wrote its own row, each would wait for the other and PostgreSQL would
  // cancel one (40P01). Both take the lock of the file's bytes first, so the single load waits
  // for the run's file to commit and then finds it loaded. The locks held below stop each party
  // where it would be in a slow case, so that the order is the same on every run.
  it('a single load of the file a folder run is reading ahead does not fail with a deadlock', async () => {
    const t = await createTestDatabase();
    databases.push(t);
    const { cycleId, submissions } = await createSubmittedCycle(t.db, {
      cycleNumber: 602,
      lines: ['120.00', '80.50'],
    });
    const small = await mkdtemp(join(tmp, 'inbox-602-'));
    for (const n of [1, 2]) {
      await writePain002(small, `0${n}.xml`, {
        messageId: `RSP-602-${n}`,
        originalMessageId: submissions[0]!.messageId,
        txs: [{ endToEndId: endToEndId(602, n), status: 'ACSC' }],
      });
    }
    const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: t.url }));
    const [watch, gate, rowHolder, tableHolder] = clients as [
      pg.Client,
      pg.Client,
      pg.Client,
      pg.Client,
    ];
    for (const c of clients) await c.connect();
    const pidOf = async (c: pg.Client) =>
      (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const blockedBy = (pid: number) =>
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND ${pid} = ANY (pg_blocking_pids(pid))`;
    const firstBlockedBy = async (pid: number) =>
      (
        await watch.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND ${pid} = ANY (pg_blocking_pids(pid))`,
        )
      ).rows[0]!.pid;
    const [gatePid, tablePid] = [await pidOf(gate), await pidOf(tableHolder)];
    try {
      // 01 will wait in its apply on line 1, holding the reconciliation lock.
      await rowHolder.query('BEGIN');
      await rowHolder.query(
        'SELECT 1 FROM payroll_lines WHERE cycle_id = $1 AND line_no = 1 FOR UPDATE',
        [cycleId],
      );
      await gate.query('SELECT pg_advisory_lock($1)', [RECONCILE_LOCK]);
      const folder = reconcileDirectory(t.db, { dir: small, loadedBy });
      folder.catch(() => undefined);
      await until(watch, '01 read and waiting for the lock', blockedBy(gatePid));
      const runPid01 = await firstBlockedBy(gatePid);
      // Queued behind 01's hold on payroll_lines: the run's 02, read ahead, stops after writing
      // its settlement_files row, at its first read of payroll_lines.
      await tableHolder.query('BEGIN');
      const tableLock = tableHolder.query('LOCK TABLE payroll_lines IN ACCESS EXCLUSIVE MODE');
      tableLock.catch(() => undefined);
      await until(watch, 'the table lock queued', blockedBy(runPid01));
      await gate.query('SELECT pg_advisory_unlock($1)', [RECONCILE_LOCK]);
      await until(watch, 'the run reading 02 ahead', blockedBy(tablePid));
      const runPid02 = await firstBlockedBy(tablePid);
      // Someone loads 02 by itself: it queues for the lock of 02's bytes, which the run's 02 holds.
      const single = reconcileFile(t.db, { path: join(small, '02.xml'), loadedBy });
      single.catch(() => undefined);
      await until(watch, "the single load waiting on the run's 02", blockedBy(runPid02));
      // 01 applies and commits.
      await rowHolder.query('COMMIT');
      await tableLock;
      // The run's 02 reads on, takes the reconciliation lock, is applied and commits.
      await tableHolder.query('ROLLBACK');
      const [f, s] = await Promise.allSettled([folder, single]);
      const outcome = (x: PromiseSettledResult<unknown>) =>
        x.status === 'rejected' ? `${sqlState(x.reason)} ${String(x.reason).slice(0, 60)}` : 'ok';
      expect(outcome(f)).toBe('ok');
      // The run loaded both files itself, in order.
      expect(table((f as PromiseFulfilledResult<ReconcileResult[]>).value)).toEqual([
        '01.xml loaded   1 1 1 0 0 0 0 0 0',
        '02.xml loaded   1 1 1 0 0 0 0 0 0',
      ]);
      expect(
        (
          await rows<{ status: string }>(
            t.db,
            sql`SELECT status FROM payroll_lines WHERE cycle_id = ${cycleId} ORDER BY line_no`,
          )
        ).map((l) => l.status),
      ).toEqual(['paid', 'paid']);
      expect(outcome(s)).toBe('ok');
      const alone = (s as PromiseFulfilledResult<ReconcileResult>).value;
      expect([alone.duplicate, alone.repeatOf, alone.records]).toEqual([true, '02.xml', 0]);
    } finally {
      await rowHolder.query('ROLLBACK').catch(() => undefined);
      await tableHolder.query('ROLLBACK').catch(() => undefined);
      for (const c of clients) await c.end();
    }
  });
});
