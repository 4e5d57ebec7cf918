// Invariants of evaluate() over generated rule sets and purchases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './compile.js';
import type { EvaluationContext } from './context.schema.js';
import { evaluate } from './evaluate.js';
import {
  stackingGroup,
  type Effect,
  type Limit,
  type MultiplierTargets,
  type Rule,
  type RuleInput,
} from './rule.schema.js';
import { validateRuleSet } from './validate.js';

const CATEGORIES = ['coffee', 'tea', 'cake'];
const itemMatch = fc.record({ categories: fc.subarray(CATEGORIES, { minLength: 1 }) });

const awardEffect: fc.Arbitrary<Effect> = fc.oneof(
  fc.record({ type: fc.constant('awardFixedPoints' as const), points: fc.integer({ min: 1, max: 500 }) }),
  fc.record(
    {
      type: fc.constant('awardPointsPerSpend' as const),
      points: fc.integer({ min: 1, max: 20 }),
      perAmountMinor: fc.integer({ min: 20, max: 500 }),
      rounding: fc.constantFrom('floor' as const, 'round' as const, 'ceil' as const),
      items: itemMatch,
      maxPoints: fc.integer({ min: 1, max: 300 }),
    },
    { requiredKeys: ['type', 'points', 'perAmountMinor', 'rounding'] },
  ),
  fc.record(
    {
      type: fc.constant('awardPointsPerItem' as const),
      points: fc.integer({ min: 1, max: 50 }),
      items: itemMatch,
      maxPoints: fc.integer({ min: 1, max: 300 }),
    },
    { requiredKeys: ['type', 'points', 'items'] },
  ),
);
const sideEffect: fc.Arbitrary<Effect> = fc.oneof(
  fc.record({
    type: fc.constant('addStamps' as const),
    cardId: fc.constantFrom('card-a', 'card-b'),
    stamps: fc.integer({ min: 1, max: 3 }),
    per: fc.constantFrom('purchase' as const, 'item' as const),
  }),
  fc.record({
    type: fc.constant('issueCoupon' as const),
    couponTemplateId: fc.constant('coupon'),
    quantity: fc.constant(1),
  }),
);
const multiplyEffect: fc.Arbitrary<Effect> = fc.record({
  type: fc.constant('multiplyPoints' as const),
  targets: fc.constantFrom<MultiplierTargets>(
    { baseEarn: true },
    { groups: ['exclusive-group', 'best-group'] },
  ),
  factorBasisPoints: fc.integer({ min: 10_001, max: 50_000 }),
  rounding: fc.constantFrom('floor' as const, 'ceil' as const),
});

const condition = fc.oneof(
  fc.record({
    field: fc.constant('purchase.hour' as const),
    op: fc.constant('gte' as const),
    value: fc.integer({ min: 0, max: 23 }),
  }),
  fc.record({
    field: fc.constant('member.tier' as const),
    op: fc.constant('in' as const),
    value: fc.subarray(['silver', 'gold'], { minLength: 1 }),
  }),
  fc.record({
    items: fc.record({
      categories: fc.subarray(CATEGORIES, { minLength: 1 }),
      minQuantity: fc.integer({ min: 1, max: 4 }),
    }),
  }),
);

const ruleBody = (isMultiplier: boolean) =>
  fc.record(
    {
      priority: fc.integer({ min: 0, max: 2 }),
      isBaseEarn: isMultiplier ? fc.constant(false) : fc.boolean(),
      effects: isMultiplier
        ? fc.tuple(multiplyEffect).map((effects) => effects as Effect[])
        : fc
            .tuple(awardEffect, fc.option(sideEffect, { nil: undefined }))
            .map(([award, side]) => (side ? [award, side] : [award])),
      stacking: isMultiplier
        ? fc.constantFrom({ mode: 'stackable' as const }, { mode: 'bestOf' as const, group: 'multipliers' })
        : fc.constantFrom(
            { mode: 'stackable' as const },
            { mode: 'exclusive_in_group' as const, group: 'exclusive-group' },
            { mode: 'bestOf' as const, group: 'best-group' },
            { mode: 'bestOf' as const, group: 'other-best' },
          ),
      conditions: condition,
      limits: fc.constantFrom<Limit[]>(
        [{ period: 'day' as const, maxTimes: 2 }],
        [{ period: 'week' as const, maxPoints: 150 }],
        [
          { period: 'day' as const, maxTimes: 3 },
          { period: 'lifetime' as const, maxPoints: 400 },
        ],
      ),
      budget: fc.record({ totalPoints: fc.integer({ min: 1, max: 1000 }) }),
    },
    { requiredKeys: ['priority', 'isBaseEarn', 'effects', 'stacking'] },
  );

const ruleSetArb: fc.Arbitrary<Rule[]> = fc
  .tuple(
    fc.array(ruleBody(false), { minLength: 1, maxLength: 8 }),
    fc.array(ruleBody(true), { maxLength: 3 }),
  )
  .map(([awards, multipliers]) => {
    const inputs: RuleInput[] = [...awards, ...multipliers].map((body, index) => ({
      ...body,
      id: `r${index}`,
      version: 1,
      name: `Rule ${index}`,
    }));
    const result = validateRuleSet(inputs);
    if (!result.ok) throw new Error(`generator made an invalid set: ${JSON.stringify(result.issues)}`);
    return result.rules;
  });

const usageCounter = fc.record({
  times: fc.integer({ min: 0, max: 4 }),
  points: fc.integer({ min: 0, max: 500 }),
});

