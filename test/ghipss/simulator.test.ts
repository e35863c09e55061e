import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePain001File, type PaymentLine } from '../../src/ghipss/pain001-writer.js';
import { decideTransaction } from '../../src/ghipss/simulator/decide.js';
import { DEFAULT_MIX } from '../../src/ghipss/simulator/mix.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { texts } from './xml-helpers.js';

let root: string;
const dir = (name: string) => join(root, name);
const AMOUNTS = ['320.00', '380.00', '440.00', '530.00', '219.67'];

async function* lines(prefix: string, n: number): AsyncGenerator<PaymentLine> {
  for (let i = 1; i <= n; i++) {
    yield {
      lineNo: i,
      endToEndId: `${prefix}${String(i).padStart(7, '0')}`,
      amount: AMOUNTS[i % 5]!,
      channel: 'ezwich',
      recipientName: 'Abena Mensah',
      beneficiaryRef: `HH${String(i).padStart(7, '0')}`,
      accountNumber: String(7_000_000_000 + i),
      bankSortCode: null,
    };
  }
}

function controlSum(n: number): string {
  let pesewas = 0;
  for (let i = 1; i <= n; i++) pesewas += Math.round(Number(AMOUNTS[i % 5]) * 100);
  return `${Math.floor(pesewas / 100)}.${String(pesewas % 100).padStart(2, '0')}`;
}

/** A request file as Sika writes it: `n` e-zwich credits of LEAP cycle `cycle`. */
async function request(outbox: string, cycle: number, n: number): Promise<string> {
  mkdirSync(outbox, { recursive: true });
  const name = `SIKA_LEAP_${cycle}_EZWICH_001.xml`;
  await writePain001File(
    join(outbox, name),
    {
      messageId: `SIKA-LEAP-${cycle}-EZWICH-001`,
      paymentInfoId: `PMT-LEAP-${cycle}-EZWICH-001`,
      createdAt: new Date('2026-12-01T08:00:00Z'),
      executionDate: '2026-12-01',
      txCount: n,
      controlSum: controlSum(n),
      initiatingPartyName: 'MINISTRY OF GENDER CHILDREN AND SOCIAL PROTECTION',
      debtorName: 'MINISTRY OF GENDER CHILDREN AND SOCIAL PROTECTION',
      debtorAccount: '1011130012345',
      debtorAgentBic: 'BAGHGHAC',
      remittanceInfo: `LEAP cycle ${cycle} grant`,
    },
    lines(`LEAP-${cycle}-HH`, n),
  );
  return join(outbox, name);
}

