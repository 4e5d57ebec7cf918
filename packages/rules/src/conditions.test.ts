import { describe, expect, it } from 'vitest';
import type { Condition } from './rule.schema.js';
import { makeContext, makeItem, makeMember, run, traceOf } from './testing/builders.js';
import type { EvaluationContext } from './context.schema.js';

/** Runs one rule with the condition; returns the trace message, or 'matched'. */
function check(conditions: unknown, context: EvaluationContext = makeContext()): string {
  const entry = traceOf(run([{ conditions: conditions as Condition }], context), 'rule-0');
  return entry.outcome === 'applied' ? 'matched' : entry.message;
}

describe('field conditions', () => {
  // The default context: Tuesday 2025-06-03, 11:30 in Paris, a silver member with 3 earlier purchases.
  it('eq / ne', () => {
    expect(check({ field: 'member.tier', op: 'eq', value: 'silver' })).toBe('matched');
    expect(check({ field: 'member.tier', op: 'eq', value: 'gold' })).toBe(
      'member tier is silver; the rule needs gold',
    );
    expect(check({ field: 'member.tier', op: 'ne', value: 'silver' })).toBe(
      'member tier is silver; the rule needs anything but silver',
    );
  });

  it('gt / gte / lt / lte', () => {
    expect(check({ field: 'purchase.hour', op: 'gt', value: 10 })).toBe('matched');
    expect(check({ field: 'purchase.hour', op: 'gt', value: 11 })).toBe(
      'hour is 11; the rule needs more than 11',
    );
    expect(check({ field: 'purchase.hour', op: 'gte', value: 11 })).toBe('matched');
    expect(check({ field: 'purchase.hour', op: 'gte', value: 12 })).toBe(
      'hour is 11; the rule needs at least 12',
    );
    expect(check({ field: 'purchase.hour', op: 'lt', value: 11 })).toBe(
      'hour is 11; the rule needs less than 11',
    );
    expect(check({ field: 'purchase.hour', op: 'lte', value: 11 })).toBe('matched');
    expect(check({ field: 'purchase.hour', op: 'lte', value: 10 })).toBe(
      'hour is 11; the rule needs at most 10',
    );
  });

  it('between is inclusive and explains the range', () => {
    expect(check({ field: 'purchase.hour', op: 'between', value: { min: 14, max: 17 } })).toBe(
      'hour is 11; the rule needs 14–17',
    );
    expect(check({ field: 'purchase.hour', op: 'between', value: { min: 11, max: 11 } })).toBe('matched');
  });

  it('in / notIn', () => {
    expect(check({ field: 'member.tier', op: 'in', value: ['gold', 'platinum'] })).toBe(
      'member tier is silver; the rule needs one of gold, platinum',
    );
    expect(check({ field: 'member.tier', op: 'in', value: ['silver', 'gold'] })).toBe('matched');
    expect(check({ field: 'member.tier', op: 'notIn', value: ['silver'] })).toBe(
      'member tier is silver; the rule needs none of silver',
    );
    expect(check({ field: 'member.tier', op: 'notIn', value: ['gold'] })).toBe('matched');
  });

  it('contains / in / notIn on list fields', () => {
    const context = makeContext({ member: makeMember({ tags: ['vip', 'staff'], clubs: ['wine'] }) });
    expect(check({ field: 'member.tags', op: 'contains', value: 'vip' }, context)).toBe('matched');
    expect(check({ field: 'member.tags', op: 'contains', value: 'new' }, context)).toBe(
      'member tags are vip, staff; the rule needs new among them',
    );
    expect(check({ field: 'member.clubs', op: 'in', value: ['cheese', 'wine'] }, context)).toBe('matched');
    expect(check({ field: 'member.clubs', op: 'in', value: ['cheese'] }, context)).toBe(
      'member clubs are wine; the rule needs at least one of cheese among them',
    );
    expect(check({ field: 'member.tags', op: 'notIn', value: ['staff'] }, context)).toBe(
      'member tags are vip, staff; the rule needs none of staff among them',
    );
    expect(check({ field: 'member.clubs', op: 'contains', value: 'x' })).toBe(
      'member clubs are none; the rule needs x among them',
    );
  });

  it('days of week accept numbers and names and are shown as names', () => {
    expect(check({ field: 'purchase.dayOfWeek', op: 'eq', value: 'tuesday' })).toBe('matched');
    expect(check({ field: 'purchase.dayOfWeek', op: 'between', value: { min: 'mon', max: 'fri' } })).toBe(
      'matched',
    );
    expect(check({ field: 'purchase.dayOfWeek', op: 'in', value: [6, 'sun'] })).toBe(
      'day of week is Tuesday; the rule needs one of Saturday, Sunday',
    );
  });

  it('dates compare as calendar dates in the program time zone', () => {
    expect(
      check({ field: 'purchase.date', op: 'between', value: { min: '2025-06-01', max: '2025-06-03' } }),
    ).toBe('matched');
    expect(check({ field: 'purchase.date', op: 'gt', value: '2025-06-03' })).toBe(
      'date is 2025-06-03; the rule needs more than 2025-06-03',
    );
  });

  it('money is shown in the currency with its minor-unit digits', () => {
    expect(check({ field: 'purchase.totalMinor', op: 'gte', value: 2000 })).toBe(
      'purchase total is 10.00 EUR; the rule needs at least 20.00 EUR',
    );
    const yen = makeContext({ purchase: { currency: 'JPY' }, items: [makeItem({ unitPriceMinor: 500 })] });
    expect(check({ field: 'purchase.totalMinor', op: 'gte', value: 2000 }, yen)).toBe(
      'purchase total is 500 JPY; the rule needs at least 2000 JPY',
    );
  });

  it('purchase total, earn base, item quantity, store and channel', () => {
    const context = makeContext({
      purchase: { storeId: 'paris-1', channel: 'app' },
      items: [makeItem({ quantity: 2, unitPriceMinor: 500, discountMinor: 200, paidWithPointsMinor: 300 })],
    });
    expect(check({ field: 'purchase.totalMinor', op: 'eq', value: 800 }, context)).toBe('matched');
    expect(check({ field: 'purchase.earnBaseMinor', op: 'eq', value: 500 }, context)).toBe('matched');
    expect(check({ field: 'purchase.itemQuantity', op: 'eq', value: 2 }, context)).toBe('matched');
    expect(check({ field: 'purchase.storeId', op: 'eq', value: 'paris-1' }, context)).toBe('matched');
    expect(check({ field: 'purchase.channel', op: 'in', value: ['store'] }, context)).toBe(
      'channel is app; the rule needs one of store',
    );
    expect(check({ field: 'purchase.currency', op: 'eq', value: 'EUR' }, context)).toBe('matched');
  });

  it('member figures: first purchase, days since last purchase and joining, segment', () => {
    const context = makeContext({
      member: makeMember({
        purchaseCount: 0,
        segment: 'new-active',
        lastPurchaseAt: '2025-05-03T21:30:00Z', // 23:30 on 3 May in Paris: 31 calendar days before 3 June
        joinedAt: '2025-06-02T22:30:00Z', // already 3 June in Paris
      }),
    });
    expect(check({ field: 'member.isFirstPurchase', op: 'eq', value: true }, context)).toBe('matched');
    expect(check({ field: 'member.isFirstPurchase', op: 'eq', value: true })).toBe(
      'first purchase is no; the rule needs yes',
    );
    expect(check({ field: 'member.purchaseCount', op: 'eq', value: 0 }, context)).toBe('matched');
    expect(check({ field: 'member.daysSinceLastPurchase', op: 'eq', value: 31 }, context)).toBe('matched');
    expect(check({ field: 'member.daysSinceJoined', op: 'eq', value: 0 }, context)).toBe('matched');
    expect(check({ field: 'member.segment', op: 'eq', value: 'new-active' }, context)).toBe('matched');
    expect(check({ field: 'member.daysSinceLastPurchase', op: 'gte', value: 30 })).toBe(
      'days since the last purchase is unknown; the rule needs at least 30',
    );
  });

  it('birthdays: days until and birthday month, with 29 February on 28 February in common years', () => {
    const birthday = (birthDate: string, now = '2025-06-03T09:30:00Z') =>
      makeContext({ now, member: makeMember({ birthDate }) });
    expect(check({ field: 'member.daysUntilBirthday', op: 'eq', value: 7 }, birthday('1990-06-10'))).toBe(
      'matched',
    );
    expect(check({ field: 'member.daysUntilBirthday', op: 'eq', value: 0 }, birthday('06-03'))).toBe(
      'matched',
    );
    expect(check({ field: 'member.daysUntilBirthday', op: 'eq', value: 364 }, birthday('1990-06-02'))).toBe(
      'matched',
    );
    expect(check({ field: 'member.isBirthdayMonth', op: 'eq', value: true }, birthday('1990-06-28'))).toBe(
      'matched',
    );
    expect(check({ field: 'member.isBirthdayMonth', op: 'eq', value: true }, birthday('1990-07-01'))).toBe(
      'birthday month is no; the rule needs yes',
    );
    expect(
      check(
        { field: 'member.daysUntilBirthday', op: 'eq', value: 0 },
        birthday('2000-02-29', '2025-02-28T12:00:00Z'),
      ),
    ).toBe('matched');
  });

  it('explains an anonymous purchase', () => {
    expect(
      check({ field: 'member.tier', op: 'in', value: ['gold'] }, makeContext({ member: undefined })),
    ).toBe('member tier is unknown (no member); the rule needs one of gold');
  });
});

