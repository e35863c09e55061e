import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePain001File, type PaymentLine } from '../../src/ghipss/pain001-writer.js';
import { respondToOutbox } from '../../src/ghipss/simulator/respond.js';
import { texts } from './xml-helpers.js';

let root: string;

/** Five e-zwich credits of 100.00; `refs` gives each one's reference number. */
async function request(path: string, msgId: string, refs: number[]): Promise<void> {
  async function* lines(): AsyncGenerator<PaymentLine> {
    for (const [i, ref] of refs.entries()) {
      yield {
        lineNo: i + 1,
        endToEndId: `LEAP-106-HH${String(ref).padStart(7, '0')}`,
        amount: '100.00',
        channel: 'ezwich',
        recipientName: 'Abena Mensah',
        beneficiaryRef: `HH${String(ref).padStart(7, '0')}`,
        accountNumber: String(7_000_000_000 + ref),
        bankSortCode: null,
      };
    }
  }
  await writePain001File(
    path,
    {
      messageId: msgId,
      paymentInfoId: `PMT-${msgId}`,
      createdAt: new Date('2026-12-01T08:00:00Z'),
      executionDate: '2026-12-01',
      txCount: refs.length,
      controlSum: `${refs.length * 100}.00`,
      initiatingPartyName: 'MINISTRY',
      debtorName: 'MINISTRY',
      debtorAccount: '1011130012345',
      debtorAgentBic: 'BAGHGHAC',
      remittanceInfo: 'LEAP cycle 106 grant',
    },
    lines(),
  );
}

const statuses = (xml: string) =>
  [
    ...xml.matchAll(
      /<OrgnlEndToEndId>([^<]+)<\/OrgnlEndToEndId><TxSts>(\w+)<\/TxSts>(?:<StsRsnInf><Rsn><Cd>(\w+))?/g,
    ),
  ].map((m) => [m[1], m[2], m[3] ?? null]);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sika-strict-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the stand-in as a strict switch', () => {
  it('rejects a reference carried by a file taken earlier (AM05), even in a later run', async () => {
    const outbox = join(root, 'am05-across');
    const inbox = `${outbox}-in`;
    mkdirSync(outbox);
    await request(join(outbox, 'A.xml'), 'SIKA-LEAP-106-EZWICH-001', [1, 2]);
    await respondToOutbox({ outbox, inbox, seed: 42, rejectRate: 0 });
    await request(join(outbox, 'B.xml'), 'SIKA-LEAP-106-EZWICH-002', [2, 3]);

    const { answered } = await respondToOutbox({ outbox, inbox, seed: 42, rejectRate: 0 });

    expect(answered.map((a) => [a.request, a.accepted, a.rejected])).toEqual([['B.xml', 1, 1]]);
    expect(statuses(readFileSync(join(inbox, 'B.pain002.xml'), 'utf8'))).toEqual([
      ['LEAP-106-HH0000002', 'RJCT', 'AM05'],
      ['LEAP-106-HH0000003', 'ACSC', null],
    ]);
  });

  it('rejects a reference met again within a file as a duplicate (AM05), paying it once', async () => {
    const outbox = join(root, 'am05');
    mkdirSync(outbox);
    await request(join(outbox, 'A.xml'), 'SIKA-LEAP-106-EZWICH-001', [1, 2, 1, 3, 1]);

    const { answered } = await respondToOutbox({
      outbox,
      inbox: `${outbox}-in`,
      seed: 42,
      rejectRate: 0,
    });

    expect(answered).toEqual([
      {
        request: 'A.xml',
        response: 'A.pain002.xml',
        accepted: 3,
        rejected: 2,
        pending: 0,
        returned: 0,
        later: [],
      },
    ]);
    const xml = readFileSync(join(`${outbox}-in`, 'A.pain002.xml'), 'utf8');
    expect(statuses(xml)).toEqual([
      ['LEAP-106-HH0000001', 'ACSC', null],
      ['LEAP-106-HH0000002', 'ACSC', null],
      ['LEAP-106-HH0000001', 'RJCT', 'AM05'],
      ['LEAP-106-HH0000003', 'ACSC', null],
      ['LEAP-106-HH0000001', 'RJCT', 'AM05'],
    ]);
    expect(texts(xml, 'GrpSts')).toEqual(['PART']);
    expect(texts(xml, 'DtldNbOfTxs')).toEqual(['3', '2']);
    expect(texts(xml, 'DtldCtrlSum')).toEqual(['300.00', '200.00']);
  });

  it('rejects a whole file whose message id came before in another file (DU01)', async () => {
    const outbox = join(root, 'du01');
    mkdirSync(outbox);
    const inbox = `${outbox}-in`;
    await request(join(outbox, 'A.xml'), 'SIKA-LEAP-106-EZWICH-001', [1, 2, 3]);
    await respondToOutbox({ outbox, inbox, seed: 42, rejectRate: 0 });
    copyFileSync(join(outbox, 'A.xml'), join(outbox, 'B.xml'));
    await request(join(outbox, 'C.xml'), 'SIKA-LEAP-106-EZWICH-001', [4, 5]);
    await request(join(outbox, 'D.xml'), 'SIKA-LEAP-106-EZWICH-002', [6]);

    const { answered } = await respondToOutbox({ outbox, inbox, seed: 42, rejectRate: 0 });

    expect(answered.map((a) => [a.request, a.accepted, a.rejected])).toEqual([
      ['B.xml', 0, 3],
      ['C.xml', 0, 2],
      ['D.xml', 1, 0],
    ]);
    for (const name of ['B', 'C']) {
      const xml = readFileSync(join(inbox, `${name}.pain002.xml`), 'utf8');
      expect(texts(xml, 'OrgnlMsgId')).toEqual(['SIKA-LEAP-106-EZWICH-001']);
      expect(texts(xml, 'GrpSts')).toEqual(['RJCT']);
      expect(texts(xml, 'Cd')).toEqual(['DU01']);
      expect(xml).not.toContain('<TxInfAndSts>');
    }
    const first = readFileSync(join(inbox, 'A.pain002.xml'), 'utf8');
    expect(texts(first, 'GrpSts')).toEqual(['ACSC']);
  });

  it('answers a file again as itself when its answer was lost, not as a duplicate', async () => {
    const outbox = join(root, 'lost');
    mkdirSync(outbox);
    const inbox = `${outbox}-in`;
    await request(join(outbox, 'A.xml'), 'SIKA-LEAP-106-EZWICH-001', [1, 2]);
    await respondToOutbox({ outbox, inbox, seed: 42, rejectRate: 0 });
    rmSync(join(inbox, 'A.pain002.xml'));

    const { answered } = await respondToOutbox({ outbox, inbox, seed: 42, rejectRate: 0 });

    expect(answered.map((a) => [a.request, a.accepted, a.rejected])).toEqual([['A.xml', 2, 0]]);
  });
});
