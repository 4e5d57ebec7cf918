// A coupon in the member's words: what it gives, on what, and when it can be used. Built from the terms
// the coupon was issued with; amounts in the coupon's currency, dates in the member's language.
import type { Coupon } from '@regulars/contracts';
import { formatDate, formatMoney } from '../../shared/format.js';
import type { WalletTexts as Texts } from './wallet-messages.js';

/** Where the coupon stands for the member at `now`. */
export type CouponState = 'usable' | 'notYet' | 'used' | 'expired' | 'voided';

export function couponState(coupon: Coupon, now: number): CouponState {
  if (coupon.status === 'used') return 'used';
  if (coupon.status === 'voided') return 'voided';
  if (coupon.status === 'expired' || Date.parse(coupon.validUntil) <= now) return 'expired';
  if (Date.parse(coupon.validFrom) > now) return 'notYet';
  return 'usable';
}

/** "20% off", "€5.00 off", "One product free". */
export function couponGives(coupon: Coupon, t: Texts, language: string): string {
  const { discount, currency } = coupon.terms;
  switch (discount.kind) {
    case 'percent':
      return t('coupons.percentOff', {
        percent: new Intl.NumberFormat(language, { style: 'percent' }).format(discount.percent / 100),
      });
    case 'fixed':
      return t('coupons.amountOff', { amount: formatMoney(discount.amountMinor, currency, language) });
    case 'free_product':
      return t('coupons.freeProduct');
  }
}

/** The conditions a member can act on: a minimum purchase, some products or shops, the first purchase. */
export function couponConditions(coupon: Coupon, t: Texts, language: string): string[] {
  const { conditions, currency } = coupon.terms;
  const lines: string[] = [];
  if (conditions.minBasketMinor !== null)
    lines.push(
      t('coupons.minBasket', { amount: formatMoney(conditions.minBasketMinor, currency, language) }),
    );
  if (conditions.appliesTo && (conditions.appliesTo.skus.length || conditions.appliesTo.categories.length))
    lines.push(t('coupons.someItems'));
  if (conditions.storeIds.length) lines.push(t('coupons.someStores'));
  if (conditions.firstPurchaseOnly) lines.push(t('coupons.firstPurchase'));
  return lines;
}

/** "Valid until 31 Jan 2027", "From 3 Feb 2027 until 3 Mar 2027", "Used", "Expired on 1 Jan 2027". */
export function couponValidity(coupon: Coupon, state: CouponState, t: Texts, language: string): string {
  const until = formatDate(coupon.validUntil, language);
  switch (state) {
    case 'usable':
      return t('coupons.validUntil', { date: until });
    case 'notYet':
      return t('coupons.validFrom', { date: formatDate(coupon.validFrom, language), until });
    case 'used':
      return t('coupons.used');
    case 'expired':
      return t('coupons.expired', { date: until });
    case 'voided':
      return t('coupons.voided');
  }
}

/** "2 uses left" for a coupon good for several uses; nothing for a single-use one. */
export function couponUsesLeft(coupon: Coupon, state: CouponState, t: Texts): string | null {
  if (coupon.maxUses <= 1 || (state !== 'usable' && state !== 'notYet')) return null;
  return t.plural('coupons.usesLeft', coupon.maxUses - coupon.uses);
}

/** How close to its end a coupon is said to expire soon. */
export const EXPIRES_SOON_DAYS = 7;
const DAY_MS = 24 * 3600_000;

/**
 * "Expires in 3 days" for a coupon still to use that ends within a week (whole days left, rounded up: the
 * last day reads "Expires within a day"); null otherwise.
 */
export function couponExpiresSoon(coupon: Coupon, state: CouponState, now: number, t: Texts): string | null {
  if (state !== 'usable' && state !== 'notYet') return null;
  const days = Math.ceil((Date.parse(coupon.validUntil) - now) / DAY_MS);
  if (days < 1 || days > EXPIRES_SOON_DAYS) return null;
  return days === 1 ? t('coupons.expiresWithinDay') : t.plural('coupons.expiresInDays', days);
}
