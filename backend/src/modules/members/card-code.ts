import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The QR card code: an RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30-second step) computed on the member's
 * phone from the card secret, so the card works offline. The QR payload is `RGL1:<cardNumber>:<code>`.
 * Pure functions of (secret, time): the card PWA implements the same steps with WebCrypto.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const CARD_PAYLOAD_PREFIX = 'RGL1';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as authenticator apps read TOTP secrets. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored). */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not a base32 character: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The TOTP time step (counter) of an instant. */
export function totpCounter(at: Date | number): number {
  return Math.floor(new Date(at).getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** RFC 4226 HOTP value for a counter, as a zero-padded 6-digit string. */
export function hotp(secretBase32: string, counter: number): string {
  const message = Buffer.alloc(8);
  // Counters fit in 53 bits; write the high and low 32-bit halves big-endian.
  message.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  message.writeUInt32BE(counter >>> 0, 4);
  const digest = createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

/** The TOTP code shown at an instant. */
export function totp(secretBase32: string, at: Date | number): string {
  return hotp(secretBase32, totpCounter(at));
}

/**
 * The counter whose code matches, trying the current step and `window` steps either side (clock drift
 * between phone and server), or null.
 */
export function matchTotp(secretBase32: string, code: string, at: Date | number, window = 1): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpCounter(at);
  const given = Buffer.from(code);
  for (let delta = -window; delta <= window; delta += 1) {
    const expected = Buffer.from(hotp(secretBase32, current + delta));
    if (timingSafeEqual(expected, given)) return current + delta;
  }
  return null;
}

/** `RGL1:<cardNumber>:<code>`. */
export function formatCardPayload(cardNumber: string, code: string): string {
  return `${CARD_PAYLOAD_PREFIX}:${cardNumber}:${code}`;
}

/** Reads a scanned QR payload; null when the text is not one. */
export function parseCardPayload(payload: string): { cardNumber: string; code: string } | null {
  const match = /^RGL1:(\d{12}):(\d{6})$/.exec(payload.trim());
  if (!match) return null;
  return { cardNumber: match[1] ?? '', code: match[2] ?? '' };
}
