import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/open.js';
import { reconcileFile } from '../../reconciliation/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createSubmittedCycle, endToEndId, messageId, writePain002 } from './fixtures.js';

let t: TestDatabase;
let tmp: string;
const loadedBy = 'efua.owusu';

beforeAll(async () => {
  t = await createTestDatabase();
  tmp = await mkdtemp(join(tmpdir(), 'sika-unsent-'));
});
afterAll(async () => {
  await t.drop();
  await rm(tmp, { recursive: true, force: true });
});

const lineStates = (cycleId: number) =>
  rows<{ line_no: number; status: string }>(
    t.db,
    sql`SELECT line_no, status FROM payroll_lines WHERE cycle_id = ${cycleId} ORDER BY line_no`,
  ).then((r) => r.map((l) => `${l.line_no}:${l.status}`));

const exceptionsOfFile = (fileId: number) =>
  rows<{ cycle_id: number | null; kind: string; detail: string }>(
    t.db,
    sql`SELECT e.cycle_id, e.kind, e.detail FROM exceptions e
        JOIN settlement_records r ON r.id = e.settlement_record_id
        WHERE r.settlement_file_id = ${fileId} ORDER BY e.id`,
  );

const fileRow = (fileId: number) =>
  rows<{ state: string; note: string | null; repeat_of: number | null; outcomes: string }>(
    t.db,
    sql`SELECT f.state, f.note, f.repeat_of,
               (SELECT string_agg(DISTINCT r.outcome, ',') FROM settlement_records r
                 WHERE r.settlement_file_id = f.id) AS outcomes
        FROM settlement_files f WHERE f.id = ${fileId}`,
  ).then((r) => r[0]!);

/** Takes a cycle's submissions of a channel back to prepared: built, never sent. */
const unsend = (cycleId: number, channel: string) =>
  t.db.execute(sql`UPDATE submissions SET status = 'prepared', sent_at = NULL
                   WHERE cycle_id = ${cycleId} AND channel = ${channel}`);