describe('boolean trees', () => {
  it('all reports the first failing condition and its path', () => {
    const entry = traceOf(
      run([
        {
          conditions: {
            all: [
              { field: 'member.tier', op: 'eq', value: 'silver' },
              { field: 'purchase.hour', op: 'between', value: { min: 14, max: 17 } },
              { field: 'member.tier', op: 'eq', value: 'gold' },
            ],
          },
        },
      ]),
      'rule-0',
    );
    expect(entry).toMatchObject({
      outcome: 'notMatched',
      conditionPath: 'conditions.all[1]',
      message: 'hour is 11; the rule needs 14–17',
      points: 0,
    });
  });

  it('any holds when one alternative holds, else lists every alternative', () => {
    const either = (tier: string) => ({
      any: [
        { field: 'purchase.hour', op: 'gte', value: 14 },
        { field: 'member.tier', op: 'eq', value: tier },
      ],
    });
    expect(check(either('silver'))).toBe('matched');
    expect(check(either('gold'))).toBe(
      'none of the alternatives holds: hour is 11; the rule needs at least 14 / member tier is silver; the rule needs gold',
    );
  });

  it('not fails when its condition holds, saying what held', () => {
    expect(check({ not: { field: 'member.tier', op: 'eq', value: 'gold' } })).toBe('matched');
    expect(check({ not: { field: 'member.tier', op: 'in', value: ['silver', 'gold'] } })).toBe(
      'member tier is silver (one of silver, gold); the rule excludes that',
    );
  });
});

