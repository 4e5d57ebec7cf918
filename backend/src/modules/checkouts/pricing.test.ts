import { describe, expect, it } from 'vitest';
import { priceBasket, recordedLines, spread } from './pricing.js';

describe('spread', () => {
  it('splits in proportion in whole units, the remainder to the largest fractions, never above a weight', () => {
    expect(spread(100, [100, 100, 100])).toEqual([34, 33, 33]);
    expect(spread(10, [300, 100])).toEqual([8, 2]);
    expect(spread(5, [1, 1, 100])).toEqual([0, 0, 5]);
    expect(spread(3, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(spread(0, [5, 5])).toEqual([0, 0]);
    expect(spread(7, [0, 0])).toEqual([0, 0]);
    for (let total = 0; total <= 50; total += 1) {
      const shares = spread(total, [17, 3, 30]);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      shares.forEach((s, i) => expect(s).toBeLessThanOrEqual([17, 3, 30][i] ?? 0));
    }
  });
});

const lines = [
  { sku: 'ESPRESSO', quantity: 2, unitPriceMinor: 240 },
  { sku: 'CROISSANT', quantity: 1, unitPriceMinor: 320 },
];

describe('priceBasket', () => {
  it('gives one unit of a free product, on the dearest matching line', () => {
    const priced = priceBasket(
      [...lines, { sku: 'ESPRESSO', quantity: 1, unitPriceMinor: 260 }],
      [{ id: 'a', kind: 'free_product', sku: 'ESPRESSO' }],
    );
    expect(priced.applied).toEqual([{ id: 'a', amountMinor: 260, lines: [{ index: 2, amountMinor: 260 }] }]);
    expect(priced.totals).toMatchObject({ subtotalMinor: 1060, discountMinor: 260, toPayMinor: 800 });
  });

  it('drops a free product whose units are all free already, or that is not in the basket', () => {
    const priced = priceBasket(lines, [
      { id: 'a', kind: 'free_product', sku: 'ESPRESSO' },
      { id: 'b', kind: 'free_product', sku: 'ESPRESSO' },
      { id: 'c', kind: 'free_product', sku: 'ESPRESSO' },
      { id: 'd', kind: 'free_product', sku: 'CAKE' },
    ]);
    expect(priced.applied.map((a) => a.id)).toEqual(['a', 'b']);
    expect(priced.dropped).toEqual([
      { id: 'c', reason: 'NO_MATCHING_ITEM' },
      { id: 'd', reason: 'NO_MATCHING_ITEM' },
    ]);
    expect(priced.lines[0]).toMatchObject({ discountMinor: 480, toPayMinor: 0 });
  });

  it('caps a fixed discount at the basket and spreads it over the lines', () => {
    const priced = priceBasket(lines, [{ id: 'a', kind: 'fixed_discount', valueMinor: 10_000 }]);
    expect(priced.totals).toMatchObject({ discountMinor: 800, toPayMinor: 0 });
    expect(priced.lines.map((l) => l.discountMinor)).toEqual([480, 320]);
    const part = priceBasket(lines, [{ id: 'a', kind: 'fixed_discount', valueMinor: 100 }]);
    expect(part.lines.map((l) => l.discountMinor)).toEqual([60, 40]);
  });

  it('takes a percent of what is left after earlier discounts, and points last whatever the order', () => {
    const priced = priceBasket(lines, [
      { id: 'p', kind: 'points_payment', valueMinor: 100 },
      { id: 'f', kind: 'free_product', sku: 'CROISSANT' },
      { id: 'x', kind: 'percent_discount', percent: 10 },
    ]);
    // 800 − 320 (free croissant) = 480; 10 % of that = 48; points pay 100 of the 432 left.
    expect(priced.applied.find((a) => a.id === 'x')?.amountMinor).toBe(48);
    expect(priced.totals).toEqual({
      subtotalMinor: 800,
      discountMinor: 368,
      paidWithPointsMinor: 100,
      paidWithGiftCertificatesMinor: 0,
      toPayMinor: 332,
    });
    for (const line of priced.lines)
      expect(line.discountMinor + line.paidWithPointsMinor + line.toPayMinor).toBe(line.grossMinor);
  });

  it('drops points worth more than what is left to pay, and a discount on a basket with nothing left', () => {
    const priced = priceBasket(lines, [
      { id: 'all', kind: 'fixed_discount', valueMinor: 800 },
      { id: 'more', kind: 'percent_discount', percent: 50 },
      { id: 'p', kind: 'points_payment', valueMinor: 1 },
    ]);
    expect(priced.dropped).toEqual([
      { id: 'more', reason: 'EXCEEDS_TOTAL' },
      { id: 'p', reason: 'EXCEEDS_TOTAL' },
    ]);
  });
});

describe('recordedLines', () => {
  it('records a free unit as its own fully discounted line, the paid units beside it', () => {
    const basket = [{ sku: 'ESPRESSO', quantity: 3, unitPriceMinor: 240 }];
    const priced = priceBasket(basket, [
      { id: 'f', kind: 'free_product', sku: 'ESPRESSO' },
      { id: 'p', kind: 'points_payment', valueMinor: 100 },
    ]);
    expect(recordedLines(basket, priced)).toEqual([
      { sku: 'ESPRESSO', quantity: 1, unitPriceMinor: 240, discountMinor: 240, paidWithPointsMinor: 0 },
      { sku: 'ESPRESSO', quantity: 2, unitPriceMinor: 240, discountMinor: 0, paidWithPointsMinor: 100 },
    ]);
  });

  it('keeps every line whole when nothing is free, and adds up to the priced basket in every case', () => {
    const basket = [
      { sku: 'A', quantity: 2, unitPriceMinor: 300 },
      { sku: 'B', quantity: 1, unitPriceMinor: 500 },
    ];
    const cases = [
      [{ id: 'x', kind: 'percent_discount' as const, percent: 10 }],
      [
        { id: 'x', kind: 'fixed_discount' as const, valueMinor: 550 },
        { id: 'f', kind: 'free_product' as const, sku: 'A' },
        { id: 'p', kind: 'points_payment' as const, valueMinor: 200 },
      ],
    ];
    for (const instruments of cases) {
      const priced = priceBasket(basket, instruments);
      const recorded = recordedLines(basket, priced);
      const sum = (pick: (l: (typeof recorded)[number]) => number) =>
        recorded.reduce((a, l) => a + pick(l), 0);
      expect(sum((l) => l.quantity * l.unitPriceMinor - l.discountMinor - l.paidWithPointsMinor)).toBe(
        priced.totals.toPayMinor,
      );
      expect(sum((l) => l.discountMinor)).toBe(priced.totals.discountMinor);
      for (const line of recorded)
        expect(line.discountMinor + line.paidWithPointsMinor).toBeLessThanOrEqual(
          line.quantity * line.unitPriceMinor,
        );
    }
    expect(recordedLines(basket, priceBasket(basket, []))).toHaveLength(2);
  });
});

describe('priceBasket: coupons and gift certificates', () => {
  const basket = [
    { sku: 'ESPRESSO', category: 'coffee', quantity: 2, unitPriceMinor: 240 },
    { sku: 'CROISSANT', category: 'bakery', quantity: 1, unitPriceMinor: 320 },
  ];

  it('takes a coupon after the other discounts, on the lines it applies to only', () => {
    const priced = priceBasket(basket, [
      {
        id: 'coupon',
        kind: 'percent_discount',
        percent: 50,
        isCoupon: true,
        appliesTo: { skus: [], categories: ['coffee'] },
      },
      { id: 'reward', kind: 'fixed_discount', valueMinor: 80 },
    ]);
    // The reward (80, spread 48/32 over 480/320) goes first; half of the coffee left (432) is 216.
    expect(priced.applied).toEqual([
      {
        id: 'reward',
        amountMinor: 80,
        lines: [
          { index: 0, amountMinor: 48 },
          { index: 1, amountMinor: 32 },
        ],
      },
      { id: 'coupon', amountMinor: 216, lines: [{ index: 0, amountMinor: 216 }] },
    ]);
    expect(priced.totals).toMatchObject({ subtotalMinor: 800, discountMinor: 296, toPayMinor: 504 });
  });

  it('drops a coupon whose minimum the basket no longer reaches after the other discounts', () => {
    const coupon = {
      id: 'coupon',
      kind: 'fixed_discount' as const,
      valueMinor: 100,
      isCoupon: true,
      minBasketMinor: 750,
    };
    expect(priceBasket(basket, [coupon]).dropped).toEqual([]);
    const priced = priceBasket(basket, [coupon, { id: 'reward', kind: 'fixed_discount', valueMinor: 80 }]);
    expect(priced.dropped).toEqual([{ id: 'coupon', reason: 'MIN_BASKET_NOT_MET' }]);
    expect(priced.totals.discountMinor).toBe(80);
  });

  it('drops a coupon for products that are not in the basket', () => {
    const priced = priceBasket(basket, [
      {
        id: 'coupon',
        kind: 'fixed_discount',
        valueMinor: 100,
        isCoupon: true,
        appliesTo: { skus: ['CAKE'], categories: [] },
      },
    ]);
    expect(priced.dropped).toEqual([{ id: 'coupon', reason: 'NOT_APPLICABLE_TO_ITEMS' }]);
  });

  it('takes a gift certificate as a tender after points, and drops it when it exceeds what is left', () => {
    const priced = priceBasket(basket, [
      { id: 'card', kind: 'stored_value', valueMinor: 300 },
      { id: 'points', kind: 'points_payment', valueMinor: 200 },
    ]);
    expect(priced.totals).toEqual({
      subtotalMinor: 800,
      discountMinor: 0,
      paidWithPointsMinor: 200,
      paidWithGiftCertificatesMinor: 300,
      toPayMinor: 300,
    });
    expect(priced.lines.map((l) => l.paidWithGiftCertificatesMinor)).toEqual([180, 120]);
    expect(
      priceBasket(basket, [
        { id: 'points', kind: 'points_payment', valueMinor: 600 },
        { id: 'card', kind: 'stored_value', valueMinor: 300 },
      ]).dropped,
    ).toEqual([{ id: 'card', reason: 'EXCEEDS_TOTAL' }]);
  });
});

describe('priceBasket with a gift certificate sold in the basket', () => {
  const sold = { sku: 'GIFT-CARD', kind: 'giftCertificate' as const, quantity: 2, unitPriceMinor: 2500 };

  it('gives no discount on it: a fixed or percent discount is spread over the goods only', () => {
    const priced = priceBasket(
      [...lines, sold],
      [
        { id: 'a', kind: 'percent_discount', percent: 50 },
        { id: 'b', kind: 'fixed_discount', valueMinor: 10_000 },
      ],
    );
    expect(priced.lines[2]).toMatchObject({ grossMinor: 5000, discountMinor: 0, toPayMinor: 5000 });
    expect(priced.totals).toMatchObject({ subtotalMinor: 5800, discountMinor: 800, toPayMinor: 5000 });
    expect(priced.giftCertificatesSoldMinor).toBe(5000);
    expect(priced.tenderableMinor).toBe(0);
  });

  it('never gives it as a free product, and a discount on a basket of certificates only does not apply', () => {
    const priced = priceBasket(
      [sold],
      [
        { id: 'a', kind: 'free_product', sku: 'GIFT-CARD' },
        { id: 'b', kind: 'fixed_discount', valueMinor: 100 },
      ],
    );
    expect(priced.dropped).toEqual([
      { id: 'a', reason: 'NO_MATCHING_ITEM' },
      { id: 'b', reason: 'NOT_APPLICABLE_TO_ITEMS' },
    ]);
    expect(priced.totals.toPayMinor).toBe(5000);
  });

  it('counts a coupon’s minimum basket without it', () => {
    const priced = priceBasket(
      [...lines, sold],
      [{ id: 'c', kind: 'fixed_discount', valueMinor: 100, isCoupon: true, minBasketMinor: 1000 }],
    );
    expect(priced.dropped).toEqual([{ id: 'c', reason: 'MIN_BASKET_NOT_MET' }]);
  });

  it('lets a gift certificate or points pay the goods only, and drops one that would pay the certificate', () => {
    const paying = priceBasket(
      [...lines, sold],
      [
        { id: 'p', kind: 'points_payment', valueMinor: 300 },
        { id: 'g', kind: 'stored_value', valueMinor: 500 },
      ],
    );
    expect(paying.dropped).toEqual([]);
    expect(paying.lines[2]).toMatchObject({ paidWithPointsMinor: 0, paidWithGiftCertificatesMinor: 0 });
    expect(paying.totals).toMatchObject({
      paidWithPointsMinor: 300,
      paidWithGiftCertificatesMinor: 500,
      toPayMinor: 5000,
    });
    const tooMuch = priceBasket([...lines, sold], [{ id: 'g', kind: 'stored_value', valueMinor: 900 }]);
    expect(tooMuch.dropped).toEqual([{ id: 'g', reason: 'GIFT_CERTIFICATE_NOT_PAYABLE' }]);
    const beyond = priceBasket([...lines, sold], [{ id: 'p', kind: 'points_payment', valueMinor: 6000 }]);
    expect(beyond.dropped).toEqual([{ id: 'p', reason: 'EXCEEDS_TOTAL' }]);
  });
});
