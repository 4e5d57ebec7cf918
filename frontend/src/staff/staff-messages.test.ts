import { describe, expect, it } from 'vitest';
import { staffCatalogues, staffPartialCatalogues, type StaffMessageKey } from './staff-messages.js';

// The texts of the stacking modes, of cancelling a redemption and of the Webhooks screens exist in all four
// languages.
const FOUR_LANGUAGE_KEYS = Object.keys(staffCatalogues.en).filter(
  (key) =>
    key.startsWith('rules.stacking.') ||
    key.startsWith('desk.cancelRedemption.') ||
    key.startsWith('error.redemption') ||
    key.startsWith('webhooks.') ||
    key.startsWith('desk.checkout.') ||
    key.startsWith('desk.receipt.') ||
    key.startsWith('error.checkout') ||
    key === 'error.instrumentNotApplicable' ||
    key === 'nav.webhooks',
) as StaffMessageKey[];

describe('staff texts', () => {
  it('have the stacking modes, the redemption cancel and the webhooks screens in English, Spanish, Russian and Romanian', () => {
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
