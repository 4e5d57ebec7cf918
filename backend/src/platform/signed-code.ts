import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The QR payload printed on a coupon or a gift certificate: `RG1.<kind>.<code>.<mac>`, where `kind` is
 * `C` (coupon) or `G` (gift certificate), `code` the normalised code and `mac` 10 base32 characters of
 * an HMAC over kind and code. The desk trusts a scanned QR only when its MAC checks: a forged QR (a code
 * guessed and printed) is refused before any look-up. A code typed by hand has no MAC and goes through
 * the per-credential rate limit instead.
 */
export type SignedCodeKind = 'coupon' | 'giftCertificate';

const KIND_LETTER: Record<SignedCodeKind, string> = { coupon: 'C', giftCertificate: 'G' };
const PREFIX = 'RG1';
const MAC_LENGTH = 10;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * What a scanned text claims to be by its form alone (`RG1.C.…` a coupon, `RG1.G.…` a gift certificate),
 * before any MAC is checked; null for anything else (a typed code, a member card). The instrument's own
 * module reads and verifies it.
 */
export function claimedKind(text: string): SignedCodeKind | null {
  const [prefix, letter] = text.trim().toUpperCase().split('.');
  if (prefix !== PREFIX) return null;
  return (Object.keys(KIND_LETTER) as SignedCodeKind[]).find((k) => KIND_LETTER[k] === letter) ?? null;
}

export class SignedCodes {
  private readonly key: Buffer;

  /** `secret`: the server's secret (config.jwtSecret); the MAC key is derived from it for this purpose only. */
  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('regulars:signed-code:v1').digest();
  }

  /** The QR payload for a code (already normalised). */
  sign(kind: SignedCodeKind, code: string): string {
    return `${PREFIX}.${KIND_LETTER[kind]}.${code}.${this.mac(kind, code)}`;
  }

  /**
   * Reads a scan: `{ kind, code, signed: true }` for a QR payload whose MAC checks, `null` when the text is
   * not a signed payload at all (a typed code, a member card), and throws `ForgedCodeError` when it looks
   * like one but its MAC does not check.
   */
  read(text: string): { kind: SignedCodeKind; code: string } | null {
    const parts = text.trim().split('.');
    if (parts.length !== 4 || parts[0] !== PREFIX) return null;
    const [, letter, code, mac] = parts as [string, string, string, string];
    const kind = (Object.keys(KIND_LETTER) as SignedCodeKind[]).find((k) => KIND_LETTER[k] === letter);
    if (!kind || !code) throw new ForgedCodeError();
    const expected = Buffer.from(this.mac(kind, code));
    const given = Buffer.from(mac.toUpperCase());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ForgedCodeError();
    return { kind, code };
  }

  private mac(kind: SignedCodeKind, code: string): string {
    const digest = createHmac('sha256', this.key).update(`${KIND_LETTER[kind]}:${code}`).digest();
    let out = '';
    for (let i = 0; i < MAC_LENGTH; i += 1) out += BASE32[(digest[i] ?? 0) % 32];
    return out;
  }
}

/** A scanned QR that claims to be a Regulars code and whose MAC does not check. */
export class ForgedCodeError extends Error {
  constructor() {
    super('This QR code was not issued by this program (its signature does not match)');
  }
}
