import { describe, expect, it } from 'vitest';
import { catalogueProblems } from '../i18n/catalogue-check.js';
import { describeAhead, sandboxCatalogues, sandboxText } from './sandbox-messages.js';

describe('the sandbox texts', () => {
  it('exist in English, Spanish, Russian and Romanian', () => {
    const english = Object.keys(sandboxCatalogues.en);
    for (const [language, messages] of Object.entries(sandboxCatalogues)) {
      for (const key of english) expect(messages[key], `${language} ${key}`).toBeTruthy();
      // Every plural form the language uses is there.
      const rules = new Intl.PluralRules(language);
      const forms = new Set(Array.from({ length: 1000 }, (_, n) => rules.select(n)));
      for (const base of new Set(english.filter((k) => k.endsWith('.other')).map((k) => k.slice(0, -6)))) {
        for (const form of forms) {
          expect(messages[`${base}.${form}`] ?? null, `${language} ${base}.${form}`).not.toBeNull();
        }
      }
    }
    expect(catalogueProblems(sandboxCatalogues)).toEqual([]);
  });

  it('says how far ahead the clock is in the largest whole unit', () => {
    expect(sandboxText('en', 'banner.ahead', { ahead: describeAhead('en', 30 * 86_400) })).toBe(
      'Sandbox — the clock is 30 days ahead',
    );
    expect(describeAhead('en', 3600)).toBe('1 hour');
    expect(describeAhead('en', 90)).toBe('1 minute');
    expect(describeAhead('ru', 5 * 86_400)).toBe('5 дней');
    expect(describeAhead('ru', 2 * 86_400)).toBe('2 дня');
    expect(describeAhead('ro', 30 * 86_400)).toBe('30 de zile');
    expect(describeAhead('es', 86_400)).toBe('1 día');
  });
});
