import { describe, expect, it } from 'vitest';
import { makeContext, makeItem, makeMember, run, traceOf } from './testing/builders.js';

const coffeeBasket = makeContext({
  items: [
    makeItem({ sku: 'esp', category: 'coffee', quantity: 3, unitPriceMinor: 250 }),
    makeItem({ sku: 'cro', category: 'pastry', quantity: 1, unitPriceMinor: 199 }),
  ],
});

describe('point effects', () => {
  it('awardFixedPoints gives a fixed amount', () => {
    const result = run([{ effects: [{ type: 'awardFixedPoints', points: 100 }] }]);
    expect(result.points).toBe(100);
    expect(traceOf(result, 'rule-0').message).toBe('gave 100 points (100 points fixed)');
  });

  it('awardPointsPerSpend rounds as asked with integer maths', () => {
    // 9.49 EUR eligible at 1 point per 1 EUR.
    const context = makeContext({ items: [makeItem({ unitPriceMinor: 949 })] });
    const perEuro = (rounding: 'floor' | 'round' | 'ceil') =>
      run([{ effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, rounding }] }], context)
        .points;
    expect([perEuro('floor'), perEuro('round'), perEuro('ceil')]).toEqual([9, 9, 10]);
    const half = makeContext({ items: [makeItem({ unitPriceMinor: 950 })] });
    expect(
      run(
        [{ effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, rounding: 'round' }] }],
        half,
      ).points,
    ).toBe(10);
    // 3 points per 7 cents of 10.00 EUR = 428.57…
    expect(run([{ effects: [{ type: 'awardPointsPerSpend', points: 3, perAmountMinor: 7 }] }]).points).toBe(
      428,
    );
  });

  it('the earn base leaves out discounts, the part paid with points and excluded lines', () => {
    const context = makeContext({
      items: [
        makeItem({ quantity: 2, unitPriceMinor: 1000, discountMinor: 500 }),
        makeItem({ unitPriceMinor: 1000, paidWithPointsMinor: 1000 }),
        makeItem({ unitPriceMinor: 5000, isExcludedFromEarn: true }),
        makeItem({ unitPriceMinor: 300 }),
      ],
    });
    const result = run([{}], context);
    expect(result.points).toBe(18);
    expect(traceOf(result, 'rule-0')).toMatchObject({
      message: 'gave 18 points (1 point per 1.00 EUR on the amount paid, 18.00 EUR for all items)',
      lines: [0, 3],
    });
  });

  it('awardPointsPerSpend on matching items only, capped by maxPoints', () => {
    const result = run(
      [
        {
          effects: [
            {
              type: 'awardPointsPerSpend',
              points: 10,
              perAmountMinor: 100,
              items: { categories: ['coffee'] },
              maxPoints: 50,
            },
          ],
        },
      ],
      coffeeBasket,
    );
    expect(result.points).toBe(50);
    expect(traceOf(result, 'rule-0')).toMatchObject({
      cappedBy: 'maxPoints',
      message:
        'gave 50 points (10 points per 1.00 EUR on the amount paid, 7.50 EUR for items of category coffee, capped at 50 points)',
      lines: [0],
    });
  });

  it('awardPointsPerItem gives points per eligible unit', () => {
    const result = run(
      [{ effects: [{ type: 'awardPointsPerItem', points: 5, items: { categories: ['coffee'] } }] }],
      coffeeBasket,
    );
    expect(result.points).toBe(15);
    expect(traceOf(result, 'rule-0').message).toBe(
      'gave 15 points (5 points per unit on the units bought, 3 for items of category coffee)',
    );
  });

  it('multiplyPoints gives the extra over base earn, rounded down', () => {
    const result = run(
      [
        { id: 'base', isBaseEarn: true },
        {
          id: 'gold',
          effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 15_000 }],
        },
      ],
      makeContext({ items: [makeItem({ unitPriceMinor: 1100 })] }),
    );
    expect(result.breakdown).toEqual([
      { ruleId: 'base', ruleVersion: 1, ruleName: 'Test rule', points: 11 },
      { ruleId: 'gold', ruleVersion: 1, ruleName: 'Test rule', points: 5 },
    ]);
    expect(result.points).toBe(16);
    expect(traceOf(result, 'gold').message).toBe(
      'gave 5 points (1.5× of 11 points from the rules it multiplies)',
    );
  });

  it('multiplyPoints targets rule ids and groups, and multipliers may multiply multipliers', () => {
    const result = run([
      { id: 'base', isBaseEarn: true },
      {
        id: 'bonus',
        effects: [{ type: 'awardFixedPoints', points: 20 }],
        stacking: { mode: 'exclusive_in_group', group: 'promo' },
      },
      {
        id: 'double-promo',
        effects: [{ type: 'multiplyPoints', targets: { groups: ['promo'] }, factorBasisPoints: 20_000 }],
      },
      {
        id: 'double-base',
        effects: [{ type: 'multiplyPoints', targets: { ruleIds: ['base'] }, factorBasisPoints: 20_000 }],
      },
      {
        id: 'on-top',
        effects: [
          { type: 'multiplyPoints', targets: { ruleIds: ['double-base'] }, factorBasisPoints: 30_000 },
        ],
      },
    ]);
    expect(result.breakdown.map((entry) => [entry.ruleId, entry.points])).toEqual([
      ['base', 10],
      ['bonus', 20],
      ['double-base', 10],
      ['double-promo', 20],
      ['on-top', 20],
    ]);
  });
});

