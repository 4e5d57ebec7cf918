// evaluate(rule set, context): which rules apply to a purchase, the points and effects they give, what
// that would consume of limits and budgets, and a trace that explains every rule. Pure and
// deterministic: the same compiled set and context always give the same result.
import { compileRuleSet, type CompiledRule, type CompiledRuleSet } from './compile.js';
import type { EvaluationContext } from './context.schema.js';
import { applyCaps, type CapResult } from './controls.js';
import { describeEffect, type EmittedEffect } from './effects.js';
import { buildFacts, type Facts } from './facts.js';
import type { LimitPeriod, Rule } from './rule.schema.js';
import { formatPoints, type TraceEntry } from './trace.js';

/** Points one rule gave, as the ledger records them. */
export interface PointsBreakdown {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly ruleName: string;
  readonly points: number;
}

/** What applying this result would consume of a rule's per-member limits and global budget. */
export interface RuleConsumption {
  readonly ruleId: string;
  readonly ruleVersion: number;
  /** Always 1: the rule applied once. */
  readonly times: number;
  readonly points: number;
  /** The limit periods whose counters the backend must increment (and check atomically). */
  readonly limitPeriods: readonly LimitPeriod[];
  /** True when `points` must be taken from the rule's global budget. */
  readonly hasBudget: boolean;
}

/** The outcome of evaluating a rule set against a purchase. */
export interface EvaluationResult {
  /** Total points, a non-negative integer. */
  readonly points: number;
  /** Points per rule, for rules that gave any, in evaluation order. */
  readonly breakdown: readonly PointsBreakdown[];
  /** Effects other modules carry out (stamps, coupons, member tags). */
  readonly effects: readonly EmittedEffect[];
  /** One entry per applied rule; the backend enforces limits and budgets with it. */
  readonly consumption: readonly RuleConsumption[];
  /** One entry per rule in the set, in evaluation order. */
  readonly trace: readonly TraceEntry[];
}

// Shared empty results, so that the common case allocates nothing; never mutated.
const NO_LINES: readonly number[] = Object.freeze([]);
const NO_EFFECTS: EmittedEffect[] = [];

type AppliedEntry = Extract<TraceEntry, { outcome: 'applied' }>;

interface PointsOutcome {
  readonly raw: number;
  readonly lines: readonly number[];
  readonly isCappedByMax: boolean;
  /** What each point effect computed, joined with "; ". */
  readonly details: string;
  readonly cap: CapResult;
}

interface State {
  readonly facts: Facts;
  readonly points: number[];
  readonly trace: (TraceEntry | undefined)[];
  readonly claimed: Uint8Array;
  hasClaims: boolean;
  readonly stampBalances: Map<string, number>;
  readonly effects: EmittedEffect[];
  readonly breakdown: PointsBreakdown[];
  readonly consumption: RuleConsumption[];
}

// Trace and breakdown objects are written out field by field: object spread costs microseconds per call
// in V8 here, which the 50,000 evaluations/s target cannot afford.

function skip(
  rule: Rule,
  reason: 'schedule' | 'audience' | 'limit' | 'budget' | 'stacking' | 'nothing',
  message: string,
): TraceEntry {
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    ruleName: rule.name,
    outcome: 'skipped',
    reason,
    message,
    points: 0,
  };
}

// Schedule, audience, then conditions: the first that stops the rule is what the trace reports.
function gate(compiled: CompiledRule, facts: Facts): TraceEntry | undefined {
  const { rule } = compiled;
  const scheduleReason = compiled.schedule?.(facts);
  if (scheduleReason !== undefined) return skip(rule, 'schedule', scheduleReason);
  const audienceReason = compiled.audience?.(facts);
  if (audienceReason !== undefined) return skip(rule, 'audience', audienceReason);
  const failure = compiled.condition?.test(facts);
  if (failure !== undefined) {
    return {
      ruleId: rule.id,
      ruleVersion: rule.version,
      ruleName: rule.name,
      outcome: 'notMatched',
      conditionPath: failure.path,
      message: failure.message,
      points: 0,
    };
  }
  return undefined;
}

function computePoints(compiled: CompiledRule, state: State, claimed: Uint8Array | undefined): PointsOutcome {
  let raw = 0;
  let lines: readonly number[] = NO_LINES;
  let isCappedByMax = false;
  let details = '';
  const env = { facts: state.facts, claimed, points: state.points };
  for (const effect of compiled.effects.points) {
    const run = effect(env);
    raw += run.points;
    // Rules have at most one line-based award (enforced by the schema), so this never merges two lists.
    if (run.lines.length > 0) lines = run.lines;
    isCappedByMax ||= run.isCapped;
    details = details === '' ? run.detail : `${details}; ${run.detail}`;
  }
  const { rule } = compiled;
  const cap: CapResult =
    rule.limits === undefined && rule.budget === undefined
      ? { isRefused: false, points: raw }
      : applyCaps({
          ruleId: rule.id,
          limits: rule.limits,
          budget: rule.budget,
          points: raw,
          facts: state.facts,
        });
  return { raw, lines, isCappedByMax, details, cap };
}

