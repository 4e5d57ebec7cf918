// The words for a coupon's terms (its discount and validity), shared by the Coupons screen, the rules
// designer's template picker and the member page. Amounts through the shared money format, never cents.
import type { CouponDiscount, CouponTerms } from '@regulars/contracts';
import { formatDate, formatMoney } from '../../shared/format.js';
import type { StaffT } from '../staff-i18n.js';

/** "10% off", "€5.00 off", "A free unit of ESP-01". */
export function describeDiscount(
  discount: CouponDiscount,
  currency: string,
  t: StaffT,
  language: string,
): string {
  if (discount.kind === 'percent') return t('coupons.discount.percentOff', { percent: discount.percent });
  if (discount.kind === 'fixed')
    return t('coupons.discount.fixedOff', { amount: formatMoney(discount.amountMinor, currency, language) });
  return t('coupons.discount.freeProductOf', { sku: discount.sku });
}

/** "1 Mar 2027 – 31 Mar 2027", or "30 days from issue" (after a delay, when there is one). */
export function describeValidity(validity: CouponTerms['validity'], t: StaffT, language: string): string {
  if (validity.type === 'window')
    return t('coupons.validity.windowRange', {
      from: formatDate(validity.startsAt, language),
      until: formatDate(validity.endsAt, language),
    });
  return validity.activationDelayDays > 0
    ? t('coupons.validity.relativeDelayed', {
        days: validity.daysFromIssue,
        delay: validity.activationDelayDays,
      })
    : t('coupons.validity.relativePlain', { days: validity.daysFromIssue });
}
