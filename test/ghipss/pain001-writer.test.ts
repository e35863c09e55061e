import { describe, expect, it } from 'vitest';
import { SikaError } from '../../src/errors.js';
import {
  writePain001,
  type Pain001Header,
  type PaymentLine,
} from '../../src/ghipss/pain001-writer.js';
import { Collector, pain001SchemaErrors, texts } from './xml-helpers.js';

const header = (over: Partial<Pain001Header> = {}): Pain001Header => ({
  messageId: 'SIKA-LEAP-106-EZWICH-001',
  paymentInfoId: 'PMT-LEAP-106-EZWICH-001',
  createdAt: new Date('2026-12-01T09:30:15.123Z'),
  executionDate: '2026-12-01',
  txCount: 3,
  controlSum: '1230.67',
  initiatingPartyName: 'MINISTRY OF GENDER CHILDREN AND SOCIAL PROTECTION',
  debtorName: 'MINISTRY OF GENDER CHILDREN AND SOCIAL PROTECTION',
  debtorAccount: '1011130012345',
  debtorAgentBic: 'BAGHGHAC',
  remittanceInfo: 'LEAP cycle 106 grant',
  ...over,
});

const line = (n: number, over: Partial<PaymentLine>): PaymentLine => ({
  lineNo: n,
  endToEndId: `LEAP-106-HH${String(n).padStart(7, '0')}`,
  amount: '320.00',
  channel: 'ezwich',
  recipientName: 'Abena Mensah',
  beneficiaryRef: `HH${String(n).padStart(7, '0')}`,
  accountNumber: '7000000001',
  bankSortCode: null,
  ...over,
});

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

const threeLines = [
  line(1, { recipientName: 'Nyamekyɛ Ɔkyeame & Sons', amount: '320.00' }),
  line(2, {
    channel: 'momo',
    accountNumber: '0241234567',
    amount: '380.67',
    recipientName: "Ama O'Neil",
  }),
  line(3, {
    channel: 'bank',
    accountNumber: '1234567890123',
    bankSortCode: '030100',
    amount: '530.00',
  }),
];

describe('writePain001', () => {
  it('writes a pain.001.001.03 that the official schema accepts, with exact count and sum', async () => {
    const out = new Collector();

    const written = await writePain001(out, header(), from(threeLines));

    expect(written).toEqual({ txCount: 3, controlSum: '1230.67' });
    expect(await pain001SchemaErrors(out.text)).toEqual([]);
    expect(texts(out.text, 'NbOfTxs')).toEqual(['3', '3']);
    expect(texts(out.text, 'CtrlSum')).toEqual(['1230.67', '1230.67']);
    expect(texts(out.text, 'CreDtTm')).toEqual(['2026-12-01T09:30:15Z']);
    expect(texts(out.text, 'InstdAmt')).toEqual(['320.00', '380.67', '530.00']);
  });

  it('writes creditor names transliterated and escaped, and routes each channel its own way', async () => {
    const out = new Collector();

    await writePain001(out, header(), from(threeLines));

    expect(texts(out.text, 'Nm').slice(2)).toEqual([
      'Nyamekye Okyeame + Sons',
      'Ama O&apos;Neil',
      'Abena Mensah',
    ]);
    expect(texts(out.text, 'Prtry')).toEqual(['EZWICH', 'MSISDN', 'BBAN']);
    expect(out.text).toContain(
      '<CdtrAgt><FinInstnId><Othr><Id>EZWICH</Id></Othr></FinInstnId></CdtrAgt>',
    );
    expect(out.text).toContain(
      '<CdtrAgt><FinInstnId><Othr><Id>MOMO</Id></Othr></FinInstnId></CdtrAgt>',
    );
    expect(out.text).toContain(
      '<CdtrAgt><FinInstnId><ClrSysMmbId><MmbId>030100</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>',
    );
    expect(texts(out.text, 'Ustrd')).toEqual(Array(3).fill('LEAP cycle 106 grant'));
  });

  it('uses the beneficiary reference when a name has no Latin letters at all', async () => {
    const out = new Collector();

    await writePain001(
      out,
      header({ txCount: 1, controlSum: '320.00' }),
      from([line(7, { recipientName: 'محمد' })]),
    );

    expect(texts(out.text, 'Nm').at(-1)).toBe('HH0000007');
    expect(await pain001SchemaErrors(out.text)).toEqual([]);
  });

  it.each([
    ['a count one short', { txCount: 4 }],
    ['a control sum one pesewa off', { controlSum: '1230.66' }],
  ])('refuses lines that do not match the header (%s)', async (_case, over) => {
    const err = await writePain001(new Collector(), header(over), from(threeLines)).catch((e) => e);

    expect(err).toBeInstanceOf(SikaError);
    expect(err.code).toBe('PAYMENT_FILE_INVALID');
  });

  it.each([
    ['a bank line without a sort code', line(1, { channel: 'bank', bankSortCode: null })],
    ['an amount of zero', line(1, { amount: '0.00' })],
    ['an amount finer than a pesewa', line(1, { amount: '320.005' })],
    ['a reference with a space', line(1, { endToEndId: 'LEAP 106 HH0000001' })],
  ])('refuses %s', async (_case, bad) => {
    const err = await writePain001(
      new Collector(),
      header({ txCount: 1, controlSum: bad.amount }),
      from([bad]),
    ).catch((e) => e);

    expect(err.code).toBe('PAYMENT_FILE_INVALID');
  });

  it('keeps the XML well formed over many drains of a slow stream', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => line(i + 1, { amount: '19.97' }));
    const out = new Collector();

    await writePain001(out, header({ txCount: 2000, controlSum: '39940.00' }), from(lines));

    expect(out.chunks.length).toBeGreaterThan(1);
    expect(await pain001SchemaErrors(out.text)).toEqual([]);
    expect(texts(out.text, 'EndToEndId')).toHaveLength(2000);
  });
});
