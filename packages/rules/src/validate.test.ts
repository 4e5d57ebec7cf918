import { describe, expect, it } from 'vitest';
import { makeRuleInput } from './testing/builders.js';
import { validateRule, validateRuleSet } from './validate.js';
import type { RuleInput } from './rule.schema.js';

function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = validateRule(input);
  return result.ok ? [] : result.issues;
}

const withCondition = (condition: unknown) => ({
  ...makeRuleInput(),
  conditions: {
    all: [
      { field: 'purchase.hour', op: 'gte', value: 0 },
      { field: 'purchase.hour', op: 'lte', value: 23 },
      condition,
    ],
  },
});

describe('validateRule', () => {
  it('accepts a valid rule and fills in defaults', () => {
    const result = validateRule(makeRuleInput());
    expect(result).toEqual({
      ok: true,
      rule: expect.objectContaining({ priority: 0, isBaseEarn: false, stacking: { mode: 'stackable' } }),
    });
  });

  it('rejects gt against a string at the exact path', () => {
    expect(issuesOf(withCondition({ field: 'purchase.hour', op: 'gt', value: 'noon' }))).toEqual([
      { path: 'conditions.all[2].value', message: 'expected a number' },
    ]);
  });

  it('rejects an unknown field and an unknown operator', () => {
    expect(issuesOf(withCondition({ field: 'purchase.weather', op: 'eq', value: 1 }))).toEqual([
      { path: 'conditions.all[2].field', message: "unknown field 'purchase.weather'" },
    ]);
    expect(issuesOf(withCondition({ field: 'purchase.hour', op: 'around', value: 1 }))).toEqual([
      {
        path: 'conditions.all[2].op',
        message:
          "unknown operator 'around'; expected one of eq, ne, gt, gte, lt, lte, in, notIn, between, contains",
      },
    ]);
  });

  it('rejects between with min greater than max, and values out of the field range', () => {
    expect(
      issuesOf({
        ...makeRuleInput(),
        conditions: { field: 'purchase.hour', op: 'between', value: { min: 17, max: 14 } },
      }),
    ).toEqual([{ path: 'conditions.value', message: 'min (17) is greater than max (14)' }]);
    expect(
      issuesOf({ ...makeRuleInput(), conditions: { field: 'purchase.hour', op: 'eq', value: 24 } }),
    ).toEqual([{ path: 'conditions.value', message: 'hour must be between 0 and 23' }]);
  });

  it('rejects an operator that does not apply to the field type', () => {
    expect(
      issuesOf({ ...makeRuleInput(), conditions: { field: 'member.tier', op: 'gt', value: 'gold' } }),
    ).toEqual([
      {
        path: 'conditions.op',
        message: 'operator gt does not apply to member.tier; use one of eq, ne, in, notIn',
      },
    ]);
    expect(
      issuesOf({ ...makeRuleInput(), conditions: { field: 'member.tags', op: 'eq', value: 'vip' } }),
    ).toEqual([
      {
        path: 'conditions.op',
        message: 'operator eq does not apply to member.tags; use one of contains, in, notIn',
      },
    ]);
  });

  it('checks every value of in/notIn, dates, days and booleans', () => {
    expect(
      issuesOf({ ...makeRuleInput(), conditions: { field: 'member.tier', op: 'in', value: [] } }),
    ).toEqual([{ path: 'conditions.value', message: 'expected a non-empty list of values' }]);
    expect(
      issuesOf({ ...makeRuleInput(), conditions: { field: 'purchase.hour', op: 'in', value: [1, 'two'] } }),
    ).toEqual([{ path: 'conditions.value[1]', message: 'expected a number' }]);
    expect(
      issuesOf({
        ...makeRuleInput(),
        conditions: { field: 'purchase.date', op: 'gte', value: '2025-02-30' },
      }),
    ).toEqual([{ path: 'conditions.value', message: 'expected a date written YYYY-MM-DD' }]);
    expect(
      issuesOf({
        ...makeRuleInput(),
        conditions: { field: 'purchase.dayOfWeek', op: 'eq', value: 'funday' },
      }),
    ).toEqual([
      {
        path: 'conditions.value',
        message: 'expected a day of week: 1–7 (Monday = 1) or a name such as "monday"',
      },
    ]);
    expect(
      issuesOf({
        ...makeRuleInput(),
        conditions: { field: 'member.isFirstPurchase', op: 'eq', value: 'yes' },
      }),
    ).toEqual([{ path: 'conditions.value', message: 'expected true or false' }]);
    expect(issuesOf({ ...makeRuleInput(), conditions: { field: 'purchase.hour', op: 'eq' } })).toEqual([
      { path: 'conditions.value', message: 'required' },
    ]);
  });

  it('names the problem inside not, any and item conditions', () => {
    expect(
      issuesOf({
        ...makeRuleInput(),
        conditions: { not: { any: [{ field: 'purchase.hour', op: 'lt', value: 1.5 }] } },
      }),
    ).toEqual([{ path: 'conditions.not.any[0].value', message: 'expected a whole number' }]);
    expect(issuesOf({ ...makeRuleInput(), conditions: { items: { minQuantity: 2 } } })).toEqual([
      { path: 'conditions.items', message: 'give categories or skus' },
    ]);
    expect(issuesOf({ ...makeRuleInput(), conditions: { whatever: true } })).toEqual([
      {
        path: 'conditions',
        message: 'expected a condition: an object with one of the keys all, any, not, field, items',
      },
    ]);
    expect(
      issuesOf({ ...makeRuleInput(), conditions: { field: 'purchase.hour', op: 'eq', value: 1, vale: 2 } }),
    ).toEqual([{ path: 'conditions', message: "unknown key 'vale'" }]);
  });

  it('rejects unknown effect types and missing fields', () => {
    expect(issuesOf(makeRuleInput({ effects: [{ type: 'givePony' } as never] }))).toEqual([
      {
        path: 'effects[0].type',
        message:
          "unknown type 'givePony'; expected one of awardFixedPoints, awardPointsPerSpend, awardPointsPerItem, multiplyPoints, addStamps, issueCoupon, addMemberTag, removeMemberTag",
      },
    ]);
    expect(issuesOf({ id: 'r', version: 1, effects: [] })).toEqual([
      { path: 'name', message: 'required' },
      { path: 'effects', message: 'must not be empty' },
    ]);
  });

  it('rejects effects that could award unbounded points unless capped', () => {
    expect(
      issuesOf(
        makeRuleInput({ effects: [{ type: 'awardPointsPerSpend', points: 500, perAmountMinor: 100 }] }),
      ),
    ).toEqual([
      {
        path: 'effects[0].maxPoints',
        message:
          '500 points per 100 minor units is more than 1 point per minor unit; set maxPoints to cap it',
      },
    ]);
    expect(
      issuesOf(
        makeRuleInput({ effects: [{ type: 'awardPointsPerItem', points: 500, items: { skus: ['a'] } }] }),
      ),
    ).toEqual([
      {
        path: 'effects[0].maxPoints',
        message: '500 points per item is more than 100; set maxPoints to cap it',
      },
    ]);
    expect(
      issuesOf(
        makeRuleInput({
          effects: [{ type: 'awardPointsPerSpend', points: 500, perAmountMinor: 100, maxPoints: 1000 }],
        }),
      ),
    ).toEqual([]);
    expect(
      issuesOf(
        makeRuleInput({
          effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 200_000 }],
        }),
      ),
    ).toEqual([{ path: 'effects[0].factorBasisPoints', message: 'must be at most 100000' }]);
    expect(issuesOf(makeRuleInput({ effects: [{ type: 'awardFixedPoints', points: -5 }] }))).toEqual([
      { path: 'effects[0].points', message: 'must be at least 1' },
    ]);
  });

  it('rejects a rule that both awards and multiplies, or two line-based awards', () => {
    expect(
      issuesOf(
        makeRuleInput({
          effects: [
            { type: 'awardFixedPoints', points: 5 },
            { type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 },
          ],
        }),
      ),
    ).toEqual([
      {
        path: 'effects',
        message: 'a rule either awards points or multiplies them, not both; split it into two rules',
      },
    ]);
    expect(
      issuesOf(
        makeRuleInput({
          effects: [
            { type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100 },
            { type: 'awardPointsPerItem', points: 1, items: { skus: ['a'] } },
          ],
        }),
      ),
    ).toEqual([
      {
        path: 'effects',
        message: 'a rule may have at most one per-spend or per-item award; split it into several rules',
      },
    ]);
  });

  it('rejects a schedule that ends before it starts, and empty hour windows', () => {
    expect(issuesOf(makeRuleInput({ schedule: { startsAt: '2025-06-01', endsAt: '2025-05-31' } }))).toEqual([
      { path: 'schedule.endsAt', message: 'the schedule ends (2025-05-31) before it starts (2025-06-01)' },
    ]);
    expect(
      issuesOf(
        makeRuleInput({
          schedule: { startsAt: '2025-06-01T10:00:00Z', endsAt: '2025-06-01T11:00:00+02:00' },
        }),
      ),
    ).toEqual([
      {
        path: 'schedule.endsAt',
        message: 'the schedule ends (2025-06-01T11:00:00+02:00) before it starts (2025-06-01T10:00:00Z)',
      },
    ]);
    expect(issuesOf(makeRuleInput({ schedule: { hours: { from: 14, to: 14 } } }))).toEqual([
      { path: 'schedule.hours.to', message: 'from and to must differ' },
    ]);
    expect(issuesOf(makeRuleInput({ schedule: { timeZone: 'Mars/Olympus' } }))).toEqual([
      { path: 'schedule.timeZone', message: 'expected an IANA time zone such as Europe/Paris' },
    ]);
  });

  it('rejects limits without a maximum and duplicate periods', () => {
    expect(issuesOf(makeRuleInput({ limits: [{ period: 'day' }] }))).toEqual([
      { path: 'limits[0]', message: 'give maxTimes or maxPoints' },
    ]);
    expect(
      issuesOf(
        makeRuleInput({
          limits: [
            { period: 'day', maxTimes: 1 },
            { period: 'day', maxPoints: 5 },
          ],
        }),
      ),
    ).toEqual([{ path: 'limits[1].period', message: 'a second day limit' }]);
  });
});

