import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ForgedCodeError, SignedCodes } from '../../platform/signed-code.js';
import { DEFAULT_CODE_LENGTH, generateCode, isWellFormed, normaliseCode } from '../coupons/coupon-code.js';

/** Gift certificate codes: 13 random characters from the CSPRNG (64 bits) and the check character. */
export const GIFT_CERTIFICATE_CODE_FORMAT = { prefix: '', length: DEFAULT_CODE_LENGTH };

/** What a typed or scanned text is: a well-formed certificate code, or nothing that can be one. */
export type ReadCode = { kind: 'code'; code: string } | { kind: 'forged' } | { kind: 'malformed' };

/**
 * The secrets of certificate codes, each under its own key derived from the server secret: the keyed
 * hash that finds a certificate by its code (HMAC-SHA256; a stolen database gives no code), and the
 * AES-256-GCM encryption of the code of a certificate claimed into a wallet (the card draws its QR).
 */
export class GiftCertificateCodes {
  private readonly hashKey: Buffer;
  private readonly encryptionKey: Buffer;
  readonly signed: SignedCodes;

  constructor(secret: string) {
    this.hashKey = derive(secret, 'regulars:gift-certificate:code-hash:v1');
    this.encryptionKey = derive(secret, 'regulars:gift-certificate:code-encryption:v1');
    this.signed = new SignedCodes(secret);
  }

  generate(): string {
    return generateCode(GIFT_CERTIFICATE_CODE_FORMAT);
  }

  hash(code: string): string {
    return createHmac('sha256', this.hashKey).update(code).digest('base64url');
  }

  /** The QR payload to print or show: the code with its MAC. */
  qrPayload(code: string): string {
    return this.signed.sign('giftCertificate', code);
  }

  /**
   * A typed code (any case, spaces, hyphens) or a scanned QR payload, as the normalised code it names.
   * A QR whose MAC does not check is `forged`; a coupon's QR or a text that fails the check character is
   * `malformed` (never looked up).
   */
  read(text: string): ReadCode {
    let code: string;
    try {
      const scanned = this.signed.read(text);
      if (scanned && scanned.kind !== 'giftCertificate') return { kind: 'malformed' };
      code = scanned ? scanned.code : normaliseCode(text);
    } catch (error) {
      if (error instanceof ForgedCodeError) return { kind: 'forged' };
      throw error;
    }
    return isWellFormed(code) ? { kind: 'code', code } : { kind: 'malformed' };
  }

  /** `iv.tag.ciphertext`; the certificate id is authenticated with it, so a value moved to another row fails. */
  encrypt(code: string, certificateId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(certificateId));
    const ciphertext = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
  }

  decrypt(value: string, certificateId: string): string {
    const [iv, tag, ciphertext] = value.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !ciphertext)
      throw new Error(`gift certificate ${certificateId}: broken encrypted code`);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
    decipher.setAAD(Buffer.from(certificateId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }
}

function derive(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose).digest();
}
