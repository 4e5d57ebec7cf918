// @regulars/rules: the pure reward-rule engine. Validate rules (`validateRule`, `validateRuleSet`),
// compile a set once (`compileRuleSet`), evaluate purchases against it (`evaluate`), create rules from
// templates (`listTemplates`, `instantiateTemplate`).
export * from './rule.schema.js';
export * from './context.schema.js';
export {
  FIELDS,
  FIELD_NAMES,
  OPERATORS,
  OPERATORS_BY_TYPE,
  type FieldName,
  type FieldType,
  type Operator,
} from './fields.js';
export { EmittedEffect, StampsAdded, CouponIssued, MemberTagAdded, MemberTagRemoved } from './effects.js';
export type { TraceEntry, SkipReason } from './trace.js';
export type { ValidationIssue } from './issues.js';
export {
  RULE_LIMITS,
  checkPublishedSetLimits,
  isLimitIssue,
  measureRuleSet,
  type LimitIssue,
} from './limits.js';
export { compileRuleSet, RuleSetError, type CompiledRuleSet } from './compile.js';
export {
  evaluate,
  isCompiledRuleSet,
  type EvaluationResult,
  type PointsBreakdown,
  type RuleConsumption,
} from './evaluate.js';
export {
  validateRule,
  validateRuleSet,
  parseEvaluationContext,
  type RuleValidation,
  type RuleSetValidation,
  type ContextValidation,
} from './validate.js';
export {
  listTemplates,
  instantiateTemplate,
  type RuleTemplateSummary,
  type TemplateParam,
} from './templates.js';
export {
  UNAVAILABLE_EFFECTS,
  UNAVAILABLE_AUDIENCES,
  UNAVAILABLE_FIELDS,
  unavailableParts,
  type UnavailablePart,
} from './availability.js';
export { normaliseItemTerm, normaliseItemTerms } from './item-terms.js';
