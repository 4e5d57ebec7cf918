// Test fixtures: builders with overrides, so that each test states only what matters to it.
import type { EvaluationContext, MemberProfile, PurchaseItem } from '../context.schema.js';
import { evaluate, type EvaluationResult } from '../evaluate.js';
import type { Rule, RuleInput } from '../rule.schema.js';
import type { TraceEntry } from '../trace.js';
import { validateRule } from '../validate.js';

/** A rule input awarding 1 point per €1 unless overridden. */
export function makeRuleInput(overrides: Partial<RuleInput> = {}): RuleInput {
  return {
    id: 'rule',
    version: 1,
    name: 'Test rule',
    effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100 }],
    ...overrides,
  };
}

/** A parsed rule; throws with the issues if the overrides make it invalid. */
export function makeRule(overrides: Partial<RuleInput> = {}): Rule {
  const result = validateRule(makeRuleInput(overrides));
  if (!result.ok) throw new Error(`invalid test rule: ${JSON.stringify(result.issues)}`);
  return result.rule;
}

/** A purchase line of one unit at €10 unless overridden. */
export function makeItem(overrides: Partial<PurchaseItem> = {}): PurchaseItem {
  return { sku: 'sku-1', category: 'misc', quantity: 1, unitPriceMinor: 1000, ...overrides };
}

/** A member profile: silver tier, 3 previous purchases, unless overridden. */
export function makeMember(overrides: Partial<MemberProfile> = {}): MemberProfile {
  return { id: 'm1', tier: 'silver', clubs: [], tags: [], purchaseCount: 3, ...overrides };
}

/** A context on Tuesday 2025-06-03 at 11:30 in Paris, a €10 purchase by a silver member. */
export function makeContext(
  overrides: Partial<Omit<EvaluationContext, 'purchase'>> & {
    items?: PurchaseItem[];
    purchase?: Partial<EvaluationContext['purchase']>;
  } = {},
): EvaluationContext {
  const { items, purchase, ...rest } = overrides;
  return {
    now: '2025-06-03T09:30:00Z',
    timeZone: 'Europe/Paris',
    member: makeMember(),
    ...rest,
    purchase: { currency: 'EUR', items: items ?? [makeItem()], ...purchase },
  };
}

/** Evaluates rule inputs (validated) against a context. */
export function run(
  rules: readonly Partial<RuleInput>[],
  context: EvaluationContext = makeContext(),
): EvaluationResult {
  return evaluate(
    rules.map((rule, index) => makeRule({ id: `rule-${index}`, ...rule })),
    context,
  );
}

/** The trace entry of a rule; throws if the rule is not in the trace. */
export function traceOf(result: EvaluationResult, ruleId: string): TraceEntry {
  const entry = result.trace.find((candidate) => candidate.ruleId === ruleId);
  if (entry === undefined) throw new Error(`no trace for ${ruleId}`);
  return entry;
}
