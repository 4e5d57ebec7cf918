import { describe, expect, it } from 'vitest';
import { base32Decode, cardQrPayload, hotp, msUntilNextStep, totp } from './totp.js';

const rfcSecret = new TextEncoder().encode('12345678901234567890');

describe('totp (RFC 6238, HMAC-SHA1)', () => {
  // Appendix B of RFC 6238, the SHA-1 rows (8 digits).
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('gives the RFC test vector at T=%i', (seconds, expected) => {
    expect(totp({ secret: rfcSecret, timeMs: seconds * 1000, digits: 8 })).toBe(expected);
  });

  it('gives the RFC 4226 HOTP values for counters 0 and 9 (6 digits)', () => {
    expect(hotp(rfcSecret, 0)).toBe('755224');
    expect(hotp(rfcSecret, 9)).toBe('520489');
  });

  it('keeps the same code within a 30-second step and changes it at the boundary', () => {
    const start = 1_700_000_010_000 - (1_700_000_010_000 % 30_000);
    const code = totp({ secret: rfcSecret, timeMs: start });
    expect(totp({ secret: rfcSecret, timeMs: start + 29_999 })).toBe(code);
    expect(totp({ secret: rfcSecret, timeMs: start + 30_000 })).not.toBe(code);
    expect(msUntilNextStep(start + 1_000)).toBe(29_000);
  });
});

describe('base32Decode', () => {
  it('decodes the RFC 4648 vectors, ignoring case and padding', () => {
    expect(new TextDecoder().decode(base32Decode('MZXW6YTBOI======'))).toBe('foobar');
    expect(new TextDecoder().decode(base32Decode('mzxw6'))).toBe('foo');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toEqual(rfcSecret);
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => base32Decode('MZ1W')).toThrow(/base32/);
  });
});

describe('cardQrPayload', () => {
  it('builds RGL1:<cardNumber>:<code>', () => {
    expect(cardQrPayload('123456789012', '004211')).toBe('RGL1:123456789012:004211');
  });
});
