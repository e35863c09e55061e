import { describe, expect, it } from 'vitest';
import { leapCyclePeriod } from '../../src/reference/leap-cycles.js';

describe('LEAP cycle numbering', () => {
  it.each([
    [39, '2015-09-01', '2015-10-31', 'Sep-Oct 2015'],
    [89, '2024-01-01', '2024-02-29', 'Jan-Feb 2024'],
    [94, '2024-11-01', '2024-12-31', 'Nov-Dec 2024'],
    [98, '2025-07-01', '2025-08-31', 'Jul-Aug 2025'],
    [106, '2026-11-01', '2026-12-31', 'Nov-Dec 2026'],
    [107, '2027-01-01', '2027-02-28', 'Jan-Feb 2027'],
  ])('cycle %i covers %s to %s (%s)', (cycle, start, end, label) => {
    expect(leapCyclePeriod(cycle)).toEqual({ cycle, start, end, label });
  });

  it.each([0, -1, 1.5])('refuses %s', (n) => {
    expect(() => leapCyclePeriod(n)).toThrow(RangeError);
  });
});
