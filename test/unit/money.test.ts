import { describe, expect, it } from 'vitest';
import {
  formatCedi,
  money,
  MoneyFormatError,
  moneyEquals,
  parseMoney,
  sum,
  toAmountString,
} from '../../src/money.js';

describe('money', () => {
  it.each([
    ['1234.5', '1234.50'],
    ['1,234.56', '1234.56'],
    ['GH¢ 1,234.56', '1234.56'],
    ['GHS 0.01', '0.01'],
    ['-12', '-12.00'],
    ['150162434.00', '150162434.00'],
  ])('parses %s as %s', (input, expected) => {
    expect(toAmountString(parseMoney(input))).toBe(expected);
  });

  it.each(['', 'abc', '1.234', '1e5', '12.', 'NaN', '1.2.3'])('refuses "%s"', (input) => {
    expect(() => parseMoney(input)).toThrow(MoneyFormatError);
  });

  it('adds a million pesewas without drift', () => {
    const total = sum(Array.from({ length: 1_000_000 }, () => parseMoney('0.01')));
    expect(toAmountString(total)).toBe('10000.00');
  });

  it('adds 0.1 and 0.2 exactly, unlike a float', () => {
    expect(moneyEquals(parseMoney('0.1').plus(parseMoney('0.2')), parseMoney('0.30'))).toBe(true);
  });

  it.each([
    ['1234.56', 'GH¢ 1,234.56'],
    ['0', 'GH¢ 0.00'],
    ['150162434', 'GH¢ 150,162,434.00'],
    ['-64.5', '-GH¢ 64.50'],
    ['999.995', 'GH¢ 1,000.00'],
  ])('formats %s as %s', (input, expected) => {
    expect(formatCedi(money(input))).toBe(expected);
  });

  it('refuses a fractional JavaScript number as money', () => {
    expect(() => money(0.1)).toThrow(MoneyFormatError);
  });
});
