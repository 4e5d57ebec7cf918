import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../shared/i18n/i18n.js';
import { catalogueProblems } from '../shared/i18n/catalogue-check.js';
import { cardCatalogueSources } from './card-messages.js';
import { es } from './card-messages-es.js';
import { ru } from './card-messages-ru.js';
import { ro } from './card-messages-ro.js';

const cardCatalogues = { en: cardCatalogueSources.en, es, ru, ro };
import { walletMessages } from './wallet/wallet-messages.js';

describe('the card’s texts', () => {
  it('exist for every key in English, Spanish, Russian and Romanian, with the same placeholders and every plural form', () => {
    expect(Object.keys(cardCatalogueSources).sort()).toEqual([...LANGUAGES].sort());
    expect(catalogueProblems(cardCatalogues)).toEqual([]);
  });

  it('of the wallet (coupons, gift certificates) are complete in the same four languages', () => {
    expect(Object.keys(walletMessages).sort()).toEqual([...LANGUAGES].sort());
    expect(catalogueProblems(walletMessages)).toEqual([]);
  });

  it('fetch each language as the card shows it', async () => {
    for (const language of ['es', 'ru', 'ro'] as const) {
      const source = cardCatalogueSources[language];
      expect(typeof source === 'function' ? await source() : source).toBe(cardCatalogues[language]);
    }
  });

  it('pick Russian and Romanian plural forms for points', () => {
    const points = (language: 'ru' | 'ro', count: number) => {
      const messages: Record<string, string> = cardCatalogues[language];
      const form = new Intl.PluralRules(language).select(count);
      return messages[`balance.points.${form}`]?.replace('{count}', String(count));
    };
    expect([1, 3, 5, 21].map((count) => points('ru', count))).toEqual([
      '1 балл',
      '3 балла',
      '5 баллов',
      '21 балл',
    ]);
    expect([1, 5, 20].map((count) => points('ro', count))).toEqual(['1 punct', '5 puncte', '20 de puncte']);
  });
});
