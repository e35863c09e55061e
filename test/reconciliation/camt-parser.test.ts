import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SikaError } from '../../src/errors.js';
import { parseCamt, readCamt } from '../../reconciliation/camt-parser.js';
import { describeFile } from '../../reconciliation/describe-file.js';
import { sniffFormat } from '../../reconciliation/sniff-format.js';
import { OWN_ACCOUNT, writeCamt } from './camt-fixtures.js';
import { FIXTURES, SAMPLES } from './fixtures.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sika-camt-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const pick = (r: Awaited<ReturnType<typeof readCamt>>['records'][number]) => [
  r.endToEndId,
  r.status,
  r.amount,
  r.currency,
  r.reasonCode,
];

describe('reading the real bank camt.054 samples', () => {
  it.each([
    // file, version namespace, records: [EndToEndId, status, amount, currency, reason]
    [
      'camt054-returns-postfinance.xml',
      'camt.054.001.04',
      [['EndToEndId-001-03-04', 'RTRN', '500.00', 'CHF', 'AC01']],
    ],
    [
      'camt054-v2-genkgo.xml',
      'camt.054.001.02',
      Array(3).fill(['MUELL/FINP/RA12345', 'BOOK', null, null, null]),
    ],
    [
      'camt054-v8-genkgo.xml',
      'camt.054.001.08',
      [
        ['UXC06170000006PI00001EE00001', 'CRDT', '3.1', 'CHF', null],
        ['UXC06170000006PI00001EE00002', 'CRDT', '3.2', 'CHF', null],
        ['UXC06170000006PI00001EE00002', 'CRDT', '3.2', 'CHF', null],
      ],
    ],
  ] as const)('reads %s (%s) record by record', async (file, version, expected) => {
    const r = await readCamt(join(SAMPLES, file));
    expect(r.format).toBe('camt.054');
    expect(r.namespace).toBe(`urn:iso:std:iso:20022:tech:xsd:${version}`);
    expect(r.records.map(pick)).toEqual(expected);
  });

  it('reads a returned credit: RRTN, the reversal indicator, dates and the counterparty account', async () => {
    const r = await readCamt(join(SAMPLES, 'camt054-returns-postfinance.xml'));
    expect(r.messageId).toBe('20201124375204228763929');
    expect(r.creationDateTime).toBe('2020-11-25T00:29:29');
    expect(r.records[0]).toEqual({
      endToEndId: 'EndToEndId-001-03-04',
      paymentInfoId: 'PmtInfId-001-03',
      status: 'RTRN',
      amount: '500.00',
      currency: 'CHF',
      creditDebit: 'CRDT',
      reversal: true,
      bankTxCode: 'PMNT/ICDT/RRTN',
      reasonCode: 'AC01',
      reasonText: 'Kontonummer falsch',
      bookingDate: '2020-11-24',
      valueDate: '2020-11-24',
      account: 'CH8709000000929471495',
    });
  });

  it('takes entry fields for transactions that do not give their own, and the creditor account by IBAN', async () => {
    const v2 = await readCamt(join(SAMPLES, 'camt054-v2-genkgo.xml'));
    expect(v2.records[0]).toMatchObject({
      creditDebit: 'DBIT',
      bankTxCode: 'PMNT/ICDT/DMCT',
      bookingDate: '2007-10-18',
      valueDate: '2007-10-18',
      account: null,
    });
    const v8 = await readCamt(join(SAMPLES, 'camt054-v8-genkgo.xml'));
    expect(v8.records.map((r) => r.account)).toEqual([
      'CH4112345003131313131',
      'CH7212345003232323232',
      'CH7212345003232323232',
    ]);
  });

  it('has a test for every file of the shared samples folder', async () => {
    const covered = [
      'camt054-returns-postfinance.xml',
      'camt054-v2-genkgo.xml',
      'camt054-v8-genkgo.xml',
      // read by pain002-parser.test.ts:
      'pain001-v3-example.xml',
      'pain002-ch-postfinance-reject.xml',
      'pain002-crossriver-txn-rejected.xml',
      'pain002-v3-gs-accepted.xml',
      'pain002-v3-nordea-group-reject.xml',
      'pain002-v3-nordea-payment-reject.xml',
      'pain002-v3-nordea-txn-reject.xml',
    ];
    expect((await readdir(SAMPLES)).sort()).toEqual(covered.sort());
  });

  it.each([
    ['camt054-returns-postfinance.xml', 'camt.054'],
    ['camt054-v8-genkgo.xml', 'camt.054'],
    ['pain002-v3-gs-accepted.xml', 'pain.002'],
    ['pain001-v3-example.xml', 'pain.001'],
  ])('tells %s apart as %s from its first elements', async (file, kind) => {
    expect(await sniffFormat(join(SAMPLES, file))).toBe(kind);
  });

  it('describes a camt sample without loading it', async () => {
    const d = await describeFile(join(SAMPLES, 'camt054-v8-genkgo.xml'));
    expect(d).toMatchObject({ format: 'camt.054', records: 3, recordsWithoutAmount: 0 });
    expect(d.byStatus['CRDT']!.amount.toFixed(2)).toBe('9.50');
  });
});