describe('emitted effects', () => {
  it('addStamps per item reports the balance and the rewards unlocked', () => {
    const context = {
      ...coffeeBasket,
      member: makeMember({ stampCards: { coffee: 8 } }),
      stampCardThresholds: { coffee: 10 },
    };
    const result = run(
      [
        {
          effects: [
            {
              type: 'addStamps',
              cardId: 'coffee',
              stamps: 1,
              per: 'item',
              items: { categories: ['coffee'] },
            },
          ],
        },
      ],
      context,
    );
    expect(result.points).toBe(0);
    expect(result.effects).toEqual([
      {
        type: 'stampsAdded',
        ruleId: 'rule-0',
        ruleVersion: 1,
        cardId: 'coffee',
        stamps: 3,
        balanceBefore: 8,
        balanceAfter: 1,
        threshold: 10,
        rewardsUnlocked: 1,
      },
    ]);
    expect(traceOf(result, 'rule-0').message).toBe(
      'added 3 stamps to the stamp card (8 → 1 of 10, 1 reward unlocked)',
    );
  });

  it('addStamps per purchase needs a matching item when items are given, and rules share the card balance', () => {
    const stamp = {
      type: 'addStamps',
      cardId: 'visits',
      stamps: 1,
      per: 'purchase',
    } as const;
    const result = run(
      [
        { effects: [stamp] },
        { effects: [{ ...stamp, items: { categories: ['coffee'] } }] },
        { effects: [{ ...stamp, items: { categories: ['tea'] } }] },
      ],
      {
        ...coffeeBasket,
        member: makeMember({ stampCards: { visits: 3 } }),
        stampCardThresholds: { visits: 5 },
      },
    );
    expect(
      result.effects.map(
        (effect) =>
          effect.type === 'stampsAdded' && [
            effect.balanceBefore,
            effect.balanceAfter,
            effect.rewardsUnlocked,
          ],
      ),
    ).toEqual([
      [3, 4, 0],
      [4, 0, 1],
    ]);
    expect(traceOf(result, 'rule-2')).toMatchObject({
      outcome: 'skipped',
      reason: 'nothing',
      message: 'matched but gave nothing',
    });
  });

  it('issueCoupon, addMemberTag and removeMemberTag are emitted for other modules', () => {
    const result = run([
      {
        effects: [
          { type: 'issueCoupon', couponTemplateId: 'come-back', quantity: 2 },
          { type: 'addMemberTag', tag: 'coffee-lover' },
          { type: 'removeMemberTag', tag: 'sleeping' },
        ],
      },
    ]);
    expect(result.effects).toEqual([
      { type: 'couponIssued', ruleId: 'rule-0', ruleVersion: 1, couponTemplateId: 'come-back', quantity: 2 },
      { type: 'memberTagAdded', ruleId: 'rule-0', ruleVersion: 1, tag: 'coffee-lover' },
      { type: 'memberTagRemoved', ruleId: 'rule-0', ruleVersion: 1, tag: 'sleeping' },
    ]);
    expect(traceOf(result, 'rule-0').message).toBe(
      'issued 2 coupons from template come-back; added member tag coffee-lover; removed member tag sleeping',
    );
  });
});
