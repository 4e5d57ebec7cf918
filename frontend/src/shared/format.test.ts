import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney, formatPoints } from './format.js';

// Intl writes a narrow no-break space in some languages' numbers and money; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatting for people', () => {
  it('writes money and points the way each language does', () => {
    expect(plain(formatMoney(123450, 'EUR', 'en'))).toBe('€1,234.50');
    expect(plain(formatMoney(123450, 'EUR', 'es'))).toBe('1234,50 €');
    expect(plain(formatMoney(123450, 'EUR', 'ru'))).toBe('1 234,50 €');
    expect(plain(formatMoney(123450, 'EUR', 'ro'))).toBe('1.234,50 EUR');
    expect(plain(formatPoints(12500, 'ru'))).toBe('12 500');
    expect(formatPoints(12500, 'ro')).toBe('12.500');
  });

  it('writes dates in the language', () => {
    const date = '2026-12-08T12:00:00.000Z';
    expect(formatDate(date, 'en')).toBe('Dec 8, 2026');
    expect(formatDate(date, 'es')).toBe('8 dic 2026');
    expect(formatDate(date, 'ru')).toMatch(/^8 дек\. 2026/);
    expect(formatDate(date, 'ro')).toBe('8 dec. 2026');
  });
});