describe('validateRuleSet', () => {
  const multiplier = (id: string, targets: string[], factorBasisPoints = 20_000): RuleInput =>
    makeRuleInput({
      id,
      effects: [{ type: 'multiplyPoints', targets: { ruleIds: targets }, factorBasisPoints }],
    });

  it('prefixes rule issues with the rule index', () => {
    expect(validateRuleSet([makeRuleInput(), { ...makeRuleInput({ id: 'b' }), version: 0 }])).toEqual({
      ok: false,
      issues: [{ path: '[1].version', message: 'must be at least 1' }],
    });
  });

  it('rejects duplicate ids', () => {
    expect(validateRuleSet([makeRuleInput({ id: 'a' }), makeRuleInput({ id: 'a' })])).toEqual({
      ok: false,
      issues: [{ path: '[1].id', message: "duplicate rule id 'a' (also at [0])" }],
    });
  });

  it('rejects cyclic multipliers', () => {
    const result = validateRuleSet([multiplier('a', ['b']), multiplier('b', ['c']), multiplier('c', ['a'])]);
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '[0].effects[0].targets', message: 'cyclic multipliers: a → b → c → a' }],
    });
  });

  it('rejects chains of multipliers beyond 10×', () => {
    const result = validateRuleSet([
      makeRuleInput({ id: 'base', isBaseEarn: true }),
      multiplier('x4', ['base'], 40_000),
      multiplier('x3', ['x4'], 30_000),
    ]);
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: '[2].effects',
          message: 'this chain of multipliers multiplies points by 12×; the most allowed is 10×',
        },
      ],
    });
    expect(
      validateRuleSet([
        makeRuleInput({ id: 'base' }),
        multiplier('x4', ['base'], 40_000),
        multiplier('x2', ['x4'], 20_000),
      ]).ok,
    ).toBe(true);
  });

  it('rejects a group that mixes modes or mixes multipliers with awards', () => {
    expect(
      validateRuleSet([
        makeRuleInput({ id: 'a', stacking: { mode: 'exclusive_in_group', group: 'g' } }),
        makeRuleInput({ id: 'b', stacking: { mode: 'bestOf', group: 'g' } }),
      ]),
    ).toEqual({
      ok: false,
      issues: [
        {
          path: '[1].stacking.mode',
          message: "group 'g' is exclusive_in_group in rule 'a'; all rules of a group share one mode",
        },
      ],
    });
    expect(
      validateRuleSet([
        makeRuleInput({ id: 'a', isBaseEarn: true, stacking: { mode: 'bestOf', group: 'g' } }),
        {
          ...multiplier('b', []),
          effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
          stacking: { mode: 'bestOf', group: 'g' },
        },
      ]),
    ).toEqual({
      ok: false,
      issues: [
        {
          path: '[1].stacking.group',
          message: "group 'g' mixes rules that award points with rules that multiply them (see rule 'a')",
        },
      ],
    });
  });
});
