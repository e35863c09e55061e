import { describe, expect, it } from 'vitest';
import { SikaError } from '../../src/errors.js';
import { isValidEndToEndId, leapEndToEndId, lipwEndToEndId } from '../../src/payroll/references.js';

describe('payment references', () => {
  it.each([
    ['LEAP-106-HH0012345', true],
    ['LIPW-20261102-WK0000421', true],
    ['A'.repeat(35), true],
    ['A'.repeat(36), false],
    ['LEAP-106-HH 0012345', false],
    ['LEAP/106/HH0012345', false],
    ['LEAP-106-HHƐ012345', false],
    ['', false],
  ])('judges %s usable as an EndToEndId: %s', (id, ok) => {
    expect(isValidEndToEndId(id)).toBe(ok);
  });

  it('forms LEAP and LIPW references from programme, period and beneficiary', () => {
    expect(leapEndToEndId(106, 'HH0012345')).toBe('LEAP-106-HH0012345');
    expect(lipwEndToEndId('2026-11-02', 'WK0000421')).toBe('LIPW-20261102-WK0000421');
  });

  it('refuses to form a reference that is not usable', () => {
    expect(() => leapEndToEndId(106, 'HH0012345-EXTRA-LONG-REFERENCE')).toThrow(SikaError);
  });
});
