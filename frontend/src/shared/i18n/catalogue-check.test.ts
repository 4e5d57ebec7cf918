import { describe, expect, it } from 'vitest';
import { catalogueProblems } from './catalogue-check.js';

const en = { greeting: 'Hello {name}', 'points.one': '{count} point', 'points.other': '{count} points' };
const ru = {
  greeting: 'Привет, {name}',
  'points.one': '{count} балл',
  'points.few': '{count} балла',
  'points.many': '{count} баллов',
  'points.other': '{count} балла',
};

describe('catalogueProblems', () => {
  it('finds nothing wrong in complete catalogues', () => {
    expect(catalogueProblems({ en, ru })).toEqual([]);
  });

  it('names a missing key, an empty text and a missing plural form of the language', () => {
    const { 'points.many': _many, ...withoutMany } = ru;
    expect(catalogueProblems({ en, ru: { ...withoutMany, greeting: ' ' } })).toEqual([
      'ru: greeting is missing',
      'ru: points.many is missing',
    ]);
  });

  it('names a placeholder that differs from English, plural forms included', () => {
    expect(
      catalogueProblems({ en, ru: { ...ru, greeting: 'Привет, {nom}', 'points.few': '{n} балла' } }),
    ).toEqual([
      'ru: greeting has {{nom}} where English has {{name}}',
      'ru: points.few has {{n}} where English has {{count}}',
    ]);
  });

  it('names a key English does not have', () => {
    expect(catalogueProblems({ en, ru: { ...ru, farewell: 'Пока' } })).toEqual([
      'ru: farewell is not an English key',
    ]);
  });
});
