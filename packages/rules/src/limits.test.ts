// The limits are checked before any evaluation, on the raw JSON, whatever its depth or size.
import { describe, expect, it } from 'vitest';
import { RULE_LIMITS, checkPublishedSetLimits, isLimitIssue, measureRuleSet } from './limits.js';
import { makeRuleInput } from './testing/builders.js';
import { validateRule, validateRuleSet } from './validate.js';

const leaf = { field: 'purchase.hour', op: 'gte', value: 1 };

function nestNot(depth: number): unknown {
  let condition: unknown = leaf;
  for (let level = 1; level < depth; level++) condition = { not: condition };
  return condition;
}

function nestAll(depth: number): unknown {
  let condition: unknown = leaf;
  for (let level = 1; level < depth; level++) condition = { all: [leaf, condition] };
  return condition;
}

function issuesOf(input: unknown) {
  const result = validateRule(input);
  if (result.ok) throw new Error('expected the rule to be refused');
  return result.issues;
}

describe('rule limits', () => {
  it(`accepts conditions nesting ${RULE_LIMITS.maxConditionDepth} levels and refuses one more, at the deepest node`, () => {
    expect(validateRule(makeRuleInput({ conditions: nestNot(16) as never })).ok).toBe(true);
    expect(validateRule(makeRuleInput({ conditions: nestAll(16) as never })).ok).toBe(true);
    const issues = issuesOf(makeRuleInput({ conditions: nestNot(17) as never }));
    expect(issues).toEqual([
      {
        path: `conditions${'.not'.repeat(16)}`,
        message: 'conditions nest more than 16 levels deep here; the most allowed is 16',
        limit: 16,
      },
    ]);
    expect(issues.every(isLimitIssue)).toBe(true);
    // Both conditions of the 16th `all` sit at depth 17.
    expect(issuesOf(makeRuleInput({ conditions: nestAll(17) as never })).map((issue) => issue.path)).toEqual([
      `conditions${'.all[1]'.repeat(15)}.all[0]`,
      `conditions${'.all[1]'.repeat(16)}`,
    ]);
  });

  it('refuses 100,000 levels of nesting without recursing (no stack overflow)', () => {
    for (const nest of [nestNot, nestAll]) {
      const issues = issuesOf(makeRuleInput({ conditions: nest(100_000) as never }));
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.every((issue) => isLimitIssue(issue) && issue.limit === 16)).toBe(true);
    }
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = [deep];
    const issues = issuesOf(
      makeRuleInput({ conditions: { field: 'purchase.hour', op: 'in', value: deep as never } }),
    );
    expect(issues[0]).toMatchObject({ message: 'nests more than 48 levels deep', limit: 48 });
  });

  it('refuses too many conditions, effects, list entries, keys and characters, naming each path', () => {
    const wide = { any: Array.from({ length: 201 }, () => leaf) };
    expect(issuesOf(makeRuleInput({ conditions: wide as never }))).toEqual([
      {
        path: 'conditions',
        message: 'has more than 200 conditions; the most allowed is 200',
        limit: 200,
      },
    ]);
    const effects = Array.from({ length: 11 }, () => ({ type: 'awardFixedPoints', points: 1 }));
    expect(issuesOf(makeRuleInput({ effects: effects as never }))[0]).toMatchObject({
      path: 'effects',
      limit: 10,
    });
    const skus = Array.from({ length: 501 }, (_, index) => `sku-${index}`);
    expect(issuesOf(makeRuleInput({ conditions: { items: { skus } } as never }))[0]).toMatchObject({
      path: 'conditions.items.skus',
      message: 'has 501 entries; the most allowed is 500',
    });
    expect(issuesOf(makeRuleInput({ description: 'x'.repeat(1001) }))[0]).toMatchObject({
      path: 'description',
      message: 'is 1001 characters long; the most allowed is 1000',
    });
    const keys = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 1]));
    expect(issuesOf(makeRuleInput({ schedule: keys as never }))[0]).toMatchObject({
      path: 'schedule',
      limit: 50,
    });
  });

  it(`refuses more than ${RULE_LIMITS.maxRulesInSet} rules evaluated together`, () => {
    const rules = Array.from({ length: 1001 }, (_, index) => makeRuleInput({ id: `r-${index}` }));
    expect(validateRuleSet(rules)).toEqual({
      ok: false,
      issues: [{ path: '', message: '1001 rules evaluated together; the most allowed is 1000', limit: 1000 }],
    });
  });
});

describe('the published set limits', () => {
  const itemRule = (id: string, conditions: number) =>
    makeRuleInput({
      id,
      conditions: {
        any: Array.from({ length: conditions }, (_, c) => ({
          items: { categories: [`c${c}`], minQuantity: 2 },
        })),
      },
      effects: [{ type: 'awardPointsPerItem', points: 1, items: { skus: ['latte'] } }],
    });

  it('counts conditions (combinators, fields, items) and item matches (in conditions and effects)', () => {
    expect(measureRuleSet([itemRule('a', 3)])).toEqual({ conditions: 4, itemMatches: 4 });
    const fields = makeRuleInput({
      conditions: {
        not: {
          all: [
            { field: 'purchase.hour', op: 'gte', value: 9 },
            { field: 'member.tier', op: 'eq', value: 'gold' },
          ],
        },
      },
    });
    expect(measureRuleSet([fields, itemRule('b', 1)])).toEqual({ conditions: 6, itemMatches: 2 });
  });

  it('refuses a set whose item matches or conditions exceed the limits, with the limit', () => {
    const perRule = 199;
    const fitting = Array.from(
      { length: Math.floor(RULE_LIMITS.maxItemMatchesInSet / (perRule + 1)) },
      (_, r) => itemRule(`r${r}`, perRule),
    );
    expect(checkPublishedSetLimits(fitting)).toEqual([]);
    const issues = checkPublishedSetLimits([...fitting, itemRule('one-more', perRule)]);
    expect(issues).toEqual([expect.objectContaining({ path: '', limit: RULE_LIMITS.maxItemMatchesInSet })]);
    expect(issues.every(isLimitIssue)).toBe(true);
    const fieldRules = Array.from({ length: 260 }, (_, r) =>
      makeRuleInput({
        id: `f${r}`,
        conditions: {
          any: Array.from({ length: 199 }, () => ({ field: 'purchase.hour', op: 'gte', value: 9 })),
        },
      }),
    );
    expect(checkPublishedSetLimits(fieldRules)).toEqual([
      expect.objectContaining({ limit: RULE_LIMITS.maxConditionsInSet }),
    ]);
  });
});
