import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './compile.js';
import { evaluate } from './evaluate.js';
import type { RuleUsage } from './context.schema.js';
import type { RuleInput } from './rule.schema.js';
import { makeContext, makeItem, makeMember, makeRule, run, traceOf } from './testing/builders.js';

describe('priority and order', () => {
  it('evaluates by priority, then id, whatever order the rules come in', () => {
    const rules = [
      makeRule({ id: 'b', priority: 1 }),
      makeRule({ id: 'a', priority: 1 }),
      makeRule({ id: 'c', priority: 5 }),
    ];
    const forward = evaluate(rules, makeContext());
    const backward = evaluate([...rules].reverse(), makeContext());
    expect(forward.trace.map((entry) => entry.ruleId)).toEqual(['c', 'a', 'b']);
    expect(backward).toEqual(forward);
  });
});

describe('stacking', () => {
  const bonus = (
    id: string,
    priority: number,
    points: number,
    mode: 'exclusive_in_group' | 'bestOf',
  ): Partial<RuleInput> => ({
    id,
    priority,
    effects: [{ type: 'awardFixedPoints', points }],
    stacking: { mode, group: 'promo' },
  });

  it('exclusive: the highest priority wins, ties go to the lower id', () => {
    const result = run([
      bonus('low', 1, 500, 'exclusive_in_group'),
      bonus('high', 9, 50, 'exclusive_in_group'),
      bonus('also-high', 9, 70, 'exclusive_in_group'),
    ]);
    expect(result.points).toBe(70);
    expect(traceOf(result, 'high')).toMatchObject({
      outcome: 'skipped',
      reason: 'stacking',
      message: "exclusive group 'promo' went to rule 'also-high' (priority 9; this rule 9)",
    });
    expect(traceOf(result, 'low').message).toBe(
      "exclusive group 'promo' went to rule 'also-high' (priority 9; this rule 1)",
    );
  });

  it('exclusive: a rule whose conditions fail does not take part', () => {
    const result = run([
      {
        ...bonus('high', 9, 50, 'exclusive_in_group'),
        conditions: { field: 'member.tier', op: 'eq', value: 'gold' },
      },
      bonus('low', 1, 500, 'exclusive_in_group'),
    ]);
    expect(result.points).toBe(500);
  });

  it('bestOf: the rule giving the most points wins', () => {
    const result = run([bonus('small', 9, 50, 'bestOf'), bonus('big', 1, 80, 'bestOf')]);
    expect(result.points).toBe(80);
    expect(traceOf(result, 'small').message).toBe(
      "best-of group 'promo' went to rule 'big' (80 points; this rule 50 points)",
    );
  });

  it('bestOf between multipliers: happy hour 2× or birthday 3×, not both', () => {
    const multiplier = (id: string, factorBasisPoints: number): Partial<RuleInput> => ({
      id,
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints }],
      stacking: { mode: 'bestOf', group: 'multipliers' },
    });
    const result = run([
      { id: 'base', isBaseEarn: true },
      multiplier('happy-hour', 20_000),
      multiplier('birthday', 30_000),
    ]);
    expect(result.points).toBe(30);
  });

  it('a line feeds at most one exclusive/bestOf winner', () => {
    const context = makeContext({
      items: [makeItem({ sku: 'a', category: 'coffee' }), makeItem({ sku: 'b', category: 'tea' })],
    });
    const perSpend = (id: string, group: string, categories: string[], priority = 0): Partial<RuleInput> => ({
      id,
      priority,
      effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, items: { categories } }],
      stacking: { mode: 'bestOf', group },
    });
    // Groups run in order of their best member (priority, then id): coffee-only claims line 0 first.
    const byId = run(
      [
        perSpend('hot-drinks', 'g1', ['coffee', 'tea']),
        perSpend('coffee-only', 'g2', ['coffee']),
        perSpend('tea-only', 'g3', ['tea']),
      ],
      context,
    );
    expect(traceOf(byId, 'coffee-only')).toMatchObject({ points: 10, lines: [0] });
    expect(traceOf(byId, 'hot-drinks')).toMatchObject({ points: 10, lines: [1] });
    expect(traceOf(byId, 'tea-only')).toMatchObject({ outcome: 'skipped', reason: 'nothing' });
    expect(byId.points).toBe(20);
    const byPriority = run(
      [
        perSpend('hot-drinks', 'g1', ['coffee', 'tea'], 5),
        perSpend('coffee-only', 'g2', ['coffee']),
        perSpend('tea-only', 'g3', ['tea']),
      ],
      context,
    );
    expect(traceOf(byPriority, 'hot-drinks')).toMatchObject({ points: 20, lines: [0, 1] });
    expect(byPriority.points).toBe(20);
  });

  it('stackable rules all count the same line', () => {
    expect(run([{}, {}]).points).toBe(20);
  });
});

