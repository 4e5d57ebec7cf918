import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_LANGUAGES,
  DOCUMENT_TEXTS,
  formatDocumentDate,
  formatDocumentMoney,
} from './document-texts.js';

const plain = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');

describe('document texts', () => {
  it('has every label in every language, none left in English by mistake', () => {
    const keys = Object.keys(DOCUMENT_TEXTS.en);
    for (const language of DOCUMENT_LANGUAGES) {
      expect(Object.keys(DOCUMENT_TEXTS[language])).toEqual(keys);
      if (language === 'en') continue;
      for (const key of keys as Array<keyof typeof DOCUMENT_TEXTS.en>)
        expect(DOCUMENT_TEXTS[language][key], `${language}.${key}`).not.toBe(DOCUMENT_TEXTS.en[key]);
    }
  });

  it('formats minor units in the currency and the language of the document', () => {
    expect(formatDocumentMoney(2500, 'EUR', 'en')).toBe('€25.00');
    expect(plain(formatDocumentMoney(123450, 'EUR', 'es'))).toBe('1234,50 €');
    expect(plain(formatDocumentMoney(123450, 'EUR', 'ru'))).toBe('1 234,50 €');
    expect(plain(formatDocumentMoney(5000, 'MDL', 'ro'))).toBe('50,00 MDL');
    // Yen have no minor unit: 500 minor units are ¥500.
    expect(formatDocumentMoney(500, 'JPY', 'en')).toBe('¥500');
  });

  it("prints the day in the program's time zone, not the server's", () => {
    const lateOnNewYearsEve = new Date('2027-12-31T23:30:00Z');
    expect(formatDocumentDate(lateOnNewYearsEve, { language: 'en', timeZone: 'Europe/Madrid' })).toBe(
      'January 1, 2028',
    );
    expect(formatDocumentDate(lateOnNewYearsEve, { language: 'ru', timeZone: 'America/Mexico_City' })).toBe(
      '31 декабря 2027 г.',
    );
  });
});
