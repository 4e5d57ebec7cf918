import { ERROR_CATALOGUE } from '@regulars/contracts';
import type { ZodTypeAny } from 'zod';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors.js';
import { LANGUAGES } from '../i18n/i18n.js';
import { ERROR_TEXTS, HUMAN_ERROR_CODES, errorText, placeholdersOf } from './error-texts.js';

/** The field names a code's `details` can carry (every member of a union). */
function detailKeys(schema: ZodTypeAny | undefined): Set<string> {
  const keys = new Set<string>();
  const walk = (s: unknown) => {
    const def = (s as { _def?: Record<string, unknown> } | undefined)?._def;
    if (!def) return;
    if (typeof def.shape === 'function') for (const key of Object.keys(def.shape())) keys.add(key);
    for (const inner of [def.innerType, def.schema, ...((def.options as unknown[]) ?? [])]) walk(inner);
  };
  walk(schema);
  return keys;
}

describe('the error texts people read', () => {
  it('exist in English, Spanish, Russian and Romanian for every code, with the same placeholders', () => {
    const problems: string[] = [];
    for (const language of LANGUAGES) {
      const texts = ERROR_TEXTS[language];
      expect(Object.keys(texts).sort()).toEqual([...HUMAN_ERROR_CODES].sort());
      for (const code of HUMAN_ERROR_CODES) {
        const english = ERROR_TEXTS.en[code];
        const entry = texts[code];
        if (placeholdersOf(entry).join() !== placeholdersOf(english).join())
          problems.push(`${language} ${code}: placeholders differ from English`);
        if (typeof entry !== typeof english) problems.push(`${language} ${code}: plain sentence missing`);
        if (typeof entry !== 'string' && !entry.plain.trim()) problems.push(`${language} ${code}: empty`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('name only details the code carries, and are codes of the API', () => {
    for (const code of HUMAN_ERROR_CODES) {
      const spec = ERROR_CATALOGUE[code];
      expect(spec, code).toBeDefined();
      const keys = detailKeys('details' in spec ? spec.details : undefined);
      for (const name of placeholdersOf(ERROR_TEXTS.en[code]))
        expect(keys, `${code} {${name}}`).toContain(name);
    }
  });

  it('format the details in the viewer’s language and the program’s currency', () => {
    const refund = new ApiError({
      status: 422,
      code: 'REFUND_EXCEEDS_PURCHASE',
      message: 'More than was paid: at most 1250 can be refunded',
      details: { totalMinor: 2000, refundedMinor: 750, refundableMinor: 1250 },
    });
    expect(errorText(refund, 'en', { currency: 'EUR' })).toBe('At most €12.50 can be refunded.');
    expect(errorText(refund, 'es', { currency: 'EUR' })?.replace(/\s/g, ' ')).toBe(
      'Se puede reembolsar como máximo 12,50 €.',
    );
    // The other shape of the same code (a line returned twice) has no amount: the plain sentence.
    const line = new ApiError({
      status: 422,
      code: 'REFUND_EXCEEDS_PURCHASE',
      message: 'x',
      details: { sku: 'COFFEE', bought: 1, returned: 2 },
    });
    expect(errorText(line, 'ru', { currency: 'EUR' })).toBe('Нельзя вернуть больше, чем было куплено.');
    const points = new ApiError({
      status: 409,
      code: 'INSUFFICIENT_POINTS',
      message: 'x',
      details: { available: 1200, pending: 0, required: 1500 },
    });
    expect(errorText(points, 'en')).toBe('Not enough points: 1,200 of 1,500.');
    const expired = new ApiError({
      status: 409,
      code: 'COUPON_EXPIRED',
      message: 'x',
      details: { validUntil: '2026-03-31T21:59:59.000Z' },
    });
    expect(errorText(expired, 'ro')).toMatch(/^Acest cupon a expirat pe \d+ mar\. 2026\.$/);
    expect(errorText(new ApiError({ status: 409, code: 'RULE_CHANGED', message: 'x' }), 'en')).toBeNull();
  });
});