const count = (xml: string, needle: string) => xml.split(needle).length - 1;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sika-sim-'));
  await request(dir('out'), 106, 1000);
  await request(dir('out'), 107, 200);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('respondToOutbox', () => {
  it('answers each request with one status per transaction and exact counts for the seed', async () => {
    const result = await respondToOutbox({ outbox: dir('out'), inbox: dir('in-a'), seed: 42 });

    expect(result.answered).toEqual([
      {
        request: 'SIKA_LEAP_106_EZWICH_001.xml',
        response: 'SIKA_LEAP_106_EZWICH_001.pain002.xml',
        accepted: 991,
        rejected: 9,
        pending: 0,
        returned: 0,
        later: [],
      },
      {
        request: 'SIKA_LEAP_107_EZWICH_001.xml',
        response: 'SIKA_LEAP_107_EZWICH_001.pain002.xml',
        accepted: 194,
        rejected: 6,
        pending: 0,
        returned: 0,
        later: [],
      },
    ]);
    const xml = readFileSync(join(dir('in-a'), 'SIKA_LEAP_106_EZWICH_001.pain002.xml'), 'utf8');
    expect(texts(xml, 'OrgnlMsgId')).toEqual(['SIKA-LEAP-106-EZWICH-001']);
    expect(texts(xml, 'OrgnlMsgNmId')).toEqual(['pain.001.001.03']);
    expect(texts(xml, 'OrgnlCreDtTm')).toEqual(['2026-12-01T08:00:00Z']);
    expect(texts(xml, 'OrgnlNbOfTxs')).toEqual(['1000', '1000']);
    expect(texts(xml, 'OrgnlCtrlSum')).toEqual(['377934.00', '377934.00']);
    expect(texts(xml, 'GrpSts')).toEqual(['PART']);
    expect(texts(xml, 'PmtInfSts')).toEqual(['PART']);
    expect(texts(xml, 'DtldNbOfTxs')).toEqual(['991', '9']);
    expect(texts(xml, 'DtldCtrlSum')).toEqual(['374074.33', '3859.67']);
    expect(texts(xml, 'OrgnlPmtInfId')).toEqual(['PMT-LEAP-106-EZWICH-001']);
    expect(texts(xml, 'CreDtTm')).toEqual(['2026-12-01T09:00:00Z']);
    expect(count(xml, '<TxInfAndSts>')).toBe(1000);
    expect(count(xml, '<TxSts>ACSC</TxSts>')).toBe(991);
    expect(texts(xml, 'InstdAmt').slice(0, 5)).toEqual([
      '380.00',
      '440.00',
      '530.00',
      '219.67',
      '320.00',
    ]);
  });

  it('names the rejected transactions and their reasons', async () => {
    const xml = readFileSync(join(dir('in-a'), 'SIKA_LEAP_106_EZWICH_001.pain002.xml'), 'utf8');
    const rejected = [
      ...xml.matchAll(
        /<OrgnlEndToEndId>([^<]+)<\/OrgnlEndToEndId><TxSts>RJCT<\/TxSts><StsRsnInf><Rsn><Cd>([A-Z0-9]+)<\/Cd>/g,
      ),
    ].map((m) => `${m[1]} ${m[2]}`);

    expect(rejected).toEqual([
      'LEAP-106-HH0000046 AC04',
      'LEAP-106-HH0000242 AC01',
      'LEAP-106-HH0000274 AC01',
      'LEAP-106-HH0000296 BE01',
      'LEAP-106-HH0000408 AC01',
      'LEAP-106-HH0000448 AC01',
      'LEAP-106-HH0000673 AC04',
      'LEAP-106-HH0000678 AC01',
      'LEAP-106-HH0000825 AC01',
    ]);
  });

  it('gives byte-identical answers for the same seed and different ones for another', async () => {
    await respondToOutbox({ outbox: dir('out'), inbox: dir('in-b'), seed: 42 });
    await respondToOutbox({ outbox: dir('out'), inbox: dir('in-c'), seed: 43 });
    const read = (inbox: string) =>
      readFileSync(join(dir(inbox), 'SIKA_LEAP_106_EZWICH_001.pain002.xml'));

    expect(read('in-b').equals(read('in-a'))).toBe(true);
    expect(read('in-c').equals(read('in-a'))).toBe(false);
    expect(count(read('in-c').toString(), '<TxSts>RJCT</TxSts>')).toBe(16);
  });

  it('answers a request only once', async () => {
    const again = await respondToOutbox({ outbox: dir('out'), inbox: dir('in-a'), seed: 42 });

    expect(again.answered).toEqual([]);
    expect(
      readdirSync(dir('in-a'))
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(['SIKA_LEAP_106_EZWICH_001.pain002.xml', 'SIKA_LEAP_107_EZWICH_001.pain002.xml']);
  });

  it('settles everything when nothing is to be rejected', async () => {
    const result = await respondToOutbox({
      outbox: dir('out'),
      inbox: dir('in-all'),
      seed: 42,
      rejectRate: 0,
    });
    const xml = readFileSync(join(dir('in-all'), 'SIKA_LEAP_107_EZWICH_001.pain002.xml'), 'utf8');

    expect(result.answered.map((a) => [a.accepted, a.rejected])).toEqual([
      [1000, 0],
      [200, 0],
    ]);
    expect(texts(xml, 'GrpSts')).toEqual(['ACSC']);
    expect(texts(xml, 'DtldNbOfTxs')).toEqual(['200']);
    expect(xml).not.toContain('StsRsnInf');
  });

  it.each([
    [
      'a control sum one pesewa high',
      (x: string) => x.replace('<CtrlSum>377934.00</CtrlSum>', '<CtrlSum>377934.01</CtrlSum>'),
      ['AM10'],
    ],
    [
      'a payment block control sum one pesewa low',
      (x: string) =>
        x.replace(
          /(<PmtInfId>[^<]+<\/PmtInfId>.*?)<CtrlSum>377934.00<\/CtrlSum>/s,
          '$1<CtrlSum>377933.99</CtrlSum>',
        ),
      ['AM10'],
    ],
    [
      'a transaction count one high',
      (x: string) => x.replace('<NbOfTxs>1000</NbOfTxs>', '<NbOfTxs>1001</NbOfTxs>'),
      ['AM18'],
    ],
    [
      'a transaction dropped',
      (x: string) => x.replace(/<CdtTrfTxInf>.*?<\/CdtTrfTxInf>\n/, ''),
      ['AM18', 'AM10'],
    ],
    ['a truncated file', (x: string) => x.slice(0, x.length / 2), ['FF01']],
    [
      'another message type',
      (x: string) => x.replaceAll('pain.001.001.03', 'pain.008.001.02'),
      ['FF01'],
    ],
  ])('rejects the whole group for %s', async (_case, tamper, codes) => {
    const outbox = dir(`tampered-${codes.join('-')}-${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(outbox);
    const original = readFileSync(join(dir('out'), 'SIKA_LEAP_106_EZWICH_001.xml'), 'utf8');
    writeFileSync(join(outbox, 'SIKA_LEAP_106_EZWICH_001.xml'), tamper(original));
    const inbox = `${outbox}-in`;

    const result = await respondToOutbox({ outbox, inbox, seed: 42 });

    const xml = readFileSync(join(inbox, 'SIKA_LEAP_106_EZWICH_001.pain002.xml'), 'utf8');
    expect(texts(xml, 'GrpSts')).toEqual(['RJCT']);
    expect(texts(xml, 'Cd')).toEqual(codes);
    expect(xml).not.toContain('<TxInfAndSts>');
    expect(xml).not.toContain('<OrgnlPmtInfAndSts>');
    expect(result.answered[0]!.accepted).toBe(0);
  });
});

describe('decideTransaction', () => {
  it('rejects about the asked share, mostly for invalid accounts', () => {
    const reasons: Record<string, number> = {};
    let rejected = 0;
    for (let i = 1; i <= 100_000; i++) {
      const d = decideTransaction(7, `LIPW-20261102-WK${String(i).padStart(7, '0')}`, DEFAULT_MIX);
      if (d.status === 'RJCT') {
        rejected++;
        reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
      }
    }

    expect(rejected).toBe(1471);
    expect(reasons).toEqual({ AC01: 811, AC04: 260, AC06: 91, BE01: 179, MD07: 130 });
  });
});
