import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../shared/i18n/i18n.js';
import { catalogueProblems } from '../shared/i18n/catalogue-check.js';
import { staffCatalogues } from './staff-messages.js';

describe('staff texts', () => {
  it('exist for every key in English, Spanish, Russian and Romanian, with the same placeholders', () => {
    expect(Object.keys(staffCatalogues).sort()).toEqual([...LANGUAGES].sort());
    expect(Object.keys(staffCatalogues.en).length).toBeGreaterThan(800);
    expect(catalogueProblems(staffCatalogues)).toEqual([]);
  });

  it('are written in each language, not copied from English', () => {
    // A few words are the same in two languages ("Total", "JSON", "Manager"); a whole screen is not.
    for (const language of ['es', 'ru', 'ro'] as const) {
      const messages: Record<string, string> = staffCatalogues[language];
      const copied = Object.entries(staffCatalogues.en).filter(([key, text]) => messages[key] === text);
      expect(copied.length, `${language}: ${copied.map(([key]) => key).join(', ')}`).toBeLessThan(40);
    }
  });
});
