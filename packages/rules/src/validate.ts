// The entry points the backend calls at save time and at the API edge: every problem comes back as
// `{ path, message }` with paths such as `conditions.all[2].value`, and nothing is half-accepted.
import { EvaluationContext } from './context.schema.js';
import { formatPath, parseWith, type ValidationIssue } from './issues.js';
import { checkRuleLimits, checkRuleSetLimits } from './limits.js';
import { analyseRuleSet } from './rule-set.js';
import { Rule } from './rule.schema.js';

/** The result of `validateRule`. */
export type RuleValidation =
  { readonly ok: true; readonly rule: Rule } | { readonly ok: false; readonly issues: ValidationIssue[] };

/** The result of `validateRuleSet`. */
export type RuleSetValidation =
  { readonly ok: true; readonly rules: Rule[] } | { readonly ok: false; readonly issues: ValidationIssue[] };

/** The result of `parseEvaluationContext`. */
export type ContextValidation =
  | { readonly ok: true; readonly context: EvaluationContext }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

/**
 * Validates one rule as written (JSON) and returns it with defaults filled in, or every issue. The limits
 * (`RULE_LIMITS`: nesting, sizes, lengths) are checked first, on the raw input; a rule beyond them is
 * refused with those issues only (see `isLimitIssue`).
 */
export function validateRule(input: unknown): RuleValidation {
  const tooComplex = checkRuleLimits(input);
  if (tooComplex.length > 0) return { ok: false, issues: tooComplex };
  const result = parseWith(Rule, input);
  return result.ok ? { ok: true, rule: result.value } : result;
}

/**
 * Validates rules meant to be evaluated together: each rule (paths prefixed `[index].`), then duplicate
 * ids, cyclic or unbounded multipliers and inconsistent stacking groups.
 */
export function validateRuleSet(input: readonly unknown[]): RuleSetValidation {
  const tooMany = checkRuleSetLimits(input.length);
  if (tooMany.length > 0) return { ok: false, issues: tooMany };
  const rules: Rule[] = [];
  const issues: ValidationIssue[] = [];
  input.forEach((candidate, index) => {
    const result = validateRule(candidate);
    if (result.ok) {
      rules.push(result.rule);
      return;
    }
    const prefix = formatPath([index]);
    for (const issue of result.issues) {
      issues.push({ ...issue, path: issue.path === '' ? prefix : `${prefix}.${issue.path}` });
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  const analysis = analyseRuleSet(rules);
  return analysis.issues.length > 0 ? { ok: false, issues: analysis.issues } : { ok: true, rules };
}

/** Parses an evaluation context built by the ledger or the simulator, with the engine's issue format. */
export function parseEvaluationContext(input: unknown): ContextValidation {
  const result = parseWith(EvaluationContext, input);
  return result.ok ? { ok: true, context: result.value } : result;
}
