// Evaluation work is linear in the size of the rules: every condition node is computed (tested, and
// described when a `not` or an `any` explains itself) at most once per evaluation. Work is counted in
// node visits, never timed: the visits counted are those of the nodes below a `not` or an `any`, the only
// ones an ancestor can ask twice (the others are computed once by construction, called once by their
// parent).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCountingWork } from './evaluate.js';
import type { Condition, Rule } from './rule.schema.js';
import { RULE_LIMITS } from './limits.js';
import { makeContext, makeRule } from './testing/builders.js';
import { validateRule } from './validate.js';

const leaf: fc.Arbitrary<Condition> = fc
  .record({ op: fc.constantFrom('gte' as const, 'lt' as const), value: fc.integer({ min: 0, max: 23 }) })
  .map(({ op, value }) => ({ field: 'purchase.hour', op, value }) as Condition);

const { tree } = fc.letrec<{ tree: Condition }>((recurse) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ not: recurse('tree') }),
    fc.record({ all: fc.array(recurse('tree'), { minLength: 1, maxLength: 4 }) }),
    fc.record({ any: fc.array(recurse('tree'), { minLength: 1, maxLength: 4 }) }),
  ),
}));

function size(condition: Condition): number {
  if ('not' in condition) return 1 + size(condition.not);
  if ('all' in condition) return 1 + condition.all.reduce((sum, part) => sum + size(part), 0);
  if ('any' in condition) return 1 + condition.any.reduce((sum, part) => sum + size(part), 0);
  return 1;
}

function depth(condition: Condition): number {
  if ('not' in condition) return 1 + depth(condition.not);
  if ('all' in condition) return 1 + Math.max(...condition.all.map(depth));
  if ('any' in condition) return 1 + Math.max(...condition.any.map(depth));
  return 1;
}

const atHour = (hour: number) =>
  makeContext({ now: `2025-06-03T${String(hour).padStart(2, '0')}:30:00+02:00` });

// A rule built without validation, to measure nesting far beyond what validation lets through.
function unvalidated(conditions: Condition): Rule {
  return { ...makeRule(), conditions };
}

function notChain(levels: number, inner: Condition): Condition {
  let condition = inner;
  for (let level = 0; level < levels; level++) condition = { not: condition };
  return condition;
}

describe('evaluation work', () => {
  it('computes each condition node at most twice (test + description), for any valid tree', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 23 }), (conditions, hour) => {
        fc.pre(depth(conditions) <= RULE_LIMITS.maxConditionDepth);
        const rule = validateRule({ ...makeRule(), conditions });
        if (!rule.ok) throw new Error(JSON.stringify(rule.issues));
        const { conditionVisits } = evaluateCountingWork([rule.rule], atHour(hour));
        expect(conditionVisits).toBeLessThanOrEqual(2 * size(conditions));
      }),
      { seed: 24_11, numRuns: 150 },
    );
  }, 60_000);

  it('grows linearly with depth: a chain of `not` costs about two visits per level, even 2,000 deep', () => {
    const visits: number[] = [];
    for (const levels of [16, 100, 1000, 2000]) {
      // The innermost condition fails at 11:30, so every other level holds and every other fails.
      const chain = notChain(levels, { field: 'purchase.hour', op: 'gte', value: 14 });
      const { conditionVisits, result } = evaluateCountingWork([unvalidated(chain)], atHour(11));
      expect(result.trace).toHaveLength(1);
      expect(conditionVisits).toBeLessThanOrEqual(2 * (levels + 1));
      visits.push(conditionVisits);
    }
    // Doubling the depth doubles the work (before: ×1.37 per level).
    expect(visits[3]! / visits[2]!).toBeLessThanOrEqual(2.01);
  });

  it('grows linearly with size: n alternatives of an `any` of `not`s cost O(n)', () => {
    const visits = [10, 100, 1000].map((width) => {
      const wide: Condition = {
        any: Array.from({ length: width }, () =>
          notChain(3, { field: 'purchase.hour', op: 'lt', value: 14 }),
        ),
      };
      return evaluateCountingWork([unvalidated(wide)], atHour(11)).conditionVisits;
    });
    expect(visits[1]! / visits[0]!).toBeLessThanOrEqual(10.1);
    expect(visits[2]! / visits[1]!).toBeLessThanOrEqual(10.1);
  });
});
