// Checks that need the whole rule set: duplicate ids, which rules each multiplier multiplies, cycles and
// unbounded chains of multipliers, and stacking groups whose members cannot be compared.
import { RULE_BOUNDS, stackingGroup, type Rule } from './rule.schema.js';
import { formatPath, type ValidationIssue } from './issues.js';

/** The multiplier graph of a rule set, by position in the given array. */
export interface MultiplierGraph {
  /** targets[rule][effect] = positions of the rules that effect multiplies. */
  readonly targets: readonly (readonly (readonly number[])[])[];
  /** 0 for rules that do not multiply; otherwise 1 + the deepest level among their targets. */
  readonly levels: readonly number[];
}

/** Positions of the rules a multiplier effect of rule `self` multiplies (never itself). */
function resolveTargets(rules: readonly Rule[], self: number, effectIndex: number): number[] {
  const effect = rules[self]?.effects[effectIndex];
  if (effect?.type !== 'multiplyPoints') return [];
  const { baseEarn, ruleIds, groups } = effect.targets;
  const out: number[] = [];
  rules.forEach((rule, index) => {
    if (index === self) return;
    const group = stackingGroup(rule.stacking);
    if (
      (baseEarn === true && rule.isBaseEarn) ||
      ruleIds?.includes(rule.id) === true ||
      (group !== undefined && groups?.includes(group) === true)
    ) {
      out.push(index);
    }
  });
  return out;
}

function maxFactor(rule: Rule): number {
  let factor = 10_000;
  for (const effect of rule.effects) {
    if (effect.type === 'multiplyPoints') factor = Math.max(factor, effect.factorBasisPoints);
  }
  return factor;
}

/**
 * Builds the multiplier graph and reports cycles and chains whose combined factor exceeds the bound.
 * Targets that name rules absent from the set are not an error: a paused rule simply contributes 0.
 */
export function analyseRuleSet(rules: readonly Rule[]): {
  graph: MultiplierGraph;
  issues: ValidationIssue[];
} {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const first = seen.get(rule.id);
    if (first !== undefined) {
      issues.push({
        path: formatPath([index, 'id']),
        message: `duplicate rule id '${rule.id}' (also at [${first}])`,
      });
    } else {
      seen.set(rule.id, index);
    }
  });

  const targets = rules.map((rule, index) =>
    rule.effects.map((_, effectIndex) => resolveTargets(rules, index, effectIndex)),
  );
  const levels: number[] = new Array<number>(rules.length).fill(-1);
  const chains: number[] = new Array<number>(rules.length).fill(10_000);
  const visiting = new Set<number>();
  const reportedCycles = new Set<number>();

  // Depth-first over "multiplies" edges; a rule met again while still on the stack closes a cycle.
  const visit = (index: number, stack: number[]): number => {
    if (levels[index]! >= 0) return levels[index]!;
    if (visiting.has(index)) {
      const cycle = [...stack.slice(stack.indexOf(index)), index].map((position) => rules[position]!.id);
      if (!reportedCycles.has(index)) {
        reportedCycles.add(index);
        const effect = rules[index]!.effects.findIndex((e) => e.type === 'multiplyPoints');
        issues.push({
          path: formatPath([index, 'effects', Math.max(effect, 0), 'targets']),
          message: `cyclic multipliers: ${cycle.join(' → ')}`,
        });
      }
      return 0;
    }
    visiting.add(index);
    let level = 0;
    let chain = 10_000;
    for (const effectTargets of targets[index]!) {
      for (const target of effectTargets) {
        level = Math.max(level, visit(target, [...stack, index]));
        chain = Math.max(chain, chains[target]!);
      }
    }
    visiting.delete(index);
    const multiplies = rules[index]!.effects.some((effect) => effect.type === 'multiplyPoints');
    levels[index] = multiplies ? level + 1 : 0;
    chains[index] = multiplies ? Math.round((chain * maxFactor(rules[index]!)) / 10_000) : 10_000;
    if (chains[index]! > RULE_BOUNDS.maxChainFactorBasisPoints) {
      issues.push({
        path: formatPath([index, 'effects']),
        message: `this chain of multipliers multiplies points by ${chains[index]! / 10_000}×; the most allowed is ${RULE_BOUNDS.maxChainFactorBasisPoints / 10_000}×`,
      });
    }
    return levels[index]!;
  };
  rules.forEach((_, index) => visit(index, []));

  const groups = new Map<string, number>();
  rules.forEach((rule, index) => {
    const group = stackingGroup(rule.stacking);
    if (group === undefined) return;
    const first = groups.get(group);
    if (first === undefined) {
      groups.set(group, index);
      return;
    }
    const other = rules[first]!;
    if (other.stacking.mode !== rule.stacking.mode) {
      issues.push({
        path: formatPath([index, 'stacking', 'mode']),
        message: `group '${group}' is ${other.stacking.mode} in rule '${other.id}'; all rules of a group share one mode`,
      });
    } else if (levels[first] !== levels[index]) {
      // A multiplier's points depend on other rules', so it can only be compared with rules computed at the
      // same step.
      issues.push({
        path: formatPath([index, 'stacking', 'group']),
        message: `group '${group}' mixes rules that award points with rules that multiply them (see rule '${other.id}')`,
      });
    }
  });
  issues.push(...exclusiveTies(rules));
  return { graph: { targets, levels }, issues };
}

/** The points a rule gives whatever the purchase (only fixed awards), or undefined when they depend on it. */
function fixedPoints(rule: Rule): number | undefined {
  let points = 0;
  for (const effect of rule.effects) {
    if (effect.type === 'awardFixedPoints') points += effect.points;
    else if (effect.type === 'awardPointsPerSpend' || effect.type === 'awardPointsPerItem') return undefined;
  }
  return points;
}

function sortedEffects(rule: Rule): string {
  return rule.effects
    .map((effect) => JSON.stringify(effect))
    .sort()
    .join(',');
}

/**
 * Exclusive rules of equal priority are told apart by the larger effect on the purchase. Two whose effects
 * are the same (or give the same fixed points) can never be told apart: nothing would decide which applies.
 */
function exclusiveTies(rules: readonly Rule[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen: number[] = [];
  rules.forEach((rule, index) => {
    if (rule.stacking.mode !== 'exclusive') return;
    for (const earlier of seen) {
      const other = rules[earlier]!;
      if (other.priority !== rule.priority) continue;
      const fixed = fixedPoints(rule);
      const isSameEffect =
        sortedEffects(rule) === sortedEffects(other) || (fixed !== undefined && fixed === fixedPoints(other));
      if (!isSameEffect) continue;
      issues.push({
        path: formatPath([index, 'priority']),
        message: `rules '${other.id}' and '${rule.id}' are both exclusive with priority ${rule.priority} and give the same effect, so nothing decides which one applies; give one of them another priority`,
      });
      break;
    }
    seen.push(index);
  });
  return issues;
}
