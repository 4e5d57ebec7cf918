import { describe, expect, it } from 'vitest';
import { normaliseItemTerm, normaliseItemTerms } from './item-terms.js';
import { makeContext, makeItem, run } from './testing/builders.js';

describe('normaliseItemTerm', () => {
  it('compares categories and SKUs trimmed and in lower case', () => {
    expect(normaliseItemTerm(' Coffee ')).toBe('coffee');
    expect(normaliseItemTerm('LATTE-L')).toBe('latte-l');
    expect(normaliseItemTerm('Cafe\u0301')).toBe(normaliseItemTerm('Café'));
  });
});

describe('normaliseItemTerms', () => {
  it('normalises every categories and skus list of a definition, and nothing else', () => {
    const definition = {
      name: 'Coffee Lovers',
      conditions: { all: [{ items: { categories: ['Coffee', 'coffee', ' Tea'], minQuantity: 2 } }] },
      effects: [
        { type: 'awardPointsPerItem', points: 5, items: { skus: ['LATTE-L'] } },
        { type: 'addMemberTag', tag: 'VIP' },
      ],
    };
    expect(normaliseItemTerms(definition)).toEqual({
      name: 'Coffee Lovers',
      conditions: { all: [{ items: { categories: ['coffee', 'tea'], minQuantity: 2 } }] },
      effects: [
        { type: 'awardPointsPerItem', points: 5, items: { skus: ['latte-l'] } },
        { type: 'addMemberTag', tag: 'VIP' },
      ],
    });
  });
});

describe('evaluation', () => {
  it('matches a "Coffee" line to a rule written for "coffee" (a rule saved before normalisation too)', () => {
    const context = makeContext({ items: [makeItem({ sku: 'LATTE-L', category: 'Coffee ', quantity: 2 })] });
    const result = run(
      [
        {
          conditions: { items: { categories: ['coffee'] } },
          effects: [{ type: 'awardPointsPerItem', points: 10, items: { skus: ['Latte-l'] } }],
        },
      ],
      context,
    );
    expect(result.points).toBe(20);
  });

  it('still tells other categories apart', () => {
    const context = makeContext({ items: [makeItem({ category: 'Tea', quantity: 2 })] });
    const result = run(
      [{ effects: [{ type: 'awardPointsPerItem', points: 10, items: { categories: ['coffee'] } }] }],
      context,
    );
    expect(result.points).toBe(0);
  });
});
