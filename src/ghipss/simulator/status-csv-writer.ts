import type { Writable } from 'node:stream';
import { Cedi, ZERO, type Money } from '../../money.js';
import { csvRow, STATUS_CSV } from '../formats/csv-bulk.js';
import { XmlSink } from '../xml-text.js';
import type { StatusReport, TxStatus } from './pain002-writer.js';

/**
 * Streams a sika-status-csv-1 status report to `out` (not ended): the same report a pain.002
 * carries, as Sika's CSV layout has it (docs/payment-files.md, "The status report layout"). The
 * layout has one group reason code and no payment information blocks: the first reason's code
 * stands for the group, and the block statuses are left out (the group status covers them, as
 * the stand-in only ever gives a block the status its group has or PDNG/PART under PART).
 */
export async function writeStatusCsv(
  out: Writable,
  report: StatusReport,
  txs: AsyncIterable<TxStatus>,
): Promise<void> {
  const sink = new XmlSink(out);
  await sink.write(
    csvRow([
      'H',
      STATUS_CSV,
      report.msgId,
      report.original.msgId,
      report.creDtTm,
      report.groupStatus ?? '',
      report.groupStatus ? (report.groupReasons[0]?.code ?? '') : '',
    ]),
  );
  let count = 0;
  let sum: Money = ZERO;
  for await (const t of txs) {
    count++;
    const amount = new Cedi(t.amount).toFixed(2);
    sum = sum.plus(new Cedi(amount));
    const reason = t.decision.status === 'RJCT' ? t.decision.reason : '';
    sink.add(csvRow(['D', String(count), t.endToEndId, t.decision.status, reason, amount, '']));
    if (sink.full) await sink.flush();
  }
  await sink.write(csvRow(['T', String(count), sum.toFixed(2)]));
  await sink.flush();
}