describe('records naming lines of another payment file than the one answered', () => {
  it('moves only the lines of the file it answers and opens one exception per other cycle', async () => {
    const own = await createSubmittedCycle(t.db, {
      cycleNumber: 451,
      lines: ['100.00', '110.00', '120.00'],
      maxPerFile: 2,
    });
    const other = await createSubmittedCycle(t.db, { cycleNumber: 452, lines: ['200.00'] });
    const path = await writePain002(tmp, 'rsp-451.xml', {
      messageId: 'RSP-451',
      originalMessageId: messageId(451, 'ezwich', 1),
      txs: [
        { endToEndId: endToEndId(451, 1), status: 'ACSC' },
        { endToEndId: endToEndId(451, 2), status: 'ACSC' },
        // Line 3 went in the channel's second file; cycle 452's line in another cycle's file.
        { endToEndId: endToEndId(451, 3), status: 'RJCT', reason: 'AC01' },
        { endToEndId: endToEndId(452, 1), status: 'RJCT', reason: 'AC04' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({ records: 4, paid: 2, failed: 0, notSent: 2 });
    expect(await lineStates(own.cycleId)).toEqual(['1:paid', '2:paid', '3:pending']);
    expect(await lineStates(other.cycleId)).toEqual(['1:pending']);
    const opened = await exceptionsOfFile(r.settlementFileId!);
    expect(opened.map((e) => [e.cycle_id, e.detail])).toEqual([
      [
        own.cycleId,
        `1 record of this file (RJCT 1, first EndToEndId ${endToEndId(451, 3)}) name payroll ` +
          `lines of cycle ${own.cycleId} that the payment file it answers ` +
          `(${messageId(451, 'ezwich', 1)}) did not carry, so no line was moved`,
      ],
      [
        other.cycleId,
        `1 record of this file (RJCT 1, first EndToEndId ${endToEndId(452, 1)}) name payroll ` +
          `lines of cycle ${other.cycleId} that the payment file it answers ` +
          `(${messageId(451, 'ezwich', 1)}) did not carry, so no line was moved`,
      ],
    ]);
  });
});

describe('records naming lines that were never sent', () => {
  it('moves only the sent lines and opens one exception for the rest of the file', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 401,
      lines: [
        { amount: '100.00' },
        { amount: '110.00' },
        { amount: '120.00', channel: 'momo' },
        { amount: '130.00', channel: 'momo' },
        { amount: '140.00', channel: 'momo' },
      ],
    });
    await unsend(cycleId, 'momo');
    const path = await writePain002(tmp, 'rsp-401.xml', {
      messageId: 'RSP-401',
      originalMessageId: messageId(401, 'ezwich', 1),
      txs: [
        { endToEndId: endToEndId(401, 1), status: 'ACSC' },
        { endToEndId: endToEndId(401, 2), status: 'RJCT', reason: 'AC04' },
        // A wrong amount on a line never sent says no more than that it was never sent.
        { endToEndId: endToEndId(401, 3), status: 'ACSC', amount: '999.00' },
        { endToEndId: endToEndId(401, 4), status: 'ACSC' },
        { endToEndId: endToEndId(401, 5), status: 'RJCT', reason: 'AC01' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    expect(r).toMatchObject({
      state: 'loaded',
      records: 5,
      paid: 1,
      failed: 1,
      notSent: 3,
      unknown: 0,
    });
    expect(await lineStates(cycleId)).toEqual([
      '1:paid',
      '2:failed',
      '3:pending',
      '4:pending',
      '5:pending',
    ]);
    const opened = await exceptionsOfFile(r.settlementFileId!);
    expect(opened.map((e) => e.kind)).toEqual(['unknown_reference', 'failed_payment']);
    expect(opened.slice(0, 1)).toEqual([
      {
        cycle_id: cycleId,
        kind: 'unknown_reference',
        detail:
          `3 records of this file (ACSC 2, RJCT 1, first EndToEndId ${endToEndId(401, 3)}) name ` +
          `payroll lines of cycle ${cycleId} that no payment file sent carried: the payment was ` +
          'never sent, so no line was moved',
      },
    ]);
    const events = await rows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM line_status_events e JOIN payroll_lines l
            ON l.id = e.payroll_line_id WHERE l.cycle_id = ${cycleId} AND l.channel = 'momo'`,
    );
    expect(events[0]!.n).toBe(0);
  });
});

describe('a status report that answers no file this database sent', () => {
  it('quarantines a report of a file built but never sent, moving nothing', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 402,
      lines: ['50.00', '60.00'],
    });
    await unsend(cycleId, 'ezwich');
    const id = messageId(402, 'ezwich', 1);
    const path = await writePain002(tmp, 'rsp-402.xml', {
      messageId: 'RSP-402',
      originalMessageId: id,
      numberOfTxs: 2,
      controlSum: '110.00',
      txs: [
        { endToEndId: endToEndId(402, 1), status: 'ACSC' },
        { endToEndId: endToEndId(402, 2), status: 'RJCT', reason: 'AC04' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    const reason = `answers message ${id}, which is no payment file this database sent; nothing moved`;
    expect(r).toMatchObject({ state: 'quarantined', note: reason, records: 2, paid: 0 });
    expect(r.failed).toBe(0);
    expect(await lineStates(cycleId)).toEqual(['1:pending', '2:pending']);
    expect(await fileRow(r.settlementFileId!)).toEqual({
      state: 'quarantined',
      note: reason,
      repeat_of: null,
      outcomes: 'quarantined',
    });
    expect(await exceptionsOfFile(r.settlementFileId!)).toEqual([
      {
        cycle_id: null,
        kind: 'unknown_reference',
        detail: `status report quarantined: ${reason}`,
      },
    ]);
  });

  it('quarantines a report whose count and control sum are not those of the file sent', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 403,
      lines: ['50.00', '60.00'],
    });
    const id = messageId(403, 'ezwich', 1);
    const path = await writePain002(tmp, 'rsp-403.xml', {
      messageId: 'RSP-403',
      originalMessageId: id,
      numberOfTxs: 3,
      controlSum: '160.00',
      txs: [{ endToEndId: endToEndId(403, 1), status: 'ACSC' }],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    const reason =
      `answers message ${id} with 3 payments, control sum GH¢ 160.00, but the file sent under ` +
      'that id had 2 payments, control sum GH¢ 110.00: it answers a different file; nothing moved';
    expect(r).toMatchObject({ state: 'quarantined', note: reason, paid: 0, exceptions: 1 });
    expect(await lineStates(cycleId)).toEqual(['1:pending', '2:pending']);
    expect(await exceptionsOfFile(r.settlementFileId!)).toEqual([
      {
        cycle_id: cycleId,
        kind: 'unknown_reference',
        detail: `status report quarantined: ${reason}`,
      },
    ]);
  });

  it('reconciles a report whose count and control sum are those of the file sent', async () => {
    const { cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 404,
      lines: ['50.00', '60.00'],
    });
    const path = await writePain002(tmp, 'rsp-404.xml', {
      messageId: 'RSP-404',
      originalMessageId: messageId(404, 'ezwich', 1),
      numberOfTxs: 2,
      controlSum: '110.00',
      txs: [
        { endToEndId: endToEndId(404, 1), status: 'ACSC' },
        { endToEndId: endToEndId(404, 2), status: 'ACSC' },
      ],
    });
    expect(await reconcileFile(t.db, { path, loadedBy })).toMatchObject({
      state: 'loaded',
      paid: 2,
      exceptions: 0,
    });
    expect(await lineStates(cycleId)).toEqual(['1:paid', '2:paid']);
  });
});

describe('a report re-delivered under the same message id', () => {
  let cycleId: number;
  let first: string;
  let firstId: number;
  beforeAll(async () => {
    ({ cycleId } = await createSubmittedCycle(t.db, {
      cycleNumber: 405,
      lines: ['10.00', '20.00', '30.00'],
    }));
    first = await writePain002(tmp, 'rsp-405.xml', {
      messageId: 'RSP-405',
      originalMessageId: messageId(405, 'ezwich', 1),
      txs: [
        { endToEndId: endToEndId(405, 1), status: 'ACSC' },
        { endToEndId: endToEndId(405, 2), status: 'RJCT', reason: 'AC04' },
        { endToEndId: endToEndId(405, 3), status: 'ACSC' },
      ],
    });
    firstId = (await reconcileFile(t.db, { path: first, loadedBy })).settlementFileId!;
  });

  it('keeps a byte-different copy as a repeat of the earlier file, with no exception', async () => {
    const path = join(tmp, 'rsp-405-again.xml');
    await writeFile(path, `${await readFile(first, 'utf8')} `);
    const r = await reconcileFile(t.db, { path, loadedBy });
    const note =
      'repeats message RSP-405, already loaded from rsp-405.xml: the same 3 records and ' +
      'statuses; nothing moved';
    expect(r).toMatchObject({
      fileName: 'rsp-405-again.xml',
      duplicate: false,
      state: 'repeat',
      repeatOf: 'rsp-405.xml',
      note,
      records: 3,
      paid: 0,
      failed: 0,
      exceptions: 0,
    });
    expect(await fileRow(r.settlementFileId!)).toEqual({
      state: 'repeat',
      note,
      repeat_of: firstId,
      outcomes: 'repeat',
    });
    expect(await exceptionsOfFile(r.settlementFileId!)).toEqual([]);
    expect(await lineStates(cycleId)).toEqual(['1:paid', '2:failed', '3:paid']);
  });

  it('says in one exception when the repeat reports other statuses, still moving nothing', async () => {
    const path = await writePain002(tmp, 'rsp-405-changed.xml', {
      messageId: 'RSP-405',
      originalMessageId: messageId(405, 'ezwich', 1),
      txs: [
        { endToEndId: endToEndId(405, 1), status: 'RJCT', reason: 'AC04' },
        { endToEndId: endToEndId(405, 2), status: 'RJCT', reason: 'AC04' },
      ],
    });
    const r = await reconcileFile(t.db, { path, loadedBy });
    const note =
      'repeats message RSP-405, already loaded from rsp-405.xml, but differs from it: ' +
      '1 reference with a different status, 1 of its references left out. Nothing moved: ask ' +
      'GhIPSS which report is right; a corrected report needs a message id of its own';
    expect(r).toMatchObject({ state: 'repeat', note, exceptions: 1, paid: 0, failed: 0 });
    expect(await exceptionsOfFile(r.settlementFileId!)).toEqual([
      { cycle_id: cycleId, kind: 'duplicate_record', detail: note },
    ]);
    expect(await lineStates(cycleId)).toEqual(['1:paid', '2:failed', '3:paid']);
  });
});
