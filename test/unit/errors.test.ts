import { describe, expect, it } from 'vitest';
import { ErrorCodes, SikaError, exitCodeFor } from '../../src/errors.js';

describe('error codes', () => {
  it('gives a role refusal its own exit code, apart from the four-eyes refusal', () => {
    expect(ErrorCodes.ROLE_NOT_ALLOWED).toEqual({ exit: 79, http: 403 });
    expect(ErrorCodes.FOUR_EYES).toEqual({ exit: 77, http: 403 });
    expect(exitCodeFor(new SikaError('ROLE_NOT_ALLOWED', 'no'))).toBe(79);
    expect(exitCodeFor(new SikaError('FOUR_EYES', 'no'))).toBe(77);
  });
});
