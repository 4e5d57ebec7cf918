import { describe, expect, it } from 'vitest';
import { walletMessages, walletTexts } from './wallet-messages.js';

const placeholders = (text: string | undefined) => (text?.match(/\{\w+\}/g) ?? []).sort();
const english: Record<string, string> = walletMessages.en;

describe('the wallet’s texts on the card', () => {
  it('exist in English, Spanish, Russian and Romanian', () => {
    const keys = Object.keys(walletMessages.en);
    expect(keys.length).toBeGreaterThanOrEqual(20);
    for (const [language, messages] of Object.entries(walletMessages)) {
      for (const key of keys) expect(messages[key], `${language} ${key}`).toBeTruthy();
    }
  });

  it('keep the placeholders of the English text in every language, plural forms included', () => {
    for (const [language, messages] of Object.entries(walletMessages)) {
      for (const [key, text] of Object.entries(messages)) {
        const source = english[key] ?? english[key.replace(/\.(zero|two|few|many)$/, '.other')];
        expect(source, `${language} ${key} has no English text`).toBeDefined();
        expect(placeholders(text), `${language} ${key}`).toEqual(placeholders(source));
      }
    }
  });

  it('give every plural form each language needs for the counts a card shows', () => {
    for (const [language, messages] of Object.entries(walletMessages)) {
      const rules = new Intl.PluralRules(language);
      const forms = new Set(Array.from({ length: 200 }, (_, count) => rules.select(count)));
      for (const key of ['coupons.usesLeft', 'coupons.expiresInDays', 'giftCertificates.error.rateLimited'])
        for (const form of forms)
          expect(messages[`${key}.${form}`], `${language} ${key} ${form}`).toBeTruthy();
    }
  });

  it('pick the plural form of the language and fall back to English for an unknown language', () => {
    expect(walletTexts('ru').plural('coupons.usesLeft', 5)).toBe('Осталось 5 использований');
    expect(walletTexts('ru').plural('coupons.usesLeft', 2)).toBe('Осталось 2 использования');
    expect(walletTexts('ro').plural('coupons.usesLeft', 20)).toBe('Mai aveți 20 de utilizări');
    expect(walletTexts('fr')('coupons.validUntil', { date: '1 mars' })).toBe('Valid until 1 mars');
  });
});