describe('schedule', () => {
  // The default context is Tuesday 2025-06-03, 11:30 in Paris (09:30 UTC).
  const skipped = (schedule: object, now?: string) => {
    const entry = traceOf(run([{ schedule }], makeContext(now === undefined ? {} : { now })), 'rule-0');
    return entry.outcome === 'applied'
      ? 'applied'
      : `${entry.outcome === 'skipped' ? entry.reason : ''}: ${entry.message}`;
  };

  it('dates are whole days in the time zone, instants are exact', () => {
    expect(skipped({ startsAt: '2025-06-03', endsAt: '2025-06-03' })).toBe('applied');
    expect(skipped({ startsAt: '2025-06-04' })).toBe(
      'schedule: the rule starts on 2025-06-04; the purchase is on 2025-06-03',
    );
    expect(skipped({ endsAt: '2025-06-02' })).toBe(
      'schedule: the rule ended on 2025-06-02; the purchase is on 2025-06-03',
    );
    expect(skipped({ startsAt: '2025-06-03T09:30:00Z' })).toBe('applied');
    expect(skipped({ endsAt: '2025-06-03T11:30:00+02:00' })).toBe(
      'schedule: the rule ended at 2025-06-03T11:30:00+02:00; the purchase is at 2025-06-03T09:30:00.000Z',
    );
  });

  it('days of week and hours, including windows past midnight', () => {
    expect(skipped({ daysOfWeek: ['mon', 'tue'] })).toBe('applied');
    expect(skipped({ daysOfWeek: [6, 7] })).toBe(
      'schedule: day of week is Tuesday; the rule runs on Saturday, Sunday',
    );
    expect(skipped({ hours: { from: 14, to: 17 } })).toBe('schedule: hour is 11; the rule runs 14:00–17:00');
    expect(skipped({ hours: { from: 11, to: 12 } })).toBe('applied');
    expect(skipped({ hours: { from: 22, to: 2 } }, '2025-06-03T22:30:00Z')).toBe('applied');
    expect(skipped({ hours: { from: 22, to: 2 } }, '2025-06-04T00:30:00Z')).toBe(
      'schedule: hour is 2; the rule runs 22:00–02:00',
    );
  });

  it('a schedule time zone overrides the program time zone', () => {
    expect(skipped({ hours: { from: 5, to: 6 }, timeZone: 'America/New_York' })).toBe('applied');
    expect(skipped({ daysOfWeek: ['mon'], timeZone: 'Pacific/Honolulu' }, '2025-06-03T05:00:00Z')).toBe(
      'applied',
    );
  });
});

describe('audience', () => {
  const audienceMessage = (audience: object, member = makeMember()) => {
    const entry = traceOf(run([{ audience }], makeContext({ member })), 'rule-0');
    return entry.outcome === 'applied' ? 'applied' : entry.message;
  };

  it('checks tiers, clubs, tags and segments', () => {
    const member = makeMember({ tier: 'gold', clubs: ['wine'], tags: ['vip'], segment: 'regular-active' });
    expect(
      audienceMessage(
        { tiers: ['gold'], clubs: ['wine', 'cheese'], tags: ['vip'], segments: ['regular-active'] },
        member,
      ),
    ).toBe('applied');
    expect(audienceMessage({ tiers: ['gold', 'platinum'] })).toBe(
      'member tier is silver; the rule is for gold, platinum',
    );
    expect(audienceMessage({ clubs: ['wine'] })).toBe(
      'member clubs are none; the rule is for members of wine',
    );
    expect(audienceMessage({ tags: ['vip'] }, makeMember({ tags: ['new'] }))).toBe(
      'member tags are new; the rule is for members tagged vip',
    );
    expect(audienceMessage({ segments: ['new-active'] })).toBe(
      'member segment is unknown; the rule is for new-active',
    );
  });

  it('skips anonymous purchases with a reason', () => {
    const entry = traceOf(
      run([{ audience: { tiers: ['gold'] } }], makeContext({ member: undefined })),
      'rule-0',
    );
    expect(entry).toMatchObject({
      outcome: 'skipped',
      reason: 'audience',
      message: 'the purchase has no member; the rule is for members only',
    });
  });
});

