// RFC 6238 TOTP with HMAC-SHA1, computed on the phone so that the card works offline. WebCrypto's
// `subtle` is missing on plain-http LAN origins, hence @noble/hashes.
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored). */
export function base32Decode(input: string): Uint8Array {
  const clean = input.toUpperCase().replace(/[\s=]/g, '');
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value < 0) throw new Error(`not a base32 character: ${char}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >>> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** RFC 4226 HOTP of `counter` with HMAC-SHA1, as a zero-padded string of `digits` digits. */
export function hotp(secret: Uint8Array, counter: number, digits = 6): string {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = hmac(sha1, secret, message);
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const TOTP_STEP_SECONDS = 30;

/** RFC 6238 TOTP at `timeMs` (30-second steps from the Unix epoch). */
export function totp(input: {
  secret: Uint8Array;
  timeMs: number;
  digits?: number;
  stepSeconds?: number;
}): string {
  const step = input.stepSeconds ?? TOTP_STEP_SECONDS;
  return hotp(input.secret, Math.floor(input.timeMs / 1000 / step), input.digits ?? 6);
}

/** Milliseconds until the code shown at `timeMs` changes. */
export function msUntilNextStep(timeMs: number, stepSeconds = TOTP_STEP_SECONDS): number {
  const stepMs = stepSeconds * 1000;
  return stepMs - (timeMs % stepMs);
}

/** The QR payload a cashier scans: `RGL1:<cardNumber>:<code>`. */
export function cardQrPayload(cardNumber: string, code: string): string {
  return `RGL1:${cardNumber}:${code}`;
}
