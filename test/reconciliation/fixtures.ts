import { sharedPath } from '../helpers/shared.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { rows, type Db } from '../../src/db/open.js';
import { cycles, submissions } from '../../src/db/schema.js';
import { money, sum } from '../../src/money.js';

/**
 * Builds a submitted LEAP cycle directly in the database, as payroll and the GhIPSS submitter
 * would leave it: lines inserted while unsealed, then the seal and status 'submitted', and one
 * 'sent' submission per channel and run of at most maxPerFile lines in line order.
 */

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const SAMPLES = sharedPath('iso20022', 'samples');

export interface FixtureLine {
  amount: string;
  channel?: 'ezwich' | 'momo' | 'bank';
}

export interface FixtureCycle {
  cycleId: number;
  lines: { id: number; lineNo: number; endToEndId: string; amount: string; channel: string }[];
  submissions: { messageId: string; paymentInfoId: string; channel: string; sequence: number }[];
}

export const endToEndId = (cycleNumber: number, lineNo: number) =>
  `LEAP-${cycleNumber}-HH${String(lineNo).padStart(7, '0')}`;
export const messageId = (cycleNumber: number, channel: string, sequence: number) =>
  `SIKA-LEAP-${cycleNumber}-${channel.toUpperCase()}-${sequence}`;

export async function createSubmittedCycle(
  db: Db,
  p: {
    cycleNumber: number;
    lines: (string | FixtureLine)[];
    maxPerFile?: number;
    /** LEAP unless said; the references stay LEAP-shaped, as matching reads them only as text. */
    programme?: 'LEAP' | 'LIPW';
  },
): Promise<FixtureCycle> {
  const specs = p.lines.map((l) => (typeof l === 'string' ? { amount: l } : l));
  const [cycle] = await db
    .insert(cycles)
    .values({
      programme: p.programme ?? 'LEAP',
      cycleNumber: p.cycleNumber,
      periodKey: String(p.cycleNumber),
      periodStart: '2030-01-01',
      periodEnd: '2030-02-28',
      status: 'built',
      builtBy: 'akosua.mensah',
    })
    .returning({ id: cycles.id });
  const cycleId = cycle!.id;

  const values = specs.map((s, i) => ({
    n: i + 1,
    ref: `HH${String(i + 1).padStart(7, '0')}`,
    ch: s.channel ?? 'ezwich',
    amt: s.amount,
    e2e: endToEndId(p.cycleNumber, i + 1),
  }));
  for (let i = 0; i < values.length; i += 5000) {
    await db.execute(sql`
      INSERT INTO payroll_lines (cycle_id, line_no, programme, period_key, beneficiary_ref,
        recipient_name, region_code, district_code, channel, account_number, eligible_members,
        base_amount, amount, end_to_end_id)
      SELECT ${cycleId}, x.n, ${p.programme ?? 'LEAP'}, ${String(p.cycleNumber)}, x.ref, 'Test Recipient', 'NR',
             'NR-01', x.ch, '99' || lpad(x.n::text, 8, '0'), 2, x.amt, x.amt, x.e2e
      FROM json_to_recordset(${JSON.stringify(values.slice(i, i + 5000))}::json)
        AS x(n int, ref text, ch text, amt numeric, e2e text)`);
  }
  const total = sum(specs.map((s) => money(s.amount))).toFixed(2);
  await db
    .update(cycles)
    .set({
      status: 'submitted',
      approvedBy: 'kwame.boateng',
      approvedAt: new Date(),
      lineCount: specs.length,
      totalAmount: total,
      sealSha256: 'f'.repeat(64),
    })
    .where(eq(cycles.id, cycleId));

  const lines = await rows<FixtureCycle['lines'][number]>(
    db,
    sql`SELECT id::int, line_no AS "lineNo", end_to_end_id AS "endToEndId", amount::text, channel
        FROM payroll_lines WHERE cycle_id = ${cycleId} ORDER BY line_no`,
  );

  const out: FixtureCycle['submissions'] = [];
  for (const channel of ['ezwich', 'momo', 'bank']) {
    const mine = lines.filter((l) => l.channel === channel);
    const size = p.maxPerFile ?? 50_000;
    for (let start = 0, sequence = 1; start < mine.length; start += size, sequence++) {
      const run = mine.slice(start, start + size);
      const id = messageId(p.cycleNumber, channel, sequence);
      await db.insert(submissions).values({
        cycleId,
        channel,
        sequence,
        messageId: id,
        paymentInfoId: `${id}-P1`,
        fileName: `${id}.xml`,
        format: 'pain.001.001.03',
        txCount: run.length,
        controlSum: sum(run.map((l) => money(l.amount))).toFixed(2),
        status: 'sent',
        sentAt: new Date(),
      });
      out.push({ messageId: id, paymentInfoId: `${id}-P1`, channel, sequence });
    }
  }
  return { cycleId, lines, submissions: out };
}

