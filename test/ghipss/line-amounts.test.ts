import { describe, expect, it } from 'vitest';
import { canonicalPesewas, lineAmount, PesewaTotal } from '../../src/ghipss/line-amounts.js';
import type { PaymentLine } from '../../src/ghipss/pain001-writer.js';

const line = (amount: string): PaymentLine => ({
  lineNo: 1,
  endToEndId: 'LEAP-106-HH0000001',
  amount,
  channel: 'ezwich',
  recipientName: 'Abena Mensah',
  beneficiaryRef: 'HH0000001',
  accountNumber: '7000000001',
  bankSortCode: null,
});

describe('canonicalPesewas', () => {
  it.each([
    ['320.00', 32000],
    ['0.01', 1],
    ['219.67', 21967],
    ['999999999999.99', 99999999999999],
  ])('reads %s as %d pesewas', (text, pesewas) => {
    expect(canonicalPesewas(text)).toBe(pesewas);
  });

  it.each([
    '320',
    '320.5',
    '320.005',
    '0320.00',
    '-1.00',
    '1e2.00',
    '32O.00',
    '.50',
    '1000000000000.00',
    '',
  ])('leaves %j to Decimal', (text) => {
    expect(canonicalPesewas(text)).toBe(-1);
  });
});

describe('lineAmount', () => {
  it.each([
    ['320.00', '320.00', 32000],
    ['320.5', '320.50', 32050],
    ['007.50', '7.50', 750],
    ['1e2', '100.00', 10000],
  ])('writes %s as %s', (amount, text, pesewas) => {
    expect(lineAmount(line(amount))).toEqual({ text, pesewas });
  });

  it.each(['0.00', '0', '-5.00', '320.005', 'abc'])('refuses %j', (amount) => {
    expect(lineAmount(line(amount))).toBeUndefined();
  });
});

describe('PesewaTotal', () => {
  it('stays exact to the pesewa past the largest exact plain integer', () => {
    const total = new PesewaTotal();
    // 100 amounts of 999,999,999,999.99: 99,999,999,999,999 pesewas each, 2^53 passed at the 91st.
    for (let i = 0; i < 100; i++) total.add(99_999_999_999_999);
    expect(total.toFixed2()).toBe('99999999999999.00');
    expect(total.equals('99999999999999.00')).toBe(true);
    expect(total.equals('99999999999998.99')).toBe(false);
  });

  it('writes small totals with two decimals', () => {
    const total = new PesewaTotal();
    total.add(5);
    expect(total.toFixed2()).toBe('0.05');
    total.add(32000);
    expect(total.toFixed2()).toBe('320.05');
  });
});
