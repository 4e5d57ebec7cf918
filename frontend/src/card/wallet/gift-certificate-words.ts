import { ApiError, NetworkError } from '../../shared/api/errors.js';
import type { WalletTexts } from './wallet-messages.js';

/** Why a claim was refused, in the member's words. */
export function claimError(error: unknown, t: WalletTexts): string {
  if (error instanceof NetworkError) return t('giftCertificates.error.network');
  if (!(error instanceof ApiError)) return t('giftCertificates.error.other');
  switch (error.code) {
    case 'GIFT_CERTIFICATE_NOT_FOUND':
      return t('giftCertificates.error.notFound');
    case 'GIFT_CERTIFICATE_CLAIMED':
      return t('giftCertificates.error.claimed');
    case 'GIFT_CERTIFICATE_EXPIRED':
      return t('giftCertificates.error.expired');
    case 'QR_SIGNATURE_INVALID':
      return t('giftCertificates.error.forged');
    case 'VALIDATION_FAILED':
      return t('giftCertificates.error.invalid');
    case 'RATE_LIMITED': {
      const details = error.details as { retryAfterSeconds?: unknown } | null;
      const seconds = typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : 60;
      return t.plural('giftCertificates.error.rateLimited', seconds);
    }
    default:
      return t('giftCertificates.error.other');
  }
}
