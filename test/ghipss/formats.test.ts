import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msisdnForFile } from '../../src/ghipss/formats/csv-bulk.js';
import {
  formatsByChannel,
  paymentFormat,
  type PaymentFormat,
} from '../../src/ghipss/formats/payment-format.js';
import type { Pain001Header, PaymentLine } from '../../src/ghipss/pain001-writer.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { Collector, pain001SchemaErrors, texts } from './xml-helpers.js';

let root: string;

const HEADER: Pain001Header = {
  messageId: 'SIKA-LEAP-106-MOMO-001',
  paymentInfoId: 'PMT-LEAP-106-MOMO-001',
  createdAt: new Date('2026-12-01T08:00:00.123Z'),
  executionDate: '2026-12-01',
  txCount: 3,
  controlSum: '1129.67',
  initiatingPartyName: 'MINISTRY OF GENDER, CHILDREN AND SOCIAL PROTECTION',
  debtorName: 'MINISTRY OF GENDER, CHILDREN AND SOCIAL PROTECTION',
  debtorAccount: '1011130012345',
  debtorAgentBic: 'BAGHGHAC',
  remittanceInfo: 'LEAP cycle 106 grant',
};

const line = (i: number, channel: PaymentLine['channel'], account: string, over = {}) => ({
  lineNo: i,
  endToEndId: `LEAP-106-HH${String(i).padStart(7, '0')}`,
  amount: ['380.00', '530.00', '219.67'][(i - 1) % 3]!,
  channel,
  recipientName: ['Abena Nyamekyɛ', 'Kofi Ɔkyeame, Jnr', 'Ama "Maa" Ŋɔlɔ'][(i - 1) % 3]!,
  beneficiaryRef: `HH${String(i).padStart(7, '0')}`,
  accountNumber: account,
  bankSortCode: channel === 'bank' ? '030100' : null,
  ...over,
});

async function* from(lines: PaymentLine[]): AsyncGenerator<PaymentLine> {
  yield* lines;
}

async function write(format: PaymentFormat, lines: PaymentLine[], header = HEADER) {
  const out = new Collector();
  await format.write(out, header, from(lines));
  return out.text;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sika-formats-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pain.001.001.09', () => {
  const v09 = paymentFormat('pain.001.001.09');
  const lines = [
    line(1, 'ezwich', '7000000001'),
    line(2, 'momo', '+233241234567'),
    line(3, 'bank', '1000000000003'),
  ];

  it('is valid against the official schema for every channel', async () => {
    const xml = await write(v09, lines);

    expect(await pain001SchemaErrors(xml, 'pain.001.001.09')).toEqual([]);
    expect(xml).toContain('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">');
  });

  it('names the debtor agent BICFI and gives the execution date as a Dt choice', async () => {
    const xml = await write(v09, lines);

    expect(texts(xml, 'BICFI')).toEqual(['BAGHGHAC']);
    expect(texts(xml, 'BIC')).toEqual([]);
    expect(xml).toContain('<ReqdExctnDt><Dt>2026-12-01</Dt></ReqdExctnDt>');
    expect(texts(xml, 'CtrlSum')).toEqual(['1129.67', '1129.67']);
  });

  it('is not valid as version 03, nor version 03 as 09', async () => {
    const v03 = await write(paymentFormat('pain.001.001.03'), lines);

    expect(await pain001SchemaErrors(v03)).toEqual([]);
    expect((await pain001SchemaErrors(v03, 'pain.001.001.09')).length).toBeGreaterThan(0);
  });
});

