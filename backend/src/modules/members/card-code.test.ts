import { describe, expect, it } from 'vitest';
import { base32Decode, formatCardPayload, hotp, matchTotp, parseCardPayload, totp } from './card-code.js';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('card codes (RFC 6238 TOTP)', () => {
  it('decodes base32 to the RFC seed', () => {
    expect(base32Decode(RFC_SECRET).toString('ascii')).toBe('12345678901234567890');
  });

  it('matches the RFC 4226 HOTP test values', () => {
    expect(hotp(RFC_SECRET, 0)).toBe('755224');
    expect(hotp(RFC_SECRET, 1)).toBe('287082');
    expect(hotp(RFC_SECRET, 9)).toBe('520489');
  });

  it('matches the RFC 6238 TOTP test vectors (last 6 digits of the 8-digit values)', () => {
    expect(totp(RFC_SECRET, 59_000)).toBe('287082');
    expect(totp(RFC_SECRET, 1_111_111_109_000)).toBe('081804');
    expect(totp(RFC_SECRET, 1_234_567_890_000)).toBe('005924');
    expect(totp(RFC_SECRET, 20_000_000_000_000)).toBe('353130');
  });

  it('accepts the previous and next step but not two steps away', () => {
    const now = 1_700_000_000_000;
    const code = totp(RFC_SECRET, now);
    expect(matchTotp(RFC_SECRET, code, now + 30_000)).not.toBeNull();
    expect(matchTotp(RFC_SECRET, code, now - 30_000)).not.toBeNull();
    expect(matchTotp(RFC_SECRET, code, now + 61_000)).toBeNull();
    expect(matchTotp(RFC_SECRET, '12345', now)).toBeNull();
  });

  it('formats and parses the QR payload', () => {
    expect(parseCardPayload(formatCardPayload('123456789012', '000123'))).toEqual({
      cardNumber: '123456789012',
      code: '000123',
    });
    expect(parseCardPayload('RGL2:123456789012:000123')).toBeNull();
    expect(parseCardPayload('123456789012')).toBeNull();
  });
});