export interface TxSpec {
  endToEndId: string;
  status: string;
  reason?: string;
  amount?: string;
  /** The amount's currency, GHS unless said. */
  currency?: string;
}

/** Writes a pain.002.001.03 the way the GhIPSS stand-in answers, for generated cycles. */
export async function writePain002(
  dir: string,
  name: string,
  p: {
    messageId: string;
    originalMessageId: string;
    groupStatus?: string;
    groupReason?: string;
    paymentInfoId?: string;
    paymentInfoStatus?: string;
    /** OrgnlNbOfTxs and OrgnlCtrlSum of the group, when given. */
    numberOfTxs?: number;
    controlSum?: string;
    txs: Iterable<TxSpec>;
  },
): Promise<string> {
  const reason = (code?: string) =>
    code ? `<StsRsnInf><Rsn><Cd>${code}</Cd></Rsn></StsRsnInf>` : '';
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>',
    `<GrpHdr><MsgId>${p.messageId}</MsgId><CreDtTm>2030-03-01T10:00:00</CreDtTm></GrpHdr>`,
    `<OrgnlGrpInfAndSts><OrgnlMsgId>${p.originalMessageId}</OrgnlMsgId>`,
    '<OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>',
    p.numberOfTxs === undefined ? '' : `<OrgnlNbOfTxs>${p.numberOfTxs}</OrgnlNbOfTxs>`,
    p.controlSum === undefined ? '' : `<OrgnlCtrlSum>${p.controlSum}</OrgnlCtrlSum>`,
    p.groupStatus ? `<GrpSts>${p.groupStatus}</GrpSts>${reason(p.groupReason)}` : '',
    '</OrgnlGrpInfAndSts>',
    `<OrgnlPmtInfAndSts><OrgnlPmtInfId>${p.paymentInfoId ?? `${p.originalMessageId}-P1`}</OrgnlPmtInfId>`,
    p.paymentInfoStatus ? `<PmtInfSts>${p.paymentInfoStatus}</PmtInfSts>` : '',
  ];
  for (const t of p.txs) {
    const amt = t.amount
      ? `<OrgnlTxRef><Amt><InstdAmt Ccy="${t.currency ?? 'GHS'}">${t.amount}</InstdAmt></Amt></OrgnlTxRef>`
      : '';
    parts.push(
      `<TxInfAndSts><OrgnlEndToEndId>${t.endToEndId}</OrgnlEndToEndId><TxSts>${t.status}</TxSts>${reason(t.reason)}${amt}</TxInfAndSts>`,
    );
  }
  parts.push('</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>');
  const path = join(dir, name);
  await writeFile(path, parts.join('\n'));
  return path;
}

/** Each line of a cycle as [line_no, status, status_reason], in line order. */
export const lineStatesOf = (db: Db, cycleId: number) =>
  rows<{ line_no: number; status: string; status_reason: string | null }>(
    db,
    sql`SELECT line_no, status, status_reason FROM payroll_lines
        WHERE cycle_id = ${cycleId} ORDER BY line_no`,
  ).then((r) => r.map((l) => [l.line_no, l.status, l.status_reason]));

/**
 * Counts of files, records, events, exceptions and audit events, and every line's status, as one
 * string: equal before and after means a load changed nothing but what a test allows.
 */
export const databaseSnapshot = (db: Db) =>
  rows<{ n: string }>(
    db,
    sql`SELECT concat_ws('/',
          (SELECT count(*) FROM settlement_files), (SELECT count(*) FROM settlement_records),
          (SELECT count(*) FROM line_status_events), (SELECT count(*) FROM exceptions),
          (SELECT count(*) FROM audit_events),
          (SELECT string_agg(status, ',' ORDER BY id) FROM payroll_lines)) AS n`,
  ).then((r) => r[0]!.n);
