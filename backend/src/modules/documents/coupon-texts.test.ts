import type { CouponTerms } from '@regulars/contracts';
import { describe, expect, it } from 'vitest';
import { couponTermsText, couponValueText } from './coupon-texts.js';
import { DOCUMENT_LANGUAGES } from './document-texts.js';

const plain = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');

function makeTerms(overrides: Partial<CouponTerms> = {}): CouponTerms {
  return {
    name: 'Spring welcome',
    description: null,
    discount: { kind: 'percent', percent: 15 },
    conditions: {
      minBasketMinor: null,
      appliesTo: null,
      storeIds: [],
      tags: [],
      firstPurchaseOnly: false,
    },
    validity: { type: 'relative', daysFromIssue: 30, activationDelayDays: 0 },
    perMemberLimit: null,
    totalCap: null,
    usesPerCoupon: 1,
    stacking: { withCoupons: true, withRewards: true },
    codeFormat: { prefix: 'SPR', length: 13 },
    restoreOnRefund: true,
    currency: 'EUR',
    ...overrides,
  };
}

describe('coupon texts of printed coupons', () => {
  it('says what a coupon takes off in the language of the document', () => {
    const eur = { currency: 'EUR' } as const;
    expect(couponValueText({ kind: 'percent', percent: 15 }, { ...eur, language: 'en' })).toBe('15% off');
    expect(plain(couponValueText({ kind: 'percent', percent: 15 }, { ...eur, language: 'ru' }))).toBe(
      'Скидка 15 %',
    );
    expect(plain(couponValueText({ kind: 'fixed', amountMinor: 500 }, { ...eur, language: 'es' }))).toBe(
      '5,00 € de descuento',
    );
    expect(plain(couponValueText({ kind: 'fixed', amountMinor: 500 }, { ...eur, language: 'ro' }))).toBe(
      'Reducere 5,00 EUR',
    );
    expect(
      couponValueText(
        { kind: 'free_product', sku: 'ESP-01' },
        { ...eur, language: 'en', productName: 'Espresso' },
      ),
    ).toBe('Free Espresso');
    expect(couponValueText({ kind: 'free_product', sku: 'ESP-01' }, { ...eur, language: 'ro' })).toBe(
      'ESP-01 gratuit',
    );
  });

  it('lists every condition a customer must know, and none that does not apply', () => {
    expect(couponTermsText(makeTerms(), 'en')).toBe('');
    const strict = makeTerms({
      description: 'Come back within a month',
      conditions: {
        minBasketMinor: 1500,
        appliesTo: { skus: [], categories: ['coffee'] },
        storeIds: ['64b7f0c2a1b2c3d4e5f60718'],
        tags: ['vip'],
        firstPurchaseOnly: true,
      },
      perMemberLimit: 2,
      stacking: { withCoupons: false, withRewards: false },
    });
    expect(couponTermsText(strict, 'en')).toBe(
      'Come back within a month. Minimum basket €15.00. First purchase only. On selected products only. ' +
        'In selected stores only. For selected members only. At most 2 per customer. ' +
        'Cannot be combined with other coupons. Cannot be combined with rewards.',
    );
    expect(plain(couponTermsText(strict, 'ru'))).toContain('Минимальная сумма покупки 15,00 €.');
    for (const language of DOCUMENT_LANGUAGES)
      expect(couponTermsText(strict, language).split('. ')).toHaveLength(9);
    // An empty product list is the whole basket: no "selected products".
    expect(
      couponTermsText(
        makeTerms({ conditions: { ...strict.conditions, appliesTo: { skus: [], categories: [] } } }),
        'en',
      ),
    ).not.toContain('selected products');
  });
});