describe('limits and budgets', () => {
  const withUsage = (usage: RuleUsage, budgets?: { remainingPoints: number }) =>
    makeContext({ usage: { 'rule-0': usage }, ...(budgets ? { budgets: { 'rule-0': budgets } } : {}) });

  it('refuses a rule whose times limit is used up', () => {
    const result = run(
      [{ limits: [{ period: 'week', maxTimes: 3 }] }],
      withUsage({ week: { times: 3, points: 30 } }),
    );
    expect(result.points).toBe(0);
    expect(traceOf(result, 'rule-0')).toMatchObject({
      reason: 'limit',
      message: 'limit reached: used 3 of 3 times this week',
    });
    expect(result.consumption).toEqual([]);
  });

  it('caps points at what is left of a points limit and reports the consumption', () => {
    const result = run(
      [
        {
          limits: [
            { period: 'month', maxPoints: 25 },
            { period: 'lifetime', maxTimes: 10 },
          ],
        },
      ],
      withUsage({ month: { times: 2, points: 20 } }),
    );
    expect(result.points).toBe(5);
    expect(traceOf(result, 'rule-0')).toMatchObject({
      cappedBy: 'limit',
      message:
        'gave 5 points (1 point per 1.00 EUR on the amount paid, 10.00 EUR for all items); capped at 5 points by the limit of 25 this month',
    });
    expect(result.consumption).toEqual([
      {
        ruleId: 'rule-0',
        ruleVersion: 1,
        times: 1,
        points: 5,
        limitPeriods: ['month', 'lifetime'],
        hasBudget: false,
      },
    ]);
  });

  it('refuses a rule whose points limit is used up', () => {
    const result = run(
      [{ limits: [{ period: 'day', maxPoints: 20 }] }],
      withUsage({ day: { times: 2, points: 20 } }),
    );
    expect(traceOf(result, 'rule-0')).toMatchObject({
      reason: 'limit',
      message: 'limit reached: 20 points of 20 given today',
    });
  });

  it('caps at the remaining budget, refuses when it is spent, and assumes a full budget when none is given', () => {
    const rule = { budget: { totalPoints: 1000 } };
    const capped = run([rule], withUsage({}, { remainingPoints: 4 }));
    expect(capped.points).toBe(4);
    expect(traceOf(capped, 'rule-0')).toMatchObject({ cappedBy: 'budget' });
    expect(capped.consumption[0]).toMatchObject({ points: 4, hasBudget: true });
    const spent = run([rule], withUsage({}, { remainingPoints: 0 }));
    expect(traceOf(spent, 'rule-0')).toMatchObject({
      reason: 'budget',
      message: 'budget exhausted: 0 of 1000 points left',
    });
    expect(run([rule]).points).toBe(10);
  });

  it('a refused group member lets the next one win', () => {
    const result = run(
      [
        {
          id: 'first',
          priority: 9,
          limits: [{ period: 'lifetime', maxTimes: 1 }],
          stacking: { mode: 'exclusive_in_group', group: 'g' },
        },
        {
          id: 'second',
          priority: 1,
          effects: [{ type: 'awardFixedPoints', points: 3 }],
          stacking: { mode: 'exclusive_in_group', group: 'g' },
        },
      ],
      makeContext({ usage: { first: { lifetime: { times: 1, points: 10 } } } }),
    );
    expect(result.points).toBe(3);
    expect(traceOf(result, 'first')).toMatchObject({ reason: 'limit' });
  });
});

describe('compileRuleSet', () => {
  it('throws RuleSetError with issues for an invalid set', () => {
    expect(() => compileRuleSet([makeRule({ id: 'a' }), makeRule({ id: 'a' })])).toThrow(
      "invalid rule set: [1].id: duplicate rule id 'a' (also at [0])",
    );
  });

  it('gives the same results as evaluating the rules directly', () => {
    const rules = [
      makeRule({ id: 'a' }),
      makeRule({ id: 'b', effects: [{ type: 'awardFixedPoints', points: 7 }] }),
    ];
    expect(evaluate(compileRuleSet(rules), makeContext())).toEqual(evaluate(rules, makeContext()));
  });
});
