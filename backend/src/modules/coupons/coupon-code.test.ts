import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  DEFAULT_CODE_LENGTH,
  MAX_CODE_LENGTH,
  displayCode,
  formatProblem,
  generateCode,
  generateCodes,
  guessProbability,
  isWellFormed,
  minimumLength,
  normaliseCode,
  randomBits,
} from './coupon-code.js';

const codeBody = fc
  .array(fc.constantFrom(...CODE_ALPHABET), { minLength: 1, maxLength: MAX_CODE_LENGTH - 1 })
  .map((chars) => chars.join(''));

describe('coupon codes', () => {
  it('use no character that is easy to misread, and at least 60 random bits by default', () => {
    for (const char of '01OIL') expect(CODE_ALPHABET).not.toContain(char);
    expect(new Set(CODE_ALPHABET).size).toBe(31);
    expect(randomBits({ prefix: '', length: DEFAULT_CODE_LENGTH })).toBeGreaterThanOrEqual(60);
    const code = generateCode({ prefix: 'GC', length: DEFAULT_CODE_LENGTH });
    expect(code).toMatch(new RegExp(`^GC[${CODE_ALPHABET}]{${DEFAULT_CODE_LENGTH + 1}}$`));
    expect(isWellFormed(code)).toBe(true);
  });

  it('catch every single-character error (property test over random codes)', () => {
    fc.assert(
      fc.property(codeBody, fc.nat(), fc.nat(), (body, at, by) => {
        const code = generateCode({ prefix: body, length: 0 });
        const index = at % code.length;
        const original = code[index] ?? '';
        const replacement = CODE_ALPHABET[(CODE_ALPHABET.indexOf(original) + 1 + (by % 30)) % 31] ?? '';
        const typo = code.slice(0, index) + replacement + code.slice(index + 1);
        expect(replacement).not.toBe(original);
        expect(isWellFormed(typo)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('catch every swap of two adjacent different characters', () => {
    fc.assert(
      fc.property(codeBody, fc.nat(), (body, at) => {
        const code = generateCode({ prefix: body, length: 0 });
        const index = at % (code.length - 1);
        const [a, b] = [code[index] ?? '', code[index + 1] ?? ''];
        fc.pre(a !== b);
        const swapped = code.slice(0, index) + b + a + code.slice(index + 2);
        expect(isWellFormed(swapped)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('read what people type: case, spaces and hyphens do not matter', () => {
    const code = generateCode({ prefix: '', length: 13 });
    expect(normaliseCode(` ${displayCode(code).toLowerCase()} `)).toBe(code);
    expect(displayCode('ABCDEFGHJKMNP')).toBe('ABCD-EFGH-JKMN-P');
    expect(isWellFormed('')).toBe(false);
    expect(isWellFormed('AB0')).toBe(false);
  });

  it('refuse a batch whose codes one guess would hit with probability above 1e-9', () => {
    expect(formatProblem({ prefix: '', length: 13 }, 1_000_000)).toBeNull();
    // 31^8 ≈ 8.5e11: 1,000 codes are 1.2e-9 per guess, too many.
    expect(guessProbability({ prefix: '', length: 8 }, 1000)).toBeGreaterThan(1e-9);
    expect(formatProblem({ prefix: '', length: 8 }, 1000)).toMatch(/use at least 9 characters/);
    expect(minimumLength(1_000_000)).toBe(11);
    expect(formatProblem({ prefix: 'G0', length: 13 }, 1)).toMatch(/no 0, O, 1, I or L/);
    expect(formatProblem({ prefix: '', length: 5 }, 1)).toMatch(/6 to/);
  });

  it('make a batch of well-formed codes, every character about equally likely (rejection sampling)', () => {
    const codes = generateCodes({ prefix: 'SP', length: 13 }, 20_000);
    expect(codes).toHaveLength(20_000);
    expect(new Set(codes).size).toBe(20_000);
    const counts = new Map<string, number>();
    for (const code of codes) {
      expect(code).toMatch(new RegExp(`^SP[${CODE_ALPHABET}]{14}$`));
      expect(isWellFormed(code)).toBe(true);
      for (const char of code.slice(2, -1)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    // 260,000 random characters: each of the 31 expected 8,387 times; a modulo bias would be ~3% off.
    expect(counts.size).toBe(31);
    for (const n of counts.values()) expect(Math.abs(n - 260_000 / 31)).toBeLessThan(420);
  });
});
