// The three ways a rule combines with others, over the same two rules: a regular 1,000-point rule and a
// 2,000-point promotion.
import { describe, expect, it } from 'vitest';
import type { RuleInput } from './rule.schema.js';
import { makeContext, makeRuleInput, run, traceOf } from './testing/builders.js';
import { validateRule, validateRuleSet } from './validate.js';

const regular: Partial<RuleInput> = {
  id: 'regular',
  effects: [{ type: 'awardFixedPoints', points: 1000 }],
};
const promo = (stacking: RuleInput['stacking'], overrides: Partial<RuleInput> = {}): Partial<RuleInput> => ({
  id: 'promo',
  effects: [{ type: 'awardFixedPoints', points: 2000 }],
  stacking,
  ...overrides,
});

describe('stacking modes', () => {
  it('stackable (the default): both apply, 3,000 points', () => {
    expect(run([regular, promo(undefined)]).points).toBe(3000);
    expect(run([regular, promo({ mode: 'stackable' })]).points).toBe(3000);
  });

  it('exclusive_in_group: exclusive only within its group, so the regular rule still adds up', () => {
    expect(run([regular, promo({ mode: 'exclusive_in_group', group: 'promos' })]).points).toBe(3000);
    // Within one group the highest priority wins.
    const grouped = run([
      { ...regular, priority: 1, stacking: { mode: 'exclusive_in_group', group: 'promos' } },
      promo({ mode: 'exclusive_in_group', group: 'promos' }, { priority: 5 }),
    ]);
    expect(grouped.points).toBe(2000);
  });

  it('exclusive: when it applies no other rule does, 2,000 points', () => {
    const result = run([regular, promo({ mode: 'exclusive' })]);
    expect(result.points).toBe(2000);
    expect(result.breakdown.map((line) => line.ruleId)).toEqual(['promo']);
    expect(traceOf(result, 'regular')).toMatchObject({
      outcome: 'skipped',
      reason: 'stacking',
      message: "exclusive rule 'promo' applies to this purchase, so no other rule does",
    });
  });

  it('exclusive also stops other rules’ stamps, coupons and tags, and multipliers', () => {
    const result = run([
      { ...regular, isBaseEarn: true },
      { id: 'tag', effects: [{ type: 'addMemberTag', tag: 'seen' }] },
      {
        id: 'double',
        effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
      },
      promo({ mode: 'exclusive' }),
    ]);
    expect(result.points).toBe(2000);
    expect(result.effects).toEqual([]);
  });

  it('an exclusive rule that does not apply excludes nothing', () => {
    const result = run([
      regular,
      promo({ mode: 'exclusive' }, { conditions: { field: 'member.tier', op: 'eq', value: 'gold' } }),
    ]);
    expect(result.points).toBe(1000);
    // Refused by its limit: it does not apply either.
    const limited = run(
      [regular, promo({ mode: 'exclusive' }, { limits: [{ period: 'day', maxTimes: 1 }] })],
      makeContext({ usage: { promo: { day: { times: 1, points: 2000 } } } }),
    );
    expect(limited.points).toBe(1000);
    expect(traceOf(limited, 'promo')).toMatchObject({ outcome: 'skipped', reason: 'limit' });
  });

  it('among exclusive rules the highest priority wins, then the larger effect', () => {
    const byPriority = run([
      promo({ mode: 'exclusive' }, { id: 'big', priority: 1 }),
      promo(
        { mode: 'exclusive' },
        { id: 'small', priority: 9, effects: [{ type: 'awardFixedPoints', points: 10 }] },
      ),
    ]);
    expect(byPriority.points).toBe(10);
    expect(traceOf(byPriority, 'big')).toMatchObject({
      reason: 'stacking',
      message:
        "exclusive rule 'small' applied instead (priority 9, 10 points; this rule priority 1, 2000 points)",
    });
    const byEffect = run([
      promo(
        { mode: 'exclusive' },
        { id: 'a-small', priority: 3, effects: [{ type: 'awardFixedPoints', points: 10 }] },
      ),
      promo({ mode: 'exclusive' }, { id: 'b-big', priority: 3 }),
    ]);
    expect(byEffect.points).toBe(2000);
    expect(byEffect.breakdown.map((line) => line.ruleId)).toEqual(['b-big']);
  });

  it('refuses two exclusive rules of the same priority that nothing can tell apart, naming the field', () => {
    const same = validateRuleSet([
      makeRuleInput({
        id: 'a',
        stacking: { mode: 'exclusive' },
        effects: [{ type: 'awardFixedPoints', points: 50 }],
      }),
      makeRuleInput({
        id: 'b',
        stacking: { mode: 'exclusive' },
        effects: [
          { type: 'awardFixedPoints', points: 20 },
          { type: 'awardFixedPoints', points: 30 },
        ],
      }),
    ]);
    expect(same).toEqual({
      ok: false,
      issues: [
        {
          path: '[1].priority',
          message:
            "rules 'a' and 'b' are both exclusive with priority 0 and give the same effect, so nothing decides which one applies; give one of them another priority",
        },
      ],
    });
    // Different priorities, or effects that can differ on a purchase, are fine.
    expect(
      validateRuleSet([
        makeRuleInput({ id: 'a', stacking: { mode: 'exclusive' } }),
        makeRuleInput({ id: 'b', stacking: { mode: 'exclusive' }, priority: 1 }),
        makeRuleInput({
          id: 'c',
          stacking: { mode: 'exclusive' },
          effects: [{ type: 'awardPointsPerSpend', points: 2, perAmountMinor: 100 }],
        }),
      ]).ok,
    ).toBe(true);
  });

  it('refuses a mode that does not exist, a group on exclusive, and an exclusive multiplier', () => {
    expect(validateRule(makeRuleInput({ stacking: { mode: 'solo' } as never }))).toEqual({
      ok: false,
      issues: [
        {
          path: 'stacking.mode',
          message: "unknown mode 'solo'; expected one of stackable, exclusive_in_group, bestOf, exclusive",
        },
      ],
    });
    expect(validateRule(makeRuleInput({ stacking: { mode: 'exclusive', group: 'g' } as never }))).toEqual({
      ok: false,
      issues: [
        {
          path: 'stacking.group',
          message:
            'an exclusive rule excludes every other rule and has no group; for one winner per group use the mode exclusive_in_group',
        },
      ],
    });
    const multiplier = validateRule(
      makeRuleInput({
        stacking: { mode: 'exclusive' },
        effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
      }),
    );
    expect(multiplier.ok).toBe(false);
    if (!multiplier.ok) expect(multiplier.issues[0]?.path).toBe('stacking.mode');
  });
});
