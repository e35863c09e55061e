import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';

const NAMESPACE_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';
/** The versions the stand-in reads; their paths to what it needs are the same. */
const READABLE = ['pain.001.001.03', 'pain.001.001.09'];

/**
 * What a switch needs from a payment file, in document order. Numbers stay as the file wrote
 * them. `msgNmId` names the layout; a layout that gives its totals at the end (a CSV trailer)
 * sends them in a 'totals' event after the last transaction.
 */
export type Pain001Event =
  | {
      kind: 'group';
      msgNmId: string;
      msgId: string;
      creDtTm: string;
      nbOfTxs: string | null;
      ctrlSum: string | null;
    }
  | {
      kind: 'payment';
      pmtInfId: string;
      nbOfTxs: string | null;
      ctrlSum: string | null;
      /** The paying account (DbtrAcct), where returns come back to. */
      debtorAccount?: string;
    }
  | { kind: 'tx'; pmtInfId: string; endToEndId: string; amount: string; ccy: string }
  | { kind: 'totals'; nbOfTxs: string; ctrlSum: string };

export class Pain001ReadError extends Error {}

/**
 * Reads a pain.001.001.03 or .09 as a stream (saxes), yielding the group header, each payment
 * block's header and each transaction; memory stays flat whatever the number of transactions.
 */
export async function* readPain001(path: string): AsyncGenerator<Pain001Event> {
  const parser = new SaxesParser({ xmlns: true });
  const stack: string[] = [];
  const pending: Pain001Event[] = [];
  let text = '';
  let group: Record<string, string> = {};
  let payment: Record<string, string> = {};
  let paymentAnnounced = false;
  let tx: Record<string, string> = {};
  let msgNmId = '';

  const parent = (up = 1) => stack[stack.length - 1 - up];
  const announcePayment = () => {
    if (paymentAnnounced) return;
    paymentAnnounced = true;
    if (!payment.PmtInfId) throw new Pain001ReadError('payment information without PmtInfId');
    pending.push({
      kind: 'payment',
      pmtInfId: payment.PmtInfId,
      nbOfTxs: payment.NbOfTxs ?? null,
      ctrlSum: payment.CtrlSum ?? null,
      debtorAccount: payment.DebtorAccount,
    });
  };

  parser.on('opentag', (tag) => {
    if (stack.length === 0) {
      msgNmId = tag.uri.startsWith(NAMESPACE_PREFIX) ? tag.uri.slice(NAMESPACE_PREFIX.length) : '';
      if (tag.local !== 'Document' || !READABLE.includes(msgNmId)) {
        throw new Pain001ReadError(`not a pain.001.001.03 or .09 document (${tag.uri || 'none'})`);
      }
    }
    stack.push(tag.local);
    text = '';
    if (tag.local === 'PmtInf') {
      payment = {};
      paymentAnnounced = false;
    } else if (tag.local === 'CdtTrfTxInf') {
      announcePayment();
      tx = {};
    } else if (tag.local === 'InstdAmt') {
      tx.Ccy = tag.attributes.Ccy?.value ?? '';
    }
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    const name = tag.local;
    const up = parent();
    if (up === 'GrpHdr') group[name] = text.trim();
    else if (up === 'PmtInf') payment[name] = text.trim();
    else if (name === 'EndToEndId' && up === 'PmtId') tx.EndToEndId = text.trim();
    else if (name === 'InstdAmt' && up === 'Amt') tx.InstdAmt = text.trim();
    else if (stack.at(-3) === 'DbtrAcct' || stack.at(-4) === 'DbtrAcct') {
      if (name === 'IBAN' || (name === 'Id' && up === 'Othr')) payment.DebtorAccount = text.trim();
    }

    if (name === 'GrpHdr') {
      if (!group.MsgId || !group.NbOfTxs) throw new Pain001ReadError('group header incomplete');
      pending.push({
        kind: 'group',
        msgNmId,
        msgId: group.MsgId,
        creDtTm: group.CreDtTm ?? '',
        nbOfTxs: group.NbOfTxs,
        ctrlSum: group.CtrlSum ?? null,
      });
      group = {};
    } else if (name === 'CdtTrfTxInf') {
      if (!tx.EndToEndId || !tx.InstdAmt) throw new Pain001ReadError('transaction incomplete');
      pending.push({
        kind: 'tx',
        pmtInfId: payment.PmtInfId ?? '',
        endToEndId: tx.EndToEndId,
        amount: tx.InstdAmt,
        ccy: tx.Ccy ?? '',
      });
    } else if (name === 'PmtInf') {
      announcePayment();
    }
    stack.pop();
    text = '';
  });

  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    parser.write(chunk as string);
    yield* pending.splice(0);
  }
  parser.close();
  yield* pending.splice(0);
}
