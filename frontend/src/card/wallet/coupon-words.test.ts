import type { Coupon } from '@regulars/contracts';
import { describe, expect, it } from 'vitest';
import { walletTexts } from './wallet-messages.js';
import {
  couponConditions,
  couponExpiresSoon,
  couponGives,
  couponState,
  couponUsesLeft,
  couponValidity,
} from './coupon-words.js';

const t = walletTexts('en');

function makeCoupon(overrides: Partial<Coupon> = {}, terms: Partial<Coupon['terms']> = {}): Coupon {
  return {
    id: '665f00000000000000000001',
    code: 'ABCD-EFGH-JKMN-P',
    qrPayload: 'RG1.C.ABCDEFGHJKMNP.sig',
    templateId: '665f00000000000000000002',
    templateVersion: 1,
    label: 'Welcome back',
    kind: 'assigned',
    memberId: '665f00000000000000000003',
    status: 'active',
    uses: 0,
    maxUses: 1,
    validFrom: '2027-01-10T00:00:00.000Z',
    validUntil: '2027-02-10T00:00:00.000Z',
    issuedAt: '2027-01-01T00:00:00.000Z',
    issuedBy: { kind: 'assignment', batchId: null, ruleId: null, purchaseId: null, staffId: null },
    terms: {
      name: 'Welcome back',
      description: null,
      discount: { kind: 'percent', percent: 20 },
      conditions: { minBasketMinor: null, appliesTo: null, storeIds: [], tags: [], firstPurchaseOnly: false },
      validity: { type: 'relative', daysFromIssue: 30, activationDelayDays: 9 },
      perMemberLimit: null,
      totalCap: null,
      usesPerCoupon: 1,
      stacking: { withCoupons: false, withRewards: true },
      codeFormat: { prefix: '', length: 13 },
      restoreOnRefund: true,
      currency: 'EUR',
      ...terms,
    },
    ...overrides,
  };
}

const at = (iso: string) => Date.parse(iso);

describe('a coupon in the member’s words', () => {
  it('is usable inside its window, not yet before it, expired after it, used or withdrawn as the server says', () => {
    const coupon = makeCoupon();
    expect(couponState(coupon, at('2027-01-05T00:00:00Z'))).toBe('notYet');
    expect(couponState(coupon, at('2027-01-20T00:00:00Z'))).toBe('usable');
    expect(couponState(coupon, at('2027-02-10T00:00:00Z'))).toBe('expired');
    expect(couponState(makeCoupon({ status: 'used' }), at('2027-01-20T00:00:00Z'))).toBe('used');
    expect(couponState(makeCoupon({ status: 'voided' }), at('2027-01-20T00:00:00Z'))).toBe('voided');
    expect(couponState(makeCoupon({ status: 'expired' }), at('2027-01-20T00:00:00Z'))).toBe('expired');
  });

  it('says what it gives in the coupon’s currency, never in cents', () => {
    expect(couponGives(makeCoupon(), t, 'en')).toBe('20% off');
    expect(couponGives(makeCoupon({}, { discount: { kind: 'fixed', amountMinor: 500 } }), t, 'en')).toBe(
      '€5.00 off',
    );
    expect(
      couponGives(makeCoupon({}, { discount: { kind: 'free_product', sku: 'ESPRESSO' } }), t, 'en'),
    ).toBe('One product free');
  });

  it('lists the conditions a member can act on', () => {
    const coupon = makeCoupon(
      {},
      {
        conditions: {
          minBasketMinor: 1500,
          appliesTo: { skus: [], categories: ['coffee'] },
          storeIds: ['665f00000000000000000009'],
          tags: ['vip'],
          firstPurchaseOnly: true,
        },
      },
    );
    expect(couponConditions(coupon, t, 'en')).toEqual([
      'On a purchase of €15.00 or more',
      'On selected products',
      'At selected shops',
      'On your first purchase',
    ]);
    expect(couponConditions(makeCoupon(), t, 'en')).toEqual([]);
  });

  it('dates its validity and counts the uses left of a coupon good for several', () => {
    const coupon = makeCoupon({ maxUses: 3, uses: 1 });
    expect(couponValidity(coupon, 'usable', t, 'en')).toBe('Valid until Feb 10, 2027');
    expect(couponValidity(coupon, 'notYet', t, 'en')).toBe('From Jan 10, 2027 until Feb 10, 2027');
    expect(couponValidity(coupon, 'expired', t, 'en')).toBe('Expired on Feb 10, 2027');
    expect(couponValidity(coupon, 'used', t, 'en')).toBe('Used');
    expect(couponUsesLeft(coupon, 'usable', t)).toBe('2 uses left');
    expect(couponUsesLeft(makeCoupon(), 'usable', t)).toBeNull();
    expect(couponUsesLeft(coupon, 'used', t)).toBeNull();
  });
});

describe('a coupon about to expire', () => {
  const coupon = makeCoupon({ validUntil: '2027-02-10T00:00:00.000Z' });
  it('says how many days are left within the last week, rounded up, and nothing before', () => {
    expect(couponExpiresSoon(coupon, 'usable', at('2027-02-01T00:00:00Z'), t)).toBeNull();
    expect(couponExpiresSoon(coupon, 'usable', at('2027-02-03T00:00:00Z'), t)).toBe('Expires in 7 days');
    expect(couponExpiresSoon(coupon, 'usable', at('2027-02-07T12:00:00Z'), t)).toBe('Expires in 3 days');
    expect(couponExpiresSoon(coupon, 'usable', at('2027-02-09T01:00:00Z'), t)).toBe('Expires within a day');
  });

  it('says nothing for a coupon used, withdrawn or past its end', () => {
    const now = at('2027-02-08T00:00:00Z');
    expect(couponExpiresSoon(coupon, 'used', now, t)).toBeNull();
    expect(couponExpiresSoon(coupon, 'voided', now, t)).toBeNull();
    expect(couponExpiresSoon(coupon, 'expired', at('2027-02-11T00:00:00Z'), t)).toBeNull();
  });

  it('speaks the member’s language, plural forms included', () => {
    const now = at('2027-02-05T00:00:00Z');
    expect(couponExpiresSoon(coupon, 'usable', now, walletTexts('ru'))).toBe('Истекает через 5 дней');
    expect(couponExpiresSoon(coupon, 'usable', now, walletTexts('es'))).toBe('Caduca en 5 días');
    expect(couponExpiresSoon(coupon, 'usable', now, walletTexts('ro'))).toBe('Expiră în 5 zile');
  });
});
