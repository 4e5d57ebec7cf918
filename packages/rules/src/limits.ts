// Limits on the size and shape of a rule, checked on the raw JSON before anything else looks at it (zod,
// the compiler, the evaluator), without recursion, so that no rule can make validation or evaluation
// deep, long or slow: a rule nesting `not` 100,000 levels deep is refused here like any other mistake.
import { formatPath, type ValidationIssue } from './issues.js';

/** The most a rule (and a set of rules) may hold; each refusal names the path of the offending node. */
export const RULE_LIMITS = {
  /** `all` / `any` / `not` nesting: a condition at the top is at depth 1. */
  maxConditionDepth: 16,
  /** Conditions in one rule, counting every `all`, `any`, `not`, field and item condition. */
  maxConditions: 200,
  /** Effects of one rule. */
  maxEffects: 10,
  /** Entries of any list (categories, skus, `in` values, audience, targets…). */
  maxListEntries: 500,
  /** Characters of any string. */
  maxStringLength: 1000,
  /** Keys of any object. */
  maxObjectKeys: 50,
  /** JSON nesting anywhere in a rule (conditions included; their own depth is limited above). */
  maxJsonDepth: 48,
  /** Rules evaluated together: the active set, or a simulation. */
  maxRulesInSet: 1000,
  /**
   * Item matches (a condition or an effect on `categories` or `skus`) in the published set, all rules
   * together: each is checked against every line of a purchase, so this (with the next) bounds the work
   * of a 500-line purchase (about 0.07 s with both limits reached, see docs/rules.md).
   */
  maxItemMatchesInSet: 5000,
  /** Conditions in the published set, all rules together (each is tested at most once per purchase). */
  maxConditionsInSet: 50_000,
} as const;

/** An issue about a limit, with the limit it exceeds. */
export interface LimitIssue extends ValidationIssue {
  readonly limit: number;
}

/** True for issues produced by the limits (the API answers them with their own code). */
export function isLimitIssue(issue: ValidationIssue): issue is LimitIssue {
  return typeof (issue as Partial<LimitIssue>).limit === 'number';
}

// Enough to tell a marketer what to fix without letting a huge input produce a huge answer.
const MAX_ISSUES = 20;

interface Frame {
  readonly value: unknown;
  readonly path: (string | number)[];
  readonly depth: number;
  /** The condition depth when the value sits where a condition goes. */
  readonly conditionDepth: number | undefined;
}