describe('camt.053 statements, camt.052 reports and camt.054 notifications Sika is sent', () => {
  it.each([
    ['camt.053', '02', undefined],
    ['camt.053', '08', undefined],
    ['camt.054', '02', 'ns2'],
    ['camt.054', '08', 'ns2'],
    ['camt.052', '02', 'ns3'],
    ['camt.052', '08', undefined],
  ] as const)(
    'reads a %s.001.%s (prefix %s): booked debits, a batch entry and a return',
    async (format, version, prefix) => {
      const path = await writeCamt(tmp, `${format}-${version}-${prefix ?? 'none'}.xml`, {
        format,
        version,
        prefix,
        messageId: 'STMT-1',
        entries: [
          { endToEndId: 'LEAP-1-HH0000001', amount: '304.00', creditorAccount: '9900000001' },
          {
            amount: '684.00',
            batch: [
              { endToEndId: 'LEAP-1-HH0000002', amount: '380.00' },
              { endToEndId: 'NOTPROVIDED', amount: '304.00', creditorAccount: '9900000003' },
            ],
          },
          {
            endToEndId: 'LEAP-1-HH0000004',
            amount: '440.00',
            creditDebit: 'CRDT',
            subFamily: 'RRTN',
            reason: 'AC04',
            valueDate: '2030-03-20',
          },
          { endToEndId: 'LEAP-1-HH0000005', amount: '256.00', status: 'PDNG' },
        ],
      });
      const r = await readCamt(path);
      expect(r.format).toBe(format);
      expect(r.messageId).toBe('STMT-1');
      expect(r.records.map(pick)).toEqual([
        ['LEAP-1-HH0000001', 'BOOK', '304.00', 'GHS', null],
        ['LEAP-1-HH0000002', 'BOOK', '380.00', 'GHS', null],
        ['NOTPROVIDED', 'BOOK', '304.00', 'GHS', null],
        ['LEAP-1-HH0000004', 'RTRN', '440.00', 'GHS', 'AC04'],
        ['LEAP-1-HH0000005', 'PDNG', '256.00', 'GHS', null],
      ]);
      // The counterparty is the creditor, never the statement's own account.
      expect(r.records.map((x) => x.account)).toEqual([
        '9900000001',
        null,
        '9900000003',
        null,
        null,
      ]);
      expect(r.records[3]).toMatchObject({ valueDate: '2030-03-20', creditDebit: 'CRDT' });
      expect(OWN_ACCOUNT).not.toBe(r.records[0]!.account);
    },
  );

  it('treats a reversal indicator or the proprietary code RRTN as a return', async () => {
    const path = await writeCamt(tmp, 'reversal.xml', {
      format: 'camt.054',
      version: '08',
      messageId: 'RV-1',
      entries: [
        { endToEndId: 'A', amount: '1.00', creditDebit: 'CRDT', reversal: true },
        { endToEndId: 'B', amount: '2.00', creditDebit: 'CRDT', proprietary: 'RRTN' },
        { endToEndId: 'C', amount: '3.00', creditDebit: 'CRDT' },
      ],
    });
    const r = await readCamt(path);
    expect(r.records.map((x) => [x.endToEndId, x.status, x.reversal, x.bankTxCode])).toEqual([
      ['A', 'RTRN', true, 'PMNT/ICDT/DMCT'],
      ['B', 'RTRN', false, 'RRTN'],
      ['C', 'CRDT', false, 'PMNT/ICDT/DMCT'],
    ]);
  });

  it('reads the camt.052 account report fixture: a booking, a batch, a return and a bare credit', async () => {
    const path = join(FIXTURES, 'camt052-405.xml');
    expect(await sniffFormat(path)).toBe('camt.052');
    const r = await readCamt(path);
    expect(r).toMatchObject({
      format: 'camt.052',
      messageId: 'RPT-405-1',
      creationDateTime: '2030-03-02T12:00:00',
      namespace: 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.08',
    });
    expect(r.records.map((x) => [...pick(x), x.creditDebit, x.bankTxCode, x.account])).toEqual([
      ['LEAP-405-HH0000001', 'BOOK', '304.00', 'GHS', null, 'DBIT', 'PMNT/ICDT/DMCT', '9900000001'],
      ['LEAP-405-HH0000002', 'BOOK', '380.00', 'GHS', null, 'DBIT', 'PMNT/ICDT/DMCT', null],
      ['LEAP-405-HH0000003', 'BOOK', '440.00', 'GHS', null, 'DBIT', 'PMNT/ICDT/DMCT', null],
      ['LEAP-405-HH0000003', 'RTRN', '440.00', 'GHS', 'AC04', 'CRDT', 'PMNT/ICDT/RRTN', null],
      ['LEAP-405-HH0000004', 'CRDT', '530.00', 'GHS', null, 'CRDT', 'PMNT/RCDT/DMCT', null],
    ]);
    expect(r.records[3]!.reasonText).toBe('ACCOUNT CLOSED');
  });

  it('describes the camt.052 fixture for a dry run, as JSON', async () => {
    const d = await describeFile(join(FIXTURES, 'camt052-405.xml'));
    const json = JSON.parse(JSON.stringify(d)) as Record<string, unknown>;
    expect(json).toMatchObject({
      fileName: 'camt052-405.xml',
      format: 'camt.052',
      messageId: 'RPT-405-1',
      records: 5,
      recordsWithoutAmount: 0,
      byStatus: {
        BOOK: { records: 3, amount: '1124' },
        RTRN: { records: 1, amount: '440' },
        CRDT: { records: 1, amount: '530' },
      },
      byReason: { '(none)': { records: 4, amount: '1654' }, AC04: { records: 1, amount: '440' } },
    });
    expect(json['sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('streams 5,001 entries in batches of at most 1,000', async () => {
    const path = await writeCamt(tmp, 'big.xml', {
      format: 'camt.053',
      version: '02',
      messageId: 'BIG',
      entries: Array.from({ length: 5001 }, (_, i) => ({ endToEndId: `E${i}`, amount: '1.00' })),
    });
    const sizes: number[] = [];
    for await (const ev of parseCamt(path, { batchSize: 1000 })) {
      if (ev.kind === 'records') sizes.push(ev.records.length);
    }
    expect(sizes).toEqual([1000, 1000, 1000, 1000, 1000, 1]);
  });

  it('refuses a negative amount, naming the line where its entry ends and the value', async () => {
    const path = await writeCamt(tmp, 'negative.xml', {
      format: 'camt.054',
      version: '08',
      messageId: 'NEG',
      entries: [{ endToEndId: 'LEAP-1-HH0000001', amount: '-10.00' }],
    });
    const err = await readCamt(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SikaError);
    expect((err as SikaError).message).toMatch(
      /^negative.xml: line \d+: transaction 1: amount "-10.00" is not an amount \(digits, a decimal point, no sign; CdtDbtInd gives the direction\)$/,
    );
  });

  it.each([
    ['a pain.002', join(SAMPLES, 'pain002-v3-gs-accepted.xml'), /it is a pain.002 message/],
    ['a camt without a message id', 'nomsg', /GrpHdr\/MsgId is missing/],
  ])('refuses %s as UNREADABLE_RESPONSE', async (_what, file, message) => {
    let path = file;
    if (file === 'nomsg') {
      path = join(tmp, 'nomsg.xml');
      await writeFile(
        path,
        '<Document><BkToCstmrStmt><GrpHdr/><Stmt><Id>1</Id></Stmt></BkToCstmrStmt></Document>',
      );
    }
    const err = await readCamt(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SikaError);
    expect((err as SikaError).code).toBe('UNREADABLE_RESPONSE');
    expect((err as SikaError).message).toMatch(message);
  });
});
