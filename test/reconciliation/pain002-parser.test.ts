import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SikaError } from '../../src/errors.js';
import { describeFile } from '../../reconciliation/describe-file.js';
import { parsePain002, readPain002 } from '../../reconciliation/pain002-parser.js';
import { FIXTURES, SAMPLES, writePain002 } from './fixtures.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sika-pain002-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function refusal(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (err) {
    if (err instanceof SikaError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('reading the real bank pain.002 samples', () => {
  it.each([
    // file, records, group status, group reason, payment info statuses, tx statuses, tx reasons
    ['pain002-ch-postfinance-reject.xml', 1, null, null, ['RJCT'], ['RJCT'], ['AC01']],
    [
      'pain002-crossriver-txn-rejected.xml',
      3,
      'ACTC',
      null,
      ['RJCT'],
      ['RJCT', 'RJCT', 'RJCT'],
      ['NARR', 'NARR', 'NARR'],
    ],
    ['pain002-v3-gs-accepted.xml', 1, null, null, [null], ['ACCP'], ['NARR']],
    ['pain002-v3-nordea-group-reject.xml', 0, 'RJCT', 'DU01', [], [], []],
    ['pain002-v3-nordea-payment-reject.xml', 0, null, null, ['RJCT'], [], []],
    [
      'pain002-v3-nordea-txn-reject.xml',
      2,
      null,
      null,
      ['RJCT'],
      ['RJCT', 'RJCT'],
      ['NARR', 'NARR'],
    ],
  ] as const)(
    'reads %s: %i transaction records, group status %s, reason %s',
    async (file, count, groupStatus, groupReason, pmtStatuses, txStatuses, txReasons) => {
      const r = await readPain002(join(SAMPLES, file));
      expect(r.records).toHaveLength(count);
      expect(r.groupStatus).toBe(groupStatus);
      expect(r.groupReason?.code ?? null).toBe(groupReason);
      expect(r.paymentInfos.map((p) => p.status)).toEqual(pmtStatuses);
      expect(r.records.map((x) => x.status)).toEqual(txStatuses);
      expect(r.records.map((x) => x.reasonCode)).toEqual(txReasons);
    },
  );

  it('reads the Swiss variant namespace with its ids, reason text and payment information reason', async () => {
    const r = await readPain002(join(SAMPLES, 'pain002-ch-postfinance-reject.xml'));
    expect(r.namespace).toBe('http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd');
    expect(r.messageId).toBe('20180326375204011678275');
    expect(r.creationDateTime).toBe('2018-03-26T12:09:48');
    expect(r.originalMessageId).toBe('MsgId-006');
    expect(r.originalMessageNameId).toBe('pain.001.001.03.ch.02');
    expect(r.paymentInfos).toEqual([
      {
        originalPaymentInfoId: 'PmtInfId-006-01',
        status: 'RJCT',
        reason: { code: 'NARR', text: '1297193;Sammelauftrag ohne ausführbaren Einzelauftrag' },
      },
    ]);
    expect(r.records).toEqual([
      {
        endToEndId: 'EndToEndId-006-01-01',
        paymentInfoId: 'PmtInfId-006-01',
        status: 'RJCT',
        reasonCode: 'AC01',
        reasonText: '1301813;Konto ungültig',
        amount: null,
        currency: null,
      },
    ]);
  });

  it('reads free-text reasons given in CDATA and a file whose namespace attribute is misspelt', async () => {
    const r = await readPain002(join(SAMPLES, 'pain002-crossriver-txn-rejected.xml'));
    expect(r.namespace).toBeNull();
    expect(r.originalNumberOfTxs).toBe(3);
    expect(r.originalControlSum).toBe('5.0400');
    expect(r.records.map((x) => x.endToEndId)).toEqual([
      'sanity-10-1-12-1-21',
      'example01234567',
      'example012345678',
    ]);
    expect(r.records[0]!.reasonText).toBe('Instruction ID example01234567 already exist');
  });

  it('reads the instructed amount and currency of a transaction', async () => {
    const r = await readPain002(join(SAMPLES, 'pain002-v3-gs-accepted.xml'));
    expect(r.records[0]).toMatchObject({
      endToEndId: 'GSDGFKfLURaHb',
      amount: '10.00',
      currency: 'USD',
    });
  });

  it('reads a group rejection with its reason code and text', async () => {
    const r = await readPain002(join(SAMPLES, 'pain002-v3-nordea-group-reject.xml'));
    expect(r.groupReason).toEqual({ code: 'DU01', text: 'ISO Duplicate Message ID' });
    expect(r.originalMessageId).toBe('MSGID-PS-TEST-0708-01');
  });

  it('takes a proprietary reason code and keeps five decimals and a date without time as written', async () => {
    const p = await readPain002(join(FIXTURES, 'payment-reject-204.xml'));
    expect(p.paymentInfos[0]!.reason).toEqual({ code: 'AM04', text: 'Debtor account not funded' });
    const u = await readPain002(join(FIXTURES, 'unknown-ref-203.xml'));
    expect(u.creationDateTime).toBe('2030-03-01');
    expect(u.records[2]).toMatchObject({ status: 'ACCP', amount: '304.00000', currency: 'GHS' });
  });
});

describe('streaming', () => {
  it('yields 10,001 records in batches of at most 1,000, header first', async () => {
    const path = await writePain002(tmp, 'big.xml', {
      messageId: 'BIG-1',
      originalMessageId: 'SIKA-BIG-1',
      groupStatus: 'ACSC',
      txs: Array.from({ length: 10_001 }, (_, i) => ({ endToEndId: `E${i}`, status: 'ACSC' })),
    });
    const kinds: string[] = [];
    const sizes: number[] = [];
    for await (const ev of parsePain002(path, { batchSize: 1000 })) {
      kinds.push(ev.kind);
      if (ev.kind === 'records') sizes.push(ev.records.length);
    }
    expect(kinds.slice(0, 2)).toEqual(['header', 'paymentInfo']);
    expect(sizes).toHaveLength(11);
    expect(Math.max(...sizes)).toBe(1000);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10_001);
  });

  it('reads from a stream as well as from a path', async () => {
    const xml = await import('node:fs/promises').then((f) =>
      f.readFile(join(SAMPLES, 'pain002-v3-nordea-txn-reject.xml')),
    );
    const r = await readPain002(Readable.from([xml.subarray(0, 700), xml.subarray(700)]));
    expect(r.records.map((x) => x.endToEndId)).toEqual([
      'ENDTOENDID-950-TEST2-2807-02',
      'ENDTOENDID-950-TEST2-2807-01',
    ]);
  });
});

