import { describe, expect, it } from 'vitest';
import { staffCatalogues, staffPartialCatalogues, type StaffMessageKey } from './staff-messages.js';

// The texts of the stacking modes, of cancelling a redemption, of the Webhooks screens and of the desk (its
// store, enrolling, the duplicate-sale question, the member's history) exist in all four languages.
const FOUR_LANGUAGE_KEYS = Object.keys(staffCatalogues.en).filter(
  (key) =>
    key.startsWith('rules.stacking.') ||
    key.startsWith('desk.cancelRedemption.') ||
    key.startsWith('error.redemption') ||
    key.startsWith('webhooks.') ||
    key.startsWith('coupons.') ||
    key.startsWith('members.coupons.') ||
    key.startsWith('rules.effects.coupon') ||
    key === 'nav.coupons' ||
    key.startsWith('gift.') ||
    key.startsWith('members.giftCertificates.') ||
    key === 'nav.giftCertificates' ||
    key.startsWith('desk.checkout.') ||
    key.startsWith('desk.code.') ||
    key.startsWith('desk.walkIn.') ||
    key.startsWith('desk.sellCertificate.') ||
    key.startsWith('desk.soldCertificates.') ||
    key.startsWith('desk.balance.') ||
    key.startsWith('error.coupon') ||
    key.startsWith('error.giftCertificate') ||
    key === 'error.codeNotFound' ||
    key.startsWith('error.minBasket') ||
    key === 'error.notApplicableToItems' ||
    key === 'error.qrSignatureInvalid' ||
    key.startsWith('desk.receipt.') ||
    key.startsWith('error.checkout') ||
    key === 'error.instrumentNotApplicable' ||
    key === 'nav.webhooks' ||
    key.startsWith('desk.store.') ||
    key.startsWith('desk.enrol.') ||
    key.startsWith('desk.duplicate.') ||
    key.startsWith('desk.history.') ||
    key.startsWith('desk.apply.') ||
    key.startsWith('ledger.type.') ||
    ['error.memberExists', 'error.storeMismatch'].includes(key),
) as StaffMessageKey[];

describe('staff texts', () => {
  it('have the stacking modes, the redemption cancel, the webhooks screens and the desk in English, Spanish, Russian and Romanian', () => {
    expect(FOUR_LANGUAGE_KEYS.length).toBeGreaterThanOrEqual(22);
    for (const key of FOUR_LANGUAGE_KEYS) {
      for (const [language, messages] of Object.entries({ ...staffCatalogues, ...staffPartialCatalogues })) {
        expect(messages[key], `${language} ${key}`).toBeTruthy();
      }
    }
  });

  it('keep the placeholders of the English text in every language', () => {
    for (const key of FOUR_LANGUAGE_KEYS) {
      const placeholders = (staffCatalogues.en[key].match(/\{\w+\}/g) ?? []).sort();
      for (const messages of [staffCatalogues.es, staffPartialCatalogues.ru, staffPartialCatalogues.ro]) {
        expect((messages[key]?.match(/\{\w+\}/g) ?? []).sort(), key).toEqual(placeholders);
      }
    }
  });
});