function apply(compiled: CompiledRule, outcome: PointsOutcome, state: State): void {
  const { rule } = compiled;
  if (outcome.cap.isRefused) {
    state.trace[compiled.order] = skip(rule, outcome.cap.reason, outcome.cap.message);
    return;
  }
  const points = outcome.cap.points;
  let emitted: EmittedEffect[] = NO_EFFECTS;
  for (const effect of compiled.effects.side) {
    const result = effect(state.facts, state.stampBalances);
    if (result === undefined) continue;
    if (emitted === NO_EFFECTS) emitted = [];
    emitted.push(result);
  }
  const hasPointEffects = compiled.effects.points.length > 0;
  if (points === 0 && emitted.length === 0) {
    const why = hasPointEffects ? `: ${outcome.details}` : '';
    state.trace[compiled.order] = skip(rule, 'nothing', `matched but gave nothing${why}`);
    return;
  }
  let message = '';
  if (hasPointEffects) {
    message = `gave ${formatPoints(points)} (${outcome.details})`;
    if (outcome.cap.note !== undefined) message += `; ${outcome.cap.note}`;
  }
  for (const effect of emitted)
    message = message === '' ? describeEffect(effect) : `${message}; ${describeEffect(effect)}`;
  const cappedBy = outcome.cap.cappedBy ?? (outcome.isCappedByMax ? 'maxPoints' : undefined);
  const entry: { -readonly [K in keyof AppliedEntry]: AppliedEntry[K] } = {
    ruleId: rule.id,
    ruleVersion: rule.version,
    ruleName: rule.name,
    outcome: 'applied',
    message,
    points,
    effects: emitted,
    lines: outcome.lines,
  };
  if (cappedBy !== undefined) entry.cappedBy = cappedBy;
  state.trace[compiled.order] = entry;
  state.points[compiled.order] = points;
  if (points > 0)
    state.breakdown.push({ ruleId: rule.id, ruleVersion: rule.version, ruleName: rule.name, points });
  for (const effect of emitted) state.effects.push(effect);
  state.consumption.push({
    ruleId: rule.id,
    ruleVersion: rule.version,
    times: 1,
    points,
    limitPeriods: compiled.limitPeriods,
    hasBudget: rule.budget !== undefined,
  });
}

function givenPoints(outcome: PointsOutcome): number {
  return outcome.cap.isRefused ? 0 : outcome.cap.points;
}

function runGroup(
  mode: 'exclusive_in_group' | 'bestOf',
  group: string,
  members: readonly CompiledRule[],
  candidates: readonly boolean[],
  state: State,
): void {
  // Lines already claimed by another group's winner are not offered again: a line feeds at most one
  // exclusive/best-of winner.
  const claimed = state.claimed;
  const available = state.hasClaims ? claimed : undefined;
  let winner: { compiled: CompiledRule; outcome: PointsOutcome } | undefined;
  const contenders: { compiled: CompiledRule; outcome: PointsOutcome }[] = [];
  for (const compiled of members) {
    if (!candidates[compiled.order]) continue;
    const outcome = computePoints(compiled, state, available);
    if (outcome.cap.isRefused) {
      apply(compiled, outcome, state);
      continue;
    }
    contenders.push({ compiled, outcome });
    // Members come by priority then id, so keeping the first on ties makes priority the tie-break.
    if (winner === undefined || (mode === 'bestOf' && givenPoints(outcome) > givenPoints(winner.outcome))) {
      winner = { compiled, outcome };
    }
  }
  if (winner === undefined) return;
  apply(winner.compiled, winner.outcome, state);
  for (const line of winner.outcome.lines) claimed[line] = 1;
  if (winner.outcome.lines.length > 0) state.hasClaims = true;
  const winnerRule = winner.compiled.rule;
  const winnerPoints = givenPoints(winner.outcome);
  for (const { compiled, outcome } of contenders) {
    if (compiled === winner.compiled) continue;
    const points = givenPoints(outcome);
    const message =
      mode === 'exclusive_in_group'
        ? `exclusive group '${group}' went to rule '${winnerRule.id}' (priority ${winnerRule.priority}; this rule ${compiled.rule.priority})`
        : `best-of group '${group}' went to rule '${winnerRule.id}' (${formatPoints(winnerPoints)}; this rule ${formatPoints(points)})`;
    state.trace[compiled.order] = skip(compiled.rule, 'stacking', message);
  }
}

/** True when applying the rule would emit something (a stamp card only when stamps are added). */
function wouldEmit(compiled: CompiledRule, facts: Facts): boolean {
  if (compiled.effects.side.length === 0) return false;
  const scratch = new Map<string, number>();
  return compiled.effects.side.some((effect) => effect(facts, scratch) !== undefined);
}

/**
 * Decides the `exclusive` rules before anything else: of those that would apply (matched, not refused by
 * a limit or budget, giving points or an effect), the highest priority wins, then the larger points, then
 * the lower id; when one wins, it is the only rule applied to the purchase. Returns whether one won.
 */
