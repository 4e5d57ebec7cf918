import type { CheckoutOffer } from '@regulars/contracts';
import type { Checkout } from './checkout.model.js';
import type { WalletCandidate } from './instrument-port.js';

/**
 * The gift certificates of the member's wallet as offers at the till: each pays as much of what is left
 * as is available on it. One already tendered in this checkout, or in another currency, is not offered.
 */
export function certificateOffers(
  checkout: Pick<Checkout, 'applied' | 'currency'>,
  toPayMinor: number,
  candidates: readonly WalletCandidate[],
): CheckoutOffer[] {
  const offers: CheckoutOffer[] = [];
  for (const candidate of candidates) {
    const stored = candidate.storedValue;
    if (!stored || stored.currency !== checkout.currency) continue;
    if (checkout.applied.some((a) => a.type === 'giftCertificate' && a.refId?.equals(candidate.refId)))
      continue;
    const amountMinor = Math.max(0, Math.min(stored.availableMinor, toPayMinor));
    offers.push({
      type: 'giftCertificate',
      rewardId: null,
      stampRewardId: null,
      couponId: null,
      giftCertificate: {
        id: candidate.refId.toHexString(),
        last4: stored.last4,
        availableMinor: stored.availableMinor,
      },
      minBasketMinor: null,
      label: candidate.label,
      kind: 'stored_value',
      points: 0,
      amountMinor,
      isApplicable: amountMinor > 0,
      reason: amountMinor > 0 ? 'IN_WALLET' : 'NOTHING_TO_PAY',
      missingPoints: 0,
      sku: null,
      expiresAt: candidate.expiresAt?.toISOString() ?? null,
    });
  }
  return offers;
}
