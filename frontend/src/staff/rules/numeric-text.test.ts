import { describe, expect, it } from 'vitest';
import { moneyMinor, multiplierBasisPoints, numericText, plainNumber, typedText } from './numeric-text.js';

describe('the multiplier field', () => {
  it('reads and stores ×1.5 as 15 000 basis points, exactly', () => {
    expect(multiplierBasisPoints.format(15_000)).toBe('1.5');
    expect(multiplierBasisPoints.parse('1.5')).toBe(15_000);
    expect(multiplierBasisPoints.parse('1,1')).toBe(11_000);
    expect(multiplierBasisPoints.parse('0.0001')).toBe(1);
    expect(multiplierBasisPoints.parse('2')).toBe(20_000);
  });

  it('keeps "1." and an empty field while typing instead of showing NaN', () => {
    const one = typedText(multiplierBasisPoints, '1.', 20_000);
    expect(one.value).toBe(10_000);
    expect(numericText(multiplierBasisPoints, 10_000, one)).toBe('1.');
    const empty = typedText(multiplierBasisPoints, '', 10_000);
    expect(empty.value).toBeUndefined();
    expect(numericText(multiplierBasisPoints, undefined, empty)).toBe('');
    expect(numericText(multiplierBasisPoints, undefined, null)).toBe('');
  });

  it('refuses what is not a multiplier and leaves the draft as it was', () => {
    for (const text of ['x', '1.2.3', '-1', '1.23456', '.'])
      expect(multiplierBasisPoints.parse(text)).toBeNull();
    const typed = typedText(multiplierBasisPoints, '1.2x', 12_000);
    expect(typed.value).toBe(12_000);
    expect(numericText(multiplierBasisPoints, 12_000, typed)).toBe('1.2x');
  });

  it('shows the draft again when something else changed it', () => {
    const typed = typedText(multiplierBasisPoints, '1.', 20_000);
    expect(numericText(multiplierBasisPoints, 30_000, typed)).toBe('3');
  });
});

describe('amounts in the currency', () => {
  it('reads cents as €12.50 and stores what is typed in minor units', () => {
    const eur = moneyMinor('EUR');
    expect(eur.format(1250)).toBe('12.50');
    expect(eur.parse('12.50')).toBe(1250);
    expect(eur.parse('12,5')).toBe(1250);
    expect(eur.parse('12.')).toBe(1200);
    expect(eur.parse('12.505')).toBeNull();
    expect(moneyMinor('JPY').format(500)).toBe('500');
    expect(moneyMinor('JPY').parse('500')).toBe(500);
  });
});

describe('plain numbers', () => {
  it('accept integers and decimals, and refuse the rest', () => {
    expect(plainNumber.parse('12')).toBe(12);
    expect(plainNumber.parse('-3')).toBe(-3);
    expect(plainNumber.parse('1.')).toBe(1);
    expect(plainNumber.parse('abc')).toBeNull();
    expect(plainNumber.parse('')).toBeNull();
  });
});