function runExclusives(
  exclusives: readonly CompiledRule[],
  candidates: boolean[],
  state: State,
  rules: readonly CompiledRule[],
): boolean {
  let winner: { compiled: CompiledRule; outcome: PointsOutcome; points: number } | undefined;
  const contenders: { compiled: CompiledRule; points: number }[] = [];
  for (const compiled of exclusives) {
    if (!candidates[compiled.order]) continue;
    const outcome = computePoints(compiled, state, undefined);
    const points = givenPoints(outcome);
    if (outcome.cap.isRefused || (points === 0 && !wouldEmit(compiled, state.facts))) {
      // It does not apply, so it excludes nothing: its trace says why (limit, budget or nothing to give).
      apply(compiled, outcome, state);
      candidates[compiled.order] = false;
      continue;
    }
    contenders.push({ compiled, points });
    // Exclusives come by priority, then id: a later one only wins on equal priority and more points.
    if (
      winner === undefined ||
      (compiled.rule.priority === winner.compiled.rule.priority && points > winner.points)
    ) {
      winner = { compiled, outcome, points };
    }
  }
  if (winner === undefined) return false;
  apply(winner.compiled, winner.outcome, state);
  const { rule: won } = winner.compiled;
  for (const { compiled, points } of contenders) {
    if (compiled === winner.compiled) continue;
    state.trace[compiled.order] = skip(
      compiled.rule,
      'stacking',
      `exclusive rule '${won.id}' applied instead (priority ${won.priority}, ${formatPoints(winner.points)}; this rule priority ${compiled.rule.priority}, ${formatPoints(points)})`,
    );
  }
  for (const compiled of rules) {
    if (compiled === winner.compiled || !candidates[compiled.order]) continue;
    if (compiled.rule.stacking.mode === 'exclusive') continue;
    state.trace[compiled.order] = skip(
      compiled.rule,
      'stacking',
      `exclusive rule '${won.id}' applies to this purchase, so no other rule does`,
    );
  }
  return true;
}

/** True for a rule set already compiled by `compileRuleSet`. */
export function isCompiledRuleSet(value: CompiledRuleSet | readonly Rule[]): value is CompiledRuleSet {
  return !Array.isArray(value) && (value as CompiledRuleSet).kind === 'compiledRuleSet';
}

/**
 * Evaluates a rule set (compiled, or parsed rules compiled on the fly) against a context parsed with
 * `EvaluationContext`. Never throws for a valid context; never writes anything.
 */
export function evaluate(
  ruleSet: CompiledRuleSet | readonly Rule[],
  context: EvaluationContext,
): EvaluationResult {
  return run(ruleSet, context).result;
}

/**
 * Like `evaluate`, also counting the condition nodes computed (tests and descriptions): the measure of
 * work the linear-evaluation property test checks. Not part of the package's API.
 */
export function evaluateCountingWork(
  ruleSet: CompiledRuleSet | readonly Rule[],
  context: EvaluationContext,
): { result: EvaluationResult; conditionVisits: number } {
  const { result, facts } = run(ruleSet, context);
  return { result, conditionVisits: facts.conditions.visits };
}

function run(
  ruleSet: CompiledRuleSet | readonly Rule[],
  context: EvaluationContext,
): { result: EvaluationResult; facts: Facts } {
  const compiled = isCompiledRuleSet(ruleSet) ? ruleSet : compileRuleSet(ruleSet);
  const facts = buildFacts(context, compiled.matchSlots, compiled.conditionSlots);
  const count = compiled.rules.length;
  const state: State = {
    facts,
    points: new Array<number>(count).fill(0),
    trace: new Array<TraceEntry | undefined>(count),
    claimed: new Uint8Array(facts.lines.length),
    hasClaims: false,
    stampBalances: new Map(),
    effects: [],
    breakdown: [],
    consumption: [],
  };
  const candidates = new Array<boolean>(count);
  for (const rule of compiled.rules) {
    const stopped = gate(rule, facts);
    if (stopped !== undefined) state.trace[rule.order] = stopped;
    candidates[rule.order] = stopped === undefined;
  }
  // An exclusive rule that applies is the only rule applied; otherwise the units run as usual.
  const isDecided =
    compiled.exclusives.length > 0 && runExclusives(compiled.exclusives, candidates, state, compiled.rules);
  if (!isDecided) {
    for (const unit of compiled.units) {
      if (unit.kind === 'group') {
        runGroup(unit.mode, unit.group, unit.members, candidates, state);
      } else if (candidates[unit.rule.order]) {
        apply(unit.rule, computePoints(unit.rule, state, undefined), state);
      }
    }
  }
  let points = 0;
  for (const given of state.points) points += given;
  const trace: TraceEntry[] = [];
  for (const entry of state.trace) if (entry !== undefined) trace.push(entry);
  const result = {
    points,
    breakdown: state.breakdown,
    effects: state.effects,
    consumption: state.consumption,
    trace,
  };
  return { result, facts };
}
