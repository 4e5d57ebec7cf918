// Compiling a rule set turns every rule into closures once and fixes the order of evaluation, so that
// the backend can cache one compiled set per published version and evaluate many purchases against it.
import { compileCondition, MatchSlots, type CompiledCondition } from './conditions.js';
import { compileAudience, compileSchedule, type Gate } from './controls.js';
import { compileEffects, type CompiledEffects } from './effects.js';
import type { ValidationIssue } from './issues.js';
import { analyseRuleSet } from './rule-set.js';
import type { LimitPeriod, Rule } from './rule.schema.js';

/** A rule ready to evaluate. */
export interface CompiledRule {
  readonly rule: Rule;
  /** Position in evaluation order. */
  readonly order: number;
  /** 0 for rules that award points, 1+ for multipliers (after the rules they multiply). */
  readonly level: number;
  readonly schedule: Gate | undefined;
  readonly audience: Gate | undefined;
  readonly condition: CompiledCondition | undefined;
  readonly effects: CompiledEffects;
  /** The periods of the rule's limits, reported in consumption. */
  readonly limitPeriods: readonly LimitPeriod[];
}

/** A step of evaluation: one stackable rule, or a stacking group whose members compete. */
export type EvaluationUnit =
  | { readonly kind: 'rule'; readonly rule: CompiledRule }
  | {
      readonly kind: 'group';
      readonly mode: 'exclusive_in_group' | 'bestOf';
      readonly group: string;
      /** By priority (highest first), then id. */
      readonly members: readonly CompiledRule[];
    };

/** A rule set compiled by `compileRuleSet`; pass it to `evaluate` as often as needed. */
export interface CompiledRuleSet {
  readonly kind: 'compiledRuleSet';
  /** The rules in evaluation order: level, then priority (highest first), then id. */
  readonly rules: readonly CompiledRule[];
  readonly units: readonly EvaluationUnit[];
  /** Rules with the `exclusive` mode, by priority (highest first), then id; decided before any unit. */
  readonly exclusives: readonly CompiledRule[];
  readonly matchSlots: number;
  /** How many compiled condition nodes an evaluation memoises (see `ConditionMemo`). */
  readonly conditionSlots: number;
}

/** Thrown by `compileRuleSet` when the rules cannot be evaluated together (see `validateRuleSet`). */
export class RuleSetError extends Error {
  readonly code = 'INVALID_RULE_SET';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`invalid rule set: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'RuleSetError';
  }
}

// Equal priorities are ordered by id so that the result never depends on the order rules are given in.
function compareRules(a: { rule: Rule; level: number }, b: { rule: Rule; level: number }): number {
  if (a.level !== b.level) return a.level - b.level;
  if (a.rule.priority !== b.rule.priority) return b.rule.priority - a.rule.priority;
  return a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0;
}

/** Compiles parsed rules (see `validateRule`) into a reusable set; throws `RuleSetError` on cross-rule problems. */
export function compileRuleSet(rules: readonly Rule[]): CompiledRuleSet {
  const { graph, issues } = analyseRuleSet(rules);
  if (issues.length > 0) throw new RuleSetError(issues);
  const positions = rules
    .map((rule, position) => ({ rule, position, level: graph.levels[position] ?? 0 }))
    .sort(compareRules);
  const orderOf = new Array<number>(rules.length);
  positions.forEach(({ position }, order) => (orderOf[position] = order));

  const slots = new MatchSlots();
  const compiled: CompiledRule[] = positions.map(({ rule, position, level }, order) => ({
    rule,
    order,
    level,
    schedule: rule.schedule === undefined ? undefined : compileSchedule(rule.schedule),
    audience: rule.audience === undefined ? undefined : compileAudience(rule.audience),
    condition:
      rule.conditions === undefined ? undefined : compileCondition(rule.conditions, 'conditions', slots),
    effects: compileEffects(rule, slots, (effectIndex) =>
      (graph.targets[position]?.[effectIndex] ?? []).map((target) => orderOf[target] ?? -1),
    ),
    limitPeriods: Object.freeze(rule.limits?.map((limit) => limit.period) ?? []),
  }));

  const units: EvaluationUnit[] = [];
  const exclusives: CompiledRule[] = [];
  const groups = new Map<string, CompiledRule[]>();
  for (const rule of compiled) {
    const stacking = rule.rule.stacking;
    if (stacking.mode === 'stackable') {
      units.push({ kind: 'rule', rule });
      continue;
    }
    if (stacking.mode === 'exclusive') {
      exclusives.push(rule);
      continue;
    }
    let members = groups.get(stacking.group);
    if (members === undefined) {
      members = [];
      groups.set(stacking.group, members);
      units.push({ kind: 'group', mode: stacking.mode, group: stacking.group, members });
    }
    members.push(rule);
  }
  return {
    kind: 'compiledRuleSet',
    rules: compiled,
    units,
    exclusives,
    matchSlots: slots.size,
    conditionSlots: slots.conditionCount,
  };
}