describe('files that are not a pain.002', () => {
  it.each([
    ['a CSV file', 'not-xml.csv', 'MsgId,Status\nX,ACSC\n', /not-xml.csv: not well-formed XML/],
    ['an empty file', 'empty.xml', '', /empty.xml: not well-formed XML/],
    [
      'XML cut off in the middle',
      'cut.xml',
      '<Document><CstmrPmtStsRpt><GrpHdr>',
      /cut.xml: not well-formed/,
    ],
    ['another XML document', 'other.xml', '<html><body/></html>', /root element html/],
    [
      'a pain.002 without its original message id',
      'noorig.xml',
      '<Document><CstmrPmtStsRpt><GrpHdr><MsgId>A</MsgId></GrpHdr><OrgnlGrpInfAndSts/></CstmrPmtStsRpt></Document>',
      /OrgnlMsgId is missing/,
    ],
  ])('refuses %s as UNREADABLE_RESPONSE naming the file', async (_what, name, content, message) => {
    const path = join(tmp, name);
    await writeFile(path, content);
    const r = await refusal(() => readPain002(path));
    expect(r.code).toBe('UNREADABLE_RESPONSE');
    expect(r.message).toMatch(message);
  });

  it.each([
    ['written with an exponent', '1.7973E2'],
    ['negative', '-179.73'],
  ])('refuses an amount %s, naming the line, the element and the value', async (_what, amount) => {
    const path = await writePain002(tmp, 'amount.xml', {
      messageId: 'RSP-AMT',
      originalMessageId: 'SIKA-LEAP-1-EZWICH-1',
      txs: [
        { endToEndId: 'LEAP-1-HH0000001', status: 'ACSC', amount: '304.00' },
        { endToEndId: 'LEAP-1-HH0000002', status: 'ACSC', amount },
      ],
    });
    const text = await readFile(path, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes(`>${amount}<`)) + 1;
    expect(line).toBeGreaterThan(1);
    const r = await refusal(() => readPain002(path));
    expect(r).toEqual({
      code: 'UNREADABLE_RESPONSE',
      message:
        `amount.xml: line ${line}, OrgnlTxRef/Amt/InstdAmt: transaction 2: amount "${amount}" ` +
        'is not an amount (digits, a decimal point, no sign)',
    });
  });

  it('refuses a status that is not an ISO 20022 payment status, naming the line', async () => {
    const path = await writePain002(tmp, 'status.xml', {
      messageId: 'RSP-STS',
      originalMessageId: 'SIKA-LEAP-1-EZWICH-1',
      txs: [{ endToEndId: 'LEAP-1-HH0000001', status: 'XXXX' }],
    });
    const text = await readFile(path, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('>XXXX<')) + 1;
    expect(await refusal(() => readPain002(path))).toEqual({
      code: 'UNREADABLE_RESPONSE',
      message: `status.xml: line ${line}, TxSts: "XXXX" is not an ISO 20022 payment status`,
    });
  });

  it.each([['urn:example:foo'], ['urn:iso:std:iso:20022:tech:xsd:camt.054.001.08']])(
    'refuses a pain.002 body under the namespace %s',
    async (ns) => {
      const path = join(tmp, 'namespace.xml');
      await writeFile(
        path,
        `<?xml version="1.0"?>\n<Document xmlns="${ns}"><CstmrPmtStsRpt><GrpHdr><MsgId>A</MsgId>` +
          '</GrpHdr></CstmrPmtStsRpt></Document>',
      );
      expect(await refusal(() => readPain002(path))).toEqual({
        code: 'UNREADABLE_RESPONSE',
        message:
          `namespace.xml: line 2: namespace "${ns}" is not a pain.002 schema ` +
          '(urn:iso:std:iso:20022:tech:xsd:pain.002.001.NN, or a bank variant of it)',
      });
    },
  );

  it.each([
    ['camt054-v2-genkgo.xml', 'camt.054'],
    ['pain001-v3-example.xml', 'pain.001'],
  ])('refuses the sample %s, saying it is a %s message', async (file, kind) => {
    const r = await refusal(() => readPain002(join(SAMPLES, file)));
    expect(r).toEqual({
      code: 'UNREADABLE_RESPONSE',
      message: `${file}: it is a ${kind} message, not a pain.002`,
    });
  });

  it('refuses a file that does not exist as FILE_NOT_FOUND', async () => {
    expect((await refusal(() => describeFile(join(tmp, 'missing.xml')))).code).toBe(
      'FILE_NOT_FOUND',
    );
  });
});

describe('describing a file without loading it', () => {
  it('counts records and sums amounts by status and reason', async () => {
    const d = await describeFile(join(FIXTURES, 'mixed-201.xml'));
    expect(d).toMatchObject({
      format: 'pain.002',
      messageId: 'GHIPSS-RSP-201-1',
      originalMessageId: 'SIKA-LEAP-201-EZWICH-1',
      groupStatus: 'PART',
      records: 5,
      recordsWithoutAmount: 0,
    });
    const flat = (t: typeof d.byStatus) =>
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, [v.records, v.amount.toFixed(2)]]));
    expect(flat(d.byStatus)).toEqual({ ACSC: [3, '1214.00'], RJCT: [2, '696.50'] });
    expect(flat(d.byReason)).toEqual({
      '(none)': [3, '1214.00'],
      AC04: [1, '440.00'],
      MD07: [1, '256.50'],
    });
    expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