describe('bulk CSV layouts', () => {
  it('writes the e-zwich layout: header, one row per payment, trailer with count and sum', async () => {
    const text = await write(paymentFormat('sika-ezwich-csv-1'), [
      line(1, 'ezwich', '7000000001'),
      line(2, 'ezwich', '7000000002'),
      line(3, 'ezwich', '7000000003'),
    ]);

    expect(text.split('\r\n')).toEqual([
      'H,sika-ezwich-csv-1,SIKA-LEAP-106-MOMO-001,PMT-LEAP-106-MOMO-001,2026-12-01T08:00:00Z,2026-12-01,"MINISTRY OF GENDER, CHILDREN AND SOCIAL PROTECTION",1011130012345,GHS',
      'D,1,LEAP-106-HH0000001,7000000001,Abena Nyamekye,380.00,HH0000001,LEAP cycle 106 grant',
      'D,2,LEAP-106-HH0000002,7000000002,"Kofi Okyeame, Jnr",530.00,HH0000002,LEAP cycle 106 grant',
      'D,3,LEAP-106-HH0000003,7000000003,Ama Maa Nolo,219.67,HH0000003,LEAP cycle 106 grant',
      'T,3,1129.67',
      '',
    ]);
  });

  it('writes the mobile money layout with wallets as 233 and nine digits', async () => {
    const text = await write(paymentFormat('sika-momo-csv-1'), [
      line(1, 'momo', '+233241234567'),
      line(2, 'momo', '0501234567'),
      line(3, 'momo', '233201234567'),
    ]);

    expect(text.split('\r\n').slice(1)).toEqual([
      'D,1,LEAP-106-HH0000001,233241234567,Abena Nyamekye,380.00,HH0000001,LEAP cycle 106 grant',
      'D,2,LEAP-106-HH0000002,233501234567,"Kofi Okyeame, Jnr",530.00,HH0000002,LEAP cycle 106 grant',
      'D,3,LEAP-106-HH0000003,233201234567,Ama Maa Nolo,219.67,HH0000003,LEAP cycle 106 grant',
      'T,3,1129.67',
      '',
    ]);
  });

  it.each([
    ['+233241234567', '233241234567'],
    ['0241234567', '233241234567'],
    ['233 24 123 4567', '233241234567'],
    ['024123456', undefined],
    ['+44241234567', undefined],
    ['7000000001', undefined],
  ])('reads the wallet %s as %s', (account, expected) => {
    expect(msisdnForFile(account)).toBe(expected);
  });

  it.each([
    ['a bank line in the e-zwich layout', 'sika-ezwich-csv-1', line(1, 'bank', '1000000000001')],
    ['a mobile number that is not Ghanaian', 'sika-momo-csv-1', line(1, 'momo', '+44241234567')],
    ['an e-zwich card with letters', 'sika-ezwich-csv-1', line(1, 'ezwich', '70000A0001')],
    [
      'an amount finer than a pesewa',
      'sika-momo-csv-1',
      line(1, 'momo', '0241234567', { amount: '380.005' }),
    ],
    [
      'a payment reference with a space',
      'sika-momo-csv-1',
      line(1, 'momo', '0241234567', { endToEndId: 'LEAP 106' }),
    ],
  ])('refuses %s', async (_case, name, bad) => {
    const err = await write(paymentFormat(name), [bad as PaymentLine], {
      ...HEADER,
      txCount: 1,
      controlSum: bad.amount,
    }).catch((e) => e);

    expect(err.code).toBe('PAYMENT_FILE_INVALID');
  });

  it('refuses payments that do not add up to the header', async () => {
    const err = await write(paymentFormat('sika-ezwich-csv-1'), [line(1, 'ezwich', '7000000001')], {
      ...HEADER,
      txCount: 1,
      controlSum: '380.01',
    }).catch((e) => e);

    expect(err.code).toBe('PAYMENT_FILE_INVALID');
    expect(err.details).toMatchObject({ headerSum: '380.01', writtenSum: '380.00' });
  });
});