describe('item conditions', () => {
  const basket = makeContext({
    items: [
      makeItem({ sku: 'esp', category: 'coffee', quantity: 1, unitPriceMinor: 250 }),
      makeItem({ sku: 'lat', category: 'coffee', quantity: 2, unitPriceMinor: 350, discountMinor: 350 }),
      makeItem({ sku: 'cro', category: 'pastry', quantity: 1, unitPriceMinor: 200 }),
      // A coffee given free by a reward: its whole price is discounted.
      makeItem({ sku: 'free', category: 'coffee', quantity: 1, unitPriceMinor: 250, discountMinor: 250 }),
    ],
  });

  it('counts units bought whatever their discount, but not a unit given free', () => {
    expect(check({ items: { categories: ['coffee'], minQuantity: 3 } }, basket)).toBe('matched');
    expect(check({ items: { categories: ['coffee'], minQuantity: 4 } }, basket)).toBe(
      'items of category coffee: quantity is 3; the rule needs at least 4',
    );
  });

  it('matches skus and categories together, and spend', () => {
    expect(check({ items: { categories: ['coffee'], skus: ['lat'], minQuantity: 3 } }, basket)).toBe(
      'items of category coffee with sku lat: quantity is 2; the rule needs at least 3',
    );
    expect(check({ items: { categories: ['coffee'], minSpendMinor: 600 } }, basket)).toBe('matched');
    expect(check({ items: { categories: ['coffee', 'pastry'], minSpendMinor: 1000 } }, basket)).toBe(
      'items of categories coffee, pastry: spend is 8.00 EUR; the rule needs at least 10.00 EUR',
    );
    expect(check({ items: { skus: ['tea'] } }, basket)).toBe(
      'items of sku tea: quantity is 0; the rule needs at least 1',
    );
  });
});
