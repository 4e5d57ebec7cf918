// Per-unit effects count the units bought whatever their discount; amount effects count what was paid.
import { describe, expect, it } from 'vitest';
import { makeContext, makeItem, run, traceOf } from './testing/builders.js';

const perUnit = {
  id: 'per-unit',
  effects: [{ type: 'awardPointsPerItem' as const, points: 1, items: { skus: ['a'] } }],
};
const perSpend = {
  id: 'per-spend',
  effects: [{ type: 'awardPointsPerSpend' as const, points: 1, perAmountMinor: 100, items: { skus: ['a'] } }],
};

describe('earning bases', () => {
  it('one unit bought with 10% off still earns its per-unit point', () => {
    const basket = makeContext({
      items: [makeItem({ sku: 'a', quantity: 1, unitPriceMinor: 1000, discountMinor: 100 })],
    });
    const result = run([perUnit], basket);
    expect(result.points).toBe(1);
    expect(traceOf(result, 'per-unit').message).toBe(
      'gave 1 point (1 point per unit on the units bought, 1 for items of sku a)',
    );
  });

  it('the amount rule on the same basket earns on what was paid', () => {
    const basket = makeContext({
      items: [makeItem({ sku: 'a', quantity: 1, unitPriceMinor: 1000, discountMinor: 100 })],
    });
    const result = run([perSpend], basket);
    expect(result.points).toBe(9);
    expect(traceOf(result, 'per-spend').message).toBe(
      'gave 9 points (1 point per 1.00 EUR on the amount paid, 9.00 EUR for items of sku a)',
    );
  });

  it('several discounted units all count; the amount rule counts the money', () => {
    const basket = makeContext({
      items: [
        makeItem({ sku: 'a', quantity: 3, unitPriceMinor: 500, discountMinor: 700 }),
        makeItem({ sku: 'a', quantity: 2, unitPriceMinor: 500, paidWithPointsMinor: 300 }),
      ],
    });
    expect(run([perUnit], basket).points).toBe(5);
    // (1500 − 700) + (1000 − 300) = 15.00 EUR paid.
    expect(run([perSpend], basket).points).toBe(15);
  });

  it('a unit given free (whole price discounted or paid with points) is not bought and earns nothing', () => {
    const basket = makeContext({
      items: [
        makeItem({ sku: 'a', quantity: 1, unitPriceMinor: 400, discountMinor: 400 }),
        makeItem({ sku: 'a', quantity: 1, unitPriceMinor: 400, paidWithPointsMinor: 400 }),
        makeItem({ sku: 'a', quantity: 2, unitPriceMinor: 400, isExcludedFromEarn: true }),
      ],
    });
    const result = run([perUnit, perSpend], basket);
    expect(result.points).toBe(0);
    expect(traceOf(result, 'per-unit').message).toBe(
      'matched but gave nothing: 1 point per unit on the units bought, 0 for items of sku a',
    );
  });

  it('stamps per item count discounted units bought too', () => {
    const basket = makeContext({
      items: [makeItem({ sku: 'a', quantity: 2, unitPriceMinor: 300, discountMinor: 30 })],
    });
    const result = run(
      [
        {
          effects: [
            {
              type: 'addStamps',
              cardId: 'card',
              stamps: 1,
              per: 'item',
              items: { skus: ['a'] },
            },
          ],
        },
      ],
      basket,
    );
    expect(result.effects[0]).toMatchObject({ type: 'stampsAdded', stamps: 2 });
  });
});
