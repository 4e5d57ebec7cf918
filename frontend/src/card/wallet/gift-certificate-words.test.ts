import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../../shared/api/errors.js';
import { claimError } from './gift-certificate-words.js';
import { walletTexts } from './wallet-messages.js';

const refused = (status: number, code: string, details?: unknown) =>
  new ApiError({ status, code, message: 'server words, never shown', details });

describe('why the card could not add a gift certificate', () => {
  const t = walletTexts('en');

  it('names each refusal in the member’s words', () => {
    expect(claimError(refused(404, 'GIFT_CERTIFICATE_NOT_FOUND'), t)).toBe(
      'No gift certificate has this code. Check it for a typo.',
    );
    expect(claimError(refused(409, 'GIFT_CERTIFICATE_CLAIMED'), t)).toBe(
      'This gift certificate is already on another card.',
    );
    expect(claimError(refused(422, 'GIFT_CERTIFICATE_EXPIRED'), t)).toBe(
      'This gift certificate has expired.',
    );
    expect(claimError(refused(422, 'QR_SIGNATURE_INVALID'), t)).toBe(
      'This code was not issued by this shop.',
    );
    expect(claimError(refused(400, 'VALIDATION_FAILED'), t)).toBe(
      'This does not look like a gift certificate code.',
    );
    expect(claimError(new NetworkError(new Error('offline')), t)).toBe(
      'No connection: adding a gift certificate needs the internet.',
    );
    expect(claimError(refused(500, 'INTERNAL'), t)).toBe(
      'The gift certificate could not be added. Try again.',
    );
  });

  it('says how long to wait after too many wrong codes, in the language’s plural', () => {
    expect(claimError(refused(429, 'RATE_LIMITED', { retryAfterSeconds: 42 }), t)).toBe(
      'Too many tries. Try again in 42 seconds.',
    );
    expect(claimError(refused(429, 'RATE_LIMITED', { retryAfterSeconds: 1 }), t)).toBe(
      'Too many tries. Try again in 1 second.',
    );
    expect(claimError(refused(429, 'RATE_LIMITED', { retryAfterSeconds: 5 }), walletTexts('ru'))).toBe(
      'Слишком много попыток. Попробуйте снова через 5 секунд.',
    );
  });
});