const contextArb = (ruleCount: number): fc.Arbitrary<EvaluationContext> =>
  fc.record({
    now: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 0, 1) }),
    timeZone: fc.constantFrom('Europe/Paris', 'America/New_York', 'Asia/Kolkata'),
    purchase: fc.record({
      currency: fc.constant('EUR'),
      items: fc.array(
        fc
          .record({
            sku: fc.constantFrom('s1', 's2', 's3'),
            category: fc.constantFrom(...CATEGORIES),
            quantity: fc.integer({ min: 1, max: 3 }),
            unitPriceMinor: fc.integer({ min: 0, max: 2000 }),
            discountShare: fc.integer({ min: 0, max: 100 }),
            isPaidWithPoints: fc.boolean(),
          })
          .map(({ discountShare, isPaidWithPoints, ...item }) => {
            const gross = item.quantity * item.unitPriceMinor;
            const deducted = Math.floor((gross * discountShare) / 100);
            return isPaidWithPoints
              ? { ...item, paidWithPointsMinor: deducted }
              : { ...item, discountMinor: deducted };
          }),
        { maxLength: 8 },
      ),
    }),
    member: fc.option(
      fc.record({
        tier: fc.constantFrom('silver', 'gold'),
        purchaseCount: fc.integer({ min: 0, max: 5 }),
        stampCards: fc.record({ 'card-a': fc.integer({ min: 0, max: 12 }) }),
      }),
      { nil: undefined },
    ),
    usage: fc.dictionary(
      fc.constantFrom(...Array.from({ length: ruleCount }, (_, i) => `r${i}`)),
      fc.record({ day: usageCounter, week: usageCounter, lifetime: usageCounter }, { requiredKeys: [] }),
    ),
    budgets: fc.dictionary(
      fc.constantFrom(...Array.from({ length: ruleCount }, (_, i) => `r${i}`)),
      fc.record({ remainingPoints: fc.integer({ min: -5, max: 1000 }) }),
    ),
    stampCardThresholds: fc.record({ 'card-a': fc.integer({ min: 1, max: 10 }) }, { requiredKeys: [] }),
  });

const scenario = ruleSetArb.chain((rules) => fc.tuple(fc.constant(rules), contextArb(rules.length)));

describe('evaluate invariants', () => {
  it('points are non-negative integers and equal the breakdown', () => {
    fc.assert(
      fc.property(scenario, ([rules, context]) => {
        const result = evaluate(rules, context);
        expect(Number.isSafeInteger(result.points) && result.points >= 0).toBe(true);
        expect(result.breakdown.reduce((sum, entry) => sum + entry.points, 0)).toBe(result.points);
        for (const entry of result.trace)
          expect(Number.isSafeInteger(entry.points) && entry.points >= 0).toBe(true);
        expect(result.trace).toHaveLength(rules.length);
      }),
    );
  });

  it('is deterministic, and a compiled set gives the same result', () => {
    fc.assert(
      fc.property(scenario, ([rules, context]) => {
        const compiled = compileRuleSet(rules);
        const first = evaluate(compiled, context);
        expect(evaluate(compiled, context)).toEqual(first);
        expect(evaluate(rules, context)).toEqual(first);
      }),
    );
  });

  it('does not depend on the order of the rules', () => {
    fc.assert(
      fc.property(
        scenario.chain(([rules, context]) =>
          fc.tuple(
            fc.constant(rules),
            fc.constant(context),
            fc.shuffledSubarray(rules, { minLength: rules.length }),
          ),
        ),
        ([rules, context, shuffled]) => {
          expect(evaluate(shuffled, context)).toEqual(evaluate(rules, context));
        },
      ),
    );
  });

  it('never counts a line for two exclusive/best-of winners', () => {
    fc.assert(
      fc.property(scenario, ([rules, context]) => {
        const result = evaluate(rules, context);
        const byId = new Map(rules.map((rule) => [rule.id, rule]));
        const uses = new Map<number, string[]>();
        for (const entry of result.trace) {
          if (entry.outcome !== 'applied' || byId.get(entry.ruleId)?.stacking.mode === 'stackable') continue;
          for (const line of entry.lines) uses.set(line, [...(uses.get(line) ?? []), entry.ruleId]);
        }
        for (const [, ruleIds] of uses) expect(ruleIds.length).toBeLessThanOrEqual(1);
        // And each group has at most one winner.
        const winners = new Map<string, number>();
        for (const entry of result.trace) {
          const stacking = byId.get(entry.ruleId)?.stacking;
          const group = stacking && stackingGroup(stacking);
          if (entry.outcome === 'applied' && group !== undefined) {
            winners.set(group, (winners.get(group) ?? 0) + 1);
          }
        }
        for (const [, count] of winners) expect(count).toBe(1);
      }),
    );
  });

  it('never exceeds a per-member limit or the remaining budget', () => {
    fc.assert(
      fc.property(scenario, ([rules, context]) => {
        const result = evaluate(rules, context);
        for (const consumed of result.consumption) {
          const rule = rules.find((candidate) => candidate.id === consumed.ruleId)!;
          for (const limit of rule.limits ?? []) {
            const used = context.usage?.[rule.id]?.[limit.period] ?? { times: 0, points: 0 };
            if (limit.maxTimes !== undefined)
              expect(used.times + consumed.times).toBeLessThanOrEqual(limit.maxTimes);
            if (limit.maxPoints !== undefined && consumed.points > 0) {
              expect(used.points + consumed.points).toBeLessThanOrEqual(limit.maxPoints);
            }
          }
          if (rule.budget !== undefined && consumed.points > 0) {
            const remaining = context.budgets?.[rule.id]?.remainingPoints ?? rule.budget.totalPoints;
            expect(consumed.points).toBeLessThanOrEqual(Math.min(remaining, rule.budget.totalPoints));
          }
        }
      }),
    );
  });
});
