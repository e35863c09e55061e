import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { Pain001ReadError, readPain001, type Pain001Event } from './pain001-reader.js';

/**
 * Reads a bulk CSV (docs/payment-files.md) as the same events as a pain.001: the H row gives the
 * group and its one payment block, each D row a transaction, the T row the declared totals.
 */
export async function* readCsvRequest(path: string): AsyncGenerator<Pain001Event> {
  const parser = createReadStream(path).pipe(
    parse({ relax_column_count: true, skip_empty_lines: true, bom: true }),
  );
  let pmtInfId: string | undefined;
  let trailer = false;
  let row = 0;

  for await (const fields of parser as AsyncIterable<string[]>) {
    row++;
    const [type] = fields;
    if (trailer) throw new Pain001ReadError(`row ${row} after the trailer`);
    if (row === 1) {
      if (type !== 'H' || fields.length < 9) throw new Pain001ReadError('no header row');
      const [, layout, msgId, paymentInfoId, creDtTm] = fields as [string, ...string[]];
      if (!layout || !msgId || !paymentInfoId) throw new Pain001ReadError('header incomplete');
      pmtInfId = paymentInfoId;
      yield {
        kind: 'group',
        msgNmId: layout,
        msgId,
        creDtTm: creDtTm ?? '',
        nbOfTxs: null,
        ctrlSum: null,
      };
      yield { kind: 'payment', pmtInfId, nbOfTxs: null, ctrlSum: null };
    } else if (type === 'D') {
      const [, , endToEndId, , , amount] = fields;
      if (!endToEndId || !amount) throw new Pain001ReadError(`row ${row}: payment incomplete`);
      yield { kind: 'tx', pmtInfId: pmtInfId!, endToEndId, amount, ccy: 'GHS' };
    } else if (type === 'T') {
      const [, nbOfTxs, ctrlSum] = fields;
      if (!nbOfTxs || !ctrlSum) throw new Pain001ReadError('trailer incomplete');
      trailer = true;
      yield { kind: 'totals', nbOfTxs, ctrlSum };
    } else {
      throw new Pain001ReadError(`row ${row}: unknown record type "${type ?? ''}"`);
    }
  }
  if (row === 0) throw new Pain001ReadError('empty file');
  if (!trailer) throw new Pain001ReadError('no trailer row');
}

/** The events of a payment file of any layout Sika writes, chosen by the file's extension. */
export function readRequest(path: string): AsyncGenerator<Pain001Event> {
  return /\.csv$/i.test(path) ? readCsvRequest(path) : readPain001(path);
}

/** The message id a request file declares, reading no further than its header; undefined when
 * the file does not start like a payment file. */
export async function requestMessageId(path: string): Promise<string | undefined> {
  try {
    for await (const ev of readRequest(path)) {
      return ev.kind === 'group' ? ev.msgId : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
