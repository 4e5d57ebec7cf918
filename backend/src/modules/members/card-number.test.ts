import { describe, expect, it } from 'vitest';
import { generateCardNumber, isValidCardNumber, luhnCheckDigit } from './card-number.js';

describe('card numbers', () => {
  it('computes the Luhn check digit of a known number', () => {
    // 7992739871 → check digit 3 (the classic Luhn example).
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('generates 12-digit numbers that pass the Luhn check', () => {
    for (let i = 0; i < 200; i += 1) {
      const n = generateCardNumber();
      expect(n).toMatch(/^[1-9]\d{11}$/);
      expect(isValidCardNumber(n)).toBe(true);
    }
  });

  it('rejects a number with one digit mistyped', () => {
    const n = generateCardNumber();
    const typo = n.slice(0, 5) + String((Number(n[5]) + 1) % 10) + n.slice(6);
    expect(isValidCardNumber(typo)).toBe(false);
  });
});