/** Checks a rule as written against `RULE_LIMITS`; an empty list means it is within every limit. */
export function checkRuleLimits(input: unknown): LimitIssue[] {
  const issues: LimitIssue[] = [];
  const add = (path: (string | number)[], message: string, limit: number) =>
    issues.push({ path: formatPath(path), message, limit });
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const effects = (input as Record<string, unknown>).effects;
    if (Array.isArray(effects) && effects.length > RULE_LIMITS.maxEffects) {
      add(
        ['effects'],
        `has ${effects.length} effects; the most allowed is ${RULE_LIMITS.maxEffects}`,
        RULE_LIMITS.maxEffects,
      );
    }
  }
  let conditions = 0;
  const stack: Frame[] = [{ value: input, path: [], depth: 1, conditionDepth: undefined }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path, depth, conditionDepth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > RULE_LIMITS.maxStringLength) {
        add(
          path,
          `is ${value.length} characters long; the most allowed is ${RULE_LIMITS.maxStringLength}`,
          RULE_LIMITS.maxStringLength,
        );
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (conditionDepth !== undefined) {
      if (conditionDepth > RULE_LIMITS.maxConditionDepth) {
        add(
          path,
          `conditions nest more than ${RULE_LIMITS.maxConditionDepth} levels deep here; the most allowed is ${RULE_LIMITS.maxConditionDepth}`,
          RULE_LIMITS.maxConditionDepth,
        );
        continue;
      }
      conditions++;
      if (conditions === RULE_LIMITS.maxConditions + 1) {
        add(
          ['conditions'],
          `has more than ${RULE_LIMITS.maxConditions} conditions; the most allowed is ${RULE_LIMITS.maxConditions}`,
          RULE_LIMITS.maxConditions,
        );
      }
    }
    if (depth > RULE_LIMITS.maxJsonDepth) {
      add(path, `nests more than ${RULE_LIMITS.maxJsonDepth} levels deep`, RULE_LIMITS.maxJsonDepth);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > RULE_LIMITS.maxListEntries) {
        add(
          path,
          `has ${value.length} entries; the most allowed is ${RULE_LIMITS.maxListEntries}`,
          RULE_LIMITS.maxListEntries,
        );
        continue;
      }
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({
          value: value[index],
          path: [...path, index],
          depth: depth + 1,
          conditionDepth: undefined,
        });
      }
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > RULE_LIMITS.maxObjectKeys) {
      add(
        path,
        `has ${keys.length} keys; the most allowed is ${RULE_LIMITS.maxObjectKeys}`,
        RULE_LIMITS.maxObjectKeys,
      );
      continue;
    }
    const record = value as Record<string, unknown>;
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k]!;
      const child = record[key];
      const childPath = [...path, key];
      if (conditionDepth === undefined && depth === 1 && key === 'conditions') {
        stack.push({ value: child, path: childPath, depth: depth + 1, conditionDepth: 1 });
      } else if (conditionDepth !== undefined && key === 'not') {
        stack.push({ value: child, path: childPath, depth: depth + 1, conditionDepth: conditionDepth + 1 });
      } else if (conditionDepth !== undefined && (key === 'all' || key === 'any') && Array.isArray(child)) {
        if (child.length > RULE_LIMITS.maxListEntries) {
          add(
            childPath,
            `has ${child.length} entries; the most allowed is ${RULE_LIMITS.maxListEntries}`,
            RULE_LIMITS.maxListEntries,
          );
          continue;
        }
        for (let index = child.length - 1; index >= 0; index--) {
          stack.push({
            value: child[index],
            path: [...childPath, index],
            depth: depth + 2,
            conditionDepth: conditionDepth + 1,
          });
        }
      } else {
        stack.push({ value: child, path: childPath, depth: depth + 1, conditionDepth: undefined });
      }
    }
  }
  return issues;
}

/** Checks the number of rules evaluated together. */
export function checkRuleSetLimits(count: number): LimitIssue[] {
  return count > RULE_LIMITS.maxRulesInSet
    ? [
        {
          path: '',
          message: `${count} rules evaluated together; the most allowed is ${RULE_LIMITS.maxRulesInSet}`,
          limit: RULE_LIMITS.maxRulesInSet,
        },
      ]
    : [];
}

/** How much a set of rules asks of each evaluation: its conditions and its item matches. */
export function measureRuleSet(rules: readonly unknown[]): { conditions: number; itemMatches: number } {
  let conditions = 0;
  let itemMatches = 0;
  const stack: unknown[] = [...rules];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    const node = value as Record<string, unknown>;
    if ('categories' in node || 'skus' in node) itemMatches += 1;
    // A condition: a combinator, a field condition, or an items condition (effects have a `type`).
    if (
      'all' in node ||
      'any' in node ||
      'not' in node ||
      'field' in node ||
      ('items' in node && !('type' in node))
    )
      conditions += 1;
    for (const child of Object.values(node))
      if (child !== null && typeof child === 'object') stack.push(child);
  }
  return { conditions, itemMatches };
}

/**
 * Checks that a set of rules to be published together stays within the work a purchase may cost
 * (`maxItemMatchesInSet`, `maxConditionsInSet`); the rules must already be within their own limits.
 */
export function checkPublishedSetLimits(rules: readonly unknown[]): LimitIssue[] {
  const { conditions, itemMatches } = measureRuleSet(rules);
  const issues: LimitIssue[] = [];
  if (itemMatches > RULE_LIMITS.maxItemMatchesInSet)
    issues.push({
      path: '',
      message: `the published rules together would hold ${itemMatches} item matches (conditions and effects on categories or skus, each checked against every line of a purchase); the most allowed is ${RULE_LIMITS.maxItemMatchesInSet}`,
      limit: RULE_LIMITS.maxItemMatchesInSet,
    });
  if (conditions > RULE_LIMITS.maxConditionsInSet)
    issues.push({
      path: '',
      message: `the published rules together would hold ${conditions} conditions; the most allowed is ${RULE_LIMITS.maxConditionsInSet}`,
      limit: RULE_LIMITS.maxConditionsInSet,
    });
  return issues;
}
