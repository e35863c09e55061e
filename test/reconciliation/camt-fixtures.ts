import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The paying account of the fixtures: the ministry's own, as a statement names it. */
export const OWN_ACCOUNT = '1011130012345';

export interface EntrySpec {
  endToEndId?: string;
  amount: string;
  currency?: string;
  /** DBIT: our payment booked; CRDT with return: the money came back. */
  creditDebit?: 'DBIT' | 'CRDT';
  reversal?: boolean;
  subFamily?: string;
  proprietary?: string;
  reason?: string;
  status?: string;
  valueDate?: string;
  bookingDate?: string;
  creditorAccount?: string;
  /** Several transactions in one entry: the entry amount is their sum. */
  batch?: Omit<EntrySpec, 'batch'>[];
}

function tx(e: Omit<EntrySpec, 'batch'>, v8: boolean): string {
  const ccy = e.currency ?? 'GHS';
  const amount = v8
    ? `<Amt Ccy="${ccy}">${e.amount}</Amt><CdtDbtInd>${e.creditDebit ?? 'DBIT'}</CdtDbtInd>`
    : `<AmtDtls><TxAmt><Amt Ccy="${ccy}">${e.amount}</Amt></TxAmt></AmtDtls>`;
  const party = e.creditorAccount
    ? `<RltdPties><DbtrAcct><Id><Othr><Id>${OWN_ACCOUNT}</Id></Othr></Id></DbtrAcct>` +
      `<CdtrAcct><Id><Othr><Id>${e.creditorAccount}</Id></Othr></Id></CdtrAcct></RltdPties>`
    : '';
  const rtr = e.reason ? `<RtrInf><Rsn><Cd>${e.reason}</Cd></Rsn></RtrInf>` : '';
  const refs = e.endToEndId ? `<Refs><EndToEndId>${e.endToEndId}</EndToEndId></Refs>` : '';
  return `<TxDtls>${refs}${amount}${party}${rtr}</TxDtls>`;
}

/**
 * Writes a camt.054 notification, camt.053 statement or camt.052 account report of the paying
 * account, in schema version
 * 02 (status as text, amounts in AmtDtls) or 08 (status as Sts/Cd, amounts on the transaction).
 */
export async function writeCamt(
  dir: string,
  name: string,
  p: {
    format: 'camt.054' | 'camt.053' | 'camt.052';
    version: '02' | '08';
    messageId: string;
    prefix?: string;
    entries: EntrySpec[];
  },
): Promise<string> {
  const v8 = p.version === '08';
  const [root, report] = {
    'camt.054': ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'],
    'camt.053': ['BkToCstmrStmt', 'Stmt'],
    'camt.052': ['BkToCstmrAcctRpt', 'Rpt'],
  }[p.format];
  const ns = `urn:iso:std:iso:20022:tech:xsd:${p.format}.001.${p.version}`;
  const entries = p.entries.map((e) => {
    const txs = e.batch ?? [e];
    const sts = e.status ?? 'BOOK';
    const code = e.proprietary
      ? `<BkTxCd><Prtry><Cd>${e.proprietary}</Cd></Prtry></BkTxCd>`
      : `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>${e.subFamily ?? 'DMCT'}</SubFmlyCd></Fmly></Domn></BkTxCd>`;
    return [
      `<Ntry><Amt Ccy="${e.currency ?? 'GHS'}">${e.amount}</Amt>`,
      `<CdtDbtInd>${e.creditDebit ?? 'DBIT'}</CdtDbtInd>`,
      e.reversal ? '<RvslInd>true</RvslInd>' : '',
      v8 ? `<Sts><Cd>${sts}</Cd></Sts>` : `<Sts>${sts}</Sts>`,
      `<BookgDt><Dt>${e.bookingDate ?? e.valueDate ?? '2030-03-02'}</Dt></BookgDt>`,
      `<ValDt><Dt>${e.valueDate ?? '2030-03-02'}</Dt></ValDt>`,
      code,
      `<NtryDtls>${txs.map((t) => tx({ ...e, ...t }, v8)).join('')}</NtryDtls></Ntry>`,
    ].join('');
  });
  const x = p.prefix ? `${p.prefix}:` : '';
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${x}Document xmlns${p.prefix ? `:${p.prefix}` : ''}="${ns}"><${x}${root}>`,
    `<GrpHdr><MsgId>${p.messageId}</MsgId><CreDtTm>2030-03-02T18:00:00</CreDtTm></GrpHdr>`,
    `<${report}><Id>${p.messageId}-1</Id><Acct><Id><Othr><Id>${OWN_ACCOUNT}</Id></Othr></Id></Acct>`,
    ...entries,
    `</${report}></${x}${root}></${x}Document>`,
  ]
    .join('\n')
    .replace(/<(\/?)(?!\?|[a-z0-9]+:)([A-Za-z]+)/g, p.prefix ? `<$1${x}$2` : '<$1$2');
  const path = join(dir, name);
  await writeFile(path, xml);
  return path;
}
