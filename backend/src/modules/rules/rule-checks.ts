// The rule language's checks as the API answers them (422 RULE_INVALID, RULE_TOO_COMPLEX,
// RULE_SET_CONFLICT with paths): pure, shared by RuleService and the simulation worker thread.
import {
  checkPublishedSetLimits,
  evaluate,
  isLimitIssue,
  stackingGroup,
  validateRule,
  validateRuleSet,
  type EvaluationContext,
  type EvaluationResult,
  type Rule,
  type ValidationIssue,
  unavailableParts,
} from '@regulars/rules';
import { AppError } from '../../platform/errors.js';

/** Parses a stored or submitted definition as the rule `id` at `version`; issues are prefixed with `prefix`. */
export function validateDefinition(
  definition: Record<string, unknown>,
  id: string,
  version: number,
  prefix = 'definition',
): Rule {
  const result = validateRule({ ...stripIdentity(definition), id, version });
  if (!result.ok) throw invalid(result.issues, prefix);
  return result.rule;
}

/**
 * Refuses rules that cannot be evaluated together. Issue paths name the rule they are about: the one
 * being saved or simulated (always last) by `ownPrefix`, the others by id (`rules[<id>].priority`).
 */
export function assertValidSet(rules: Rule[], ownPrefix: string | undefined): void {
  const result = validateRuleSet(rules);
  if (result.ok) return;
  const issues = result.issues.map((issue) => {
    const match = /^\[(\d+)\]\.?(.*)$/.exec(issue.path);
    if (!match) return issue;
    const index = Number(match[1]);
    const rest = match[2] ?? '';
    const prefix =
      index === rules.length - 1 && ownPrefix !== undefined
        ? ownPrefix
        : `rules[${rules[index]?.id ?? index}]`;
    return { ...issue, path: rest ? `${prefix}.${rest}` : prefix };
  });
  if (issues.some(isLimitIssue)) throw invalid(issues, '');
  const first = issues[0];
  throw new AppError(
    'unprocessable',
    'RULE_SET_CONFLICT',
    `This rule does not fit with the published rules: ${first ? `${first.path}: ${first.message}` : 'conflict'}`,
    issues,
  );
}

/**
 * Refuses a set to be published together whose conditions or item matches would make each purchase
 * costly (422 `RULE_TOO_COMPLEX`, path ''): purchases evaluate the published set on the request's thread.
 */
export function assertPublishableSet(rules: readonly Rule[]): void {
  const issues = checkPublishedSetLimits(rules);
  if (issues.length > 0) throw invalid(issues, '');
}

export function stripIdentity(definition: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, version: _version, ...rest } = definition;
  return rest;
}

/**
 * A rule the language refuses: 422 `RULE_TOO_COMPLEX` when it exceeds the size and nesting limits, else
 * 422 `RULE_INVALID`; `details` lists `{ path, message }` (and `limit`) per problem.
 */
export function invalid(issues: readonly ValidationIssue[], prefix: string): AppError {
  const details = issues.map((issue) => ({
    ...issue,
    path: prefix ? (issue.path ? `${prefix}.${issue.path}` : prefix) : issue.path,
  }));
  const first = details[0];
  const message = `${first ? `${first.path}: ${first.message}` : 'invalid rule'}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`;
  return details.some(isLimitIssue)
    ? new AppError('unprocessable', 'RULE_TOO_COMPLEX', message, details)
    : new AppError('unprocessable', 'RULE_INVALID', message, details);
}

/**
 * Refuses a rule that uses an effect or audience nothing carries out yet: 422 `EFFECT_NOT_AVAILABLE`
 * naming each part (`details`: `{ path, kind, name, message }`, paths prefixed with `prefix`).
 */
export function assertAvailable(rule: Rule, prefix: string): void {
  const parts = unavailableParts(rule).map((part) => ({
    ...part,
    path: prefix ? `${prefix}.${part.path}` : part.path,
  }));
  const first = parts[0];
  if (!first) return;
  throw new AppError(
    'unprocessable',
    'EFFECT_NOT_AVAILABLE',
    `${first.path}: ${first.message}${parts.length > 1 ? ` (and ${parts.length - 1} more)` : ''}`,
    parts,
  );
}

/** What a simulation evaluates: the published rules, and drafts or one inline definition on top. */
export type SimulationInput = {
  active: Rule[];
  /** Unpublished drafts (raw), each replacing its published version. */
  drafts?: Array<{ definition: Record<string, unknown>; id: string; version: number }>;
  /** One rule (raw) on top of the published set. */
  inline?: Record<string, unknown>;
  /**
   * The inline rule alone: no other published rule runs, except those its multiplier multiplies (a
   * multiplier has nothing to multiply without them).
   */
  isInlineAlone?: boolean;
  context: EvaluationContext;
};

/** The published rules that `rule`'s multiplyPoints effects target (base earn, named rules, groups). */
function multipliedBy(rule: Rule, active: Rule[]): Rule[] {
  const targets = rule.effects.flatMap((effect) =>
    effect.type === 'multiplyPoints' ? [effect.targets] : [],
  );
  if (!targets.length) return [];
  return active.filter((candidate) =>
    targets.some(
      (target) =>
        (target.baseEarn === true && candidate.isBaseEarn === true) ||
        (target.ruleIds ?? []).includes(candidate.id) ||
        (target.groups ?? []).includes(stackingGroup(candidate.stacking) ?? ''),
    ),
  );
}

/** Checks what is simulated as saving and publishing would, then evaluates it; all computation, no I/O. */
export function simulateRules(input: SimulationInput): EvaluationResult {
  let rules = input.active;
  if (input.drafts) {
    const replaced = new Set(input.drafts.map((draft) => draft.id));
    const drafts = input.drafts.map((draft) => {
      const rule = validateDefinition(draft.definition, draft.id, draft.version);
      // A simulation shows what publishing would do, and publishing refuses what nothing carries out.
      assertAvailable(rule, `rules[${draft.id}]`);
      return rule;
    });
    rules = [...input.active.filter((rule) => !replaced.has(rule.id)), ...drafts];
    assertValidSet(rules, undefined);
  } else if (input.inline) {
    const inline = validateDefinition(input.inline, 'inline', 1, 'rules.inline');
    assertAvailable(inline, 'rules.inline');
    rules = [...(input.isInlineAlone ? multipliedBy(inline, input.active) : input.active), inline];
    assertValidSet(rules, 'rules.inline');
  }
  return evaluate(rules, input.context);
}