describe('formats by channel', () => {
  it('defaults every channel to pain.001.001.03', () => {
    const f = formatsByChannel({ momo: 'sika-momo-csv-1' });

    expect([f.ezwich.name, f.momo.name, f.bank.name]).toEqual([
      'pain.001.001.03',
      'sika-momo-csv-1',
      'pain.001.001.03',
    ]);
  });

  it.each([
    ['a CSV layout for bank payments', { bank: 'sika-ezwich-csv-1' }],
    ['the e-zwich layout for mobile money', { momo: 'sika-ezwich-csv-1' }],
    ['an unknown format', { ezwich: 'pain.001.001.12' }],
  ])('refuses %s', (_case, given) => {
    expect(() => formatsByChannel(given)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('the stand-in reads every format', () => {
  const answer = async (
    name: string,
    file: string,
    channel: PaymentLine['channel'],
    account: string,
  ) => {
    const outbox = join(root, `answer-${name}`);
    mkdirSync(outbox, { recursive: true });
    const lines = Array.from({ length: 3 }, (_, i) => line(i + 1, channel, account));
    writeFileSync(join(outbox, file), await write(paymentFormat(name), lines));
    const { answered } = await respondToOutbox({
      outbox,
      inbox: `${outbox}-in`,
      seed: 42,
      rejectRate: 0,
    });
    return { answered, inbox: `${outbox}-in` };
  };
  const acceptedWhole = (request: string, response: string) => [
    { request, response, accepted: 3, rejected: 0, pending: 0, returned: 0, later: [] },
  ];

  it('answers a pain.001.001.09 file with a pain.002, one status per payment', async () => {
    const { answered, inbox } = await answer('pain.001.001.09', 'x.xml', 'ezwich', '7000000001');

    expect(answered).toEqual(acceptedWhole('x.xml', 'x.pain002.xml'));
    const xml = readFileSync(join(inbox, 'x.pain002.xml'), 'utf8');
    expect(texts(xml, 'OrgnlMsgNmId')).toEqual(['pain.001.001.09']);
    expect(texts(xml, 'OrgnlNbOfTxs')).toEqual(['3', '3']);
    expect(texts(xml, 'GrpSts')).toEqual(['ACSC']);
  });

  it.each([
    ['sika-ezwich-csv-1', 'ezwich', '7000000001'],
    ['sika-momo-csv-1', 'momo', '0241234567'],
  ] as const)(
    'answers a %s file with a sika-status-csv-1 report, one status per payment',
    async (name, channel, account) => {
      const { answered, inbox } = await answer(name, 'x.csv', channel, account);

      expect(answered).toEqual(acceptedWhole('x.csv', 'x.status.csv'));
      const rows = readFileSync(join(inbox, 'x.status.csv'), 'utf8').split('\r\n');
      expect(rows[0]).toMatch(
        /^H,sika-status-csv-1,GHIPSS-[0-9A-F]{28},SIKA-LEAP-106-MOMO-001,2026-12-01T09:00:00Z,ACSC,$/,
      );
      expect(rows.slice(1)).toEqual([
        'D,1,LEAP-106-HH0000001,ACSC,,380.00,',
        'D,2,LEAP-106-HH0000002,ACSC,,530.00,',
        'D,3,LEAP-106-HH0000003,ACSC,,219.67,',
        'T,3,1129.67',
        '',
      ]);
    },
  );

  it.each([
    ['a trailer count one high', (t: string) => t.replace('T,3,1129.67', 'T,4,1129.67'), ['AM18']],
    [
      'a trailer sum one pesewa low',
      (t: string) => t.replace('T,3,1129.67', 'T,3,1129.66'),
      ['AM10'],
    ],
    ['no trailer', (t: string) => t.replace('T,3,1129.67\r\n', ''), ['FF01']],
  ])('rejects a CSV file with %s', async (_case, tamper, codes) => {
    const outbox = join(root, `csv-${codes.join('-')}-${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(outbox);
    const lines = Array.from({ length: 3 }, (_, i) => line(i + 1, 'ezwich', '7000000001'));
    writeFileSync(
      join(outbox, 'x.csv'),
      tamper(await write(paymentFormat('sika-ezwich-csv-1'), lines)),
    );

    await respondToOutbox({ outbox, inbox: `${outbox}-in`, seed: 42 });

    // Refused whole: the group status and the first reason, no transaction listed.
    const rows = readFileSync(join(`${outbox}-in`, 'x.status.csv'), 'utf8').split('\r\n');
    expect(rows[0]).toMatch(new RegExp(`^H,sika-status-csv-1,[^,]+,[^,]+,[^,]+,RJCT,${codes[0]}$`));
    expect(rows.slice(1)).toEqual(['T,0,0.00', '']);
  });
});
