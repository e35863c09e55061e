import { describe, expect, it } from 'vitest';
import { ageOn, isIsoDate } from '../../src/enrolment/validate.js';

describe('dates in input files', () => {
  it('accepts only real calendar days from 1900 on', () => {
    const days = [
      '2020-02-29',
      '2019-02-29',
      '2000-02-29',
      '1900-02-29',
      '1900-01-01',
      '1899-12-31',
      '2026-04-31',
      '2026-12-31',
      '2026-00-10',
      '2026-01-00',
      '2026-1-05',
      ' 2026-01-05',
    ];
    expect(days.filter(isIsoDate)).toEqual([
      '2020-02-29',
      '2000-02-29',
      '1900-01-01',
      '2026-12-31',
    ]);
  });

  it('counts whole years, a birthday counting on the day', () => {
    expect(ageOn('1961-12-01', '2026-12-01')).toBe(65);
    expect(ageOn('1961-12-02', '2026-12-01')).toBe(64);
    expect(ageOn('2008-12-01', '2026-12-01')).toBe(18);
    expect(ageOn('2008-12-02', '2026-12-01')).toBe(17);
    expect(ageOn('2000-02-29', '2026-02-28')).toBe(25);
    expect(ageOn('2000-02-29', '2026-03-01')).toBe(26);
  });
});
