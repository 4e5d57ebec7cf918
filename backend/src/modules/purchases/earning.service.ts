import {
  compileRuleSet,
  evaluate,
  type CompiledRuleSet,
  type EvaluationContext,
  type EvaluationResult,
  type Rule,
  type RuleConsumption,
} from '@regulars/rules';
import type { Member } from '../members/member.model.js';
import type { MemberUpdate } from '../ledger/ledger.service.js';
import { RetryTransaction } from '../ledger/transaction.js';
import { periodKey } from './period-keys.js';
import { BudgetLeases } from './budget-leases.js';

/** Where the published rules come from (the rules module); each rule carries its id and version. */
export type RuleSource = { publishedRules(): Promise<Rule[]> };

/** The member's stamps and the cards' thresholds by card id (the stamps module), for `addStamps` rules. */
export type StampFactSource = {
  factsFor(
    memberId: Member['_id'],
    cardIds: readonly string[],
  ): Promise<{ balances: Record<string, number>; thresholds: Record<string, number> }>;
};

export type EarningInput = {
  member: Member;
  purchase: EvaluationContext['purchase'];
  occurredAt: Date;
  timeZone: string;
};

/** Budget points taken outside the transaction; given back if the purchase does not commit. */
export type BudgetReservation = { ruleId: string; points: number };

/**
 * Earning: evaluates the published rules for a member's purchase and enforces per-member limits and
 * global budgets atomically. Limits are counters on the member document (`ruleUsage`, one per rule and
 * period) written by the purchase's own update of the member, guarded (`times <= maxTimes − n`) in the
 * same transaction; budgets are one counter per rule reserved with a conditional `$inc`
 * (`spentPoints <= total − points`) so that concurrent purchases of different members never overspend a
 * budget, and released again if the purchase fails.
 */
type PreparedRules = {
  rules: readonly Rule[];
  signature: string;
  set: CompiledRuleSet;
  byId: Map<string, Rule>;
  /** The rules with per-member limits, and those with a global budget. */
  limited: readonly Rule[];
  budgetedIds: readonly string[];
  /** The stamp cards the rules' `addStamps` effects name (their facts are read only when there are some). */
  stampCardIds: readonly string[];
};

export class EarningService {
  private compiled: PreparedRules | null = null;

  private readonly budgets = new BudgetLeases();

  constructor(
    public ruleSource: RuleSource,
    private readonly stampFacts: StampFactSource | null = null,
  ) {}

  /** The published rules compiled, with what each accrual looks up, rebuilt only when a rule changes. */
  async ruleSet(): Promise<PreparedRules> {
    const rules = await this.ruleSource.publishedRules();
    if (this.compiled?.rules === rules) return this.compiled;
    const signature = rules.map((r) => `${r.id}@${r.version}`).join(',');
    if (this.compiled?.signature !== signature) {
      this.compiled = {
        rules,
        signature,
        set: compileRuleSet(rules),
        byId: new Map(rules.map((r) => [r.id, r])),
        limited: rules.filter((r) => r.limits?.length),
        budgetedIds: rules.filter((r) => r.budget).map((r) => r.id),
        stampCardIds: [
          ...new Set(
            rules.flatMap((r) => r.effects.flatMap((e) => (e.type === 'addStamps' ? [e.cardId] : []))),
          ),
        ],
      };
    } else {
      this.compiled.rules = rules;
    }
    return this.compiled;
  }

  /**
   * Evaluates the rules with the member's current usage and the budgets left, and reserves the budgets
   * the result consumes (re-evaluating when one ran out meanwhile). Returns the change of the member's
   * limit counters, for the caller to write with its update of the member in the transaction.
   */
  async earn(
    input: EarningInput,
    reservations: BudgetReservation[],
  ): Promise<EvaluationResult & { usageUpdate: MemberUpdate }> {
    const { rules, set, byId, limited, budgetedIds, stampCardIds } = await this.ruleSet();
    if (rules.length === 0) {
      return { points: 0, breakdown: [], effects: [], consumption: [], trace: [], usageUpdate: {} };
    }
    const usage = usageOf(input, limited);

    // The rules see the stamps on the member's cards; the stamps module adds them atomically afterwards.
    const stamps =
      stampCardIds.length && this.stampFacts
        ? await this.stampFacts.factsFor(input.member._id, stampCardIds)
        : null;
    const member = memberProfile(input.member);
    if (stamps) member.stampCards = stamps.balances;

    for (let attempt = 0; ; attempt += 1) {
      // The first attempt does not read the budgets: it evaluates as if they were untouched and the
      // reservation decides. A budget only changes the result when it has fewer points left than the
      // rule gives, and exactly then the reservation is refused and the next attempt reads them (no
      // read per accrual while the budgets last, with the same result).
      const budgets =
        budgetedIds.length && attempt > 0
          ? await this.budgets.remaining(
              budgetedIds.map((id) => ({ ruleId: id, totalPoints: byId.get(id)?.budget?.totalPoints ?? 0 })),
            )
          : {};
      const result = evaluate(set, {
        now: input.occurredAt.getTime(),
        timeZone: input.timeZone,
        purchase: input.purchase,
        member,
        usage,
        budgets,
        ...(stamps ? { stampCardThresholds: stamps.thresholds } : {}),
      });
      const refused = await this.reserveBudgets(result.consumption, byId, reservations);
      if (refused && attempt < 5) continue;
      if (refused) throw new RetryTransaction('rule budget contention');
      return { ...result, usageUpdate: usageUpdate(result.consumption, byId, input) };
    }
  }

  /**
   * What the rules would earn now, without reserving budgets or writing limits (a checkout's
   * `earnPreview`): budgets count as untouched, as on the first attempt of `earn`.
   */
  async preview(input: EarningInput): Promise<Pick<EvaluationResult, 'points' | 'breakdown'>> {
    const { rules, set, limited } = await this.ruleSet();
    if (rules.length === 0) return { points: 0, breakdown: [] };
    const result = evaluate(set, {
      now: input.occurredAt.getTime(),
      timeZone: input.timeZone,
      purchase: input.purchase,
      member: memberProfile(input.member),
      usage: usageOf(input, limited),
      budgets: {},
    });
    return { points: result.points, breakdown: result.breakdown };
  }

  /** Takes each consumed budget; on a refusal gives back what this call took and answers true. */
  private async reserveBudgets(
    consumption: readonly RuleConsumption[],
    byId: Map<string, Rule>,
    reservations: BudgetReservation[],
  ): Promise<boolean> {
    const taken: BudgetReservation[] = [];
    for (const c of consumption) {
      const total = byId.get(c.ruleId)?.budget?.totalPoints;
      if (!c.hasBudget || total === undefined || c.points === 0) continue;
      if (!(await this.budgets.take(c.ruleId, c.points, total))) {
        this.release(taken);
        return true;
      }
      taken.push({ ruleId: c.ruleId, points: c.points });
    }
    reservations.push(...taken);
    return false;
  }

  /** Gives back budget points reserved for a purchase that did not commit. */
  release(reservations: readonly BudgetReservation[]): void {
    for (const r of reservations) this.budgets.giveBack(r.ruleId, r.points);
  }

  /** Returns the budget this process holds (graceful shutdown). */
  close(): Promise<void> {
    return this.budgets.close();
  }
}

/**
 * The member update that counts what the rules with limits consumed. A counter of the current period
 * is incremented under a guard (the limit still holds if the member changed since it was read); one of
 * an earlier period, or none, is replaced, guarded by the period it had.
 */
function usageUpdate(
  consumption: readonly RuleConsumption[],
  byId: Map<string, Rule>,
  input: EarningInput,
): MemberUpdate {
  const update: Required<Omit<MemberUpdate, 'onMiss'>> = { match: {}, $inc: {}, $set: {} };
  let isGuarded = false;
  for (const c of consumption) {
    for (const limit of byId.get(c.ruleId)?.limits ?? []) {
      const key = periodKey(limit.period, input.occurredAt, input.timeZone);
      const field = `ruleUsage.${usageKey(c.ruleId, limit.period)}`;
      const before = input.member.ruleUsage?.[usageKey(c.ruleId, limit.period)];
      isGuarded = true;
      if (before?.periodKey === key) {
        update.match[`${field}.periodKey`] = key;
        if (limit.maxTimes !== undefined) update.match[`${field}.times`] = { $lte: limit.maxTimes - c.times };
        if (limit.maxPoints !== undefined) {
          update.match[`${field}.points`] = { $lte: limit.maxPoints - c.points };
        }
        update.$inc[`${field}.times`] = c.times;
        update.$inc[`${field}.points`] = c.points;
      } else {
        update.match[`${field}.periodKey`] = before ? before.periodKey : { $exists: false };
        update.$set[field] = { periodKey: key, times: c.times, points: c.points };
      }
    }
  }
  if (!isGuarded) return {};
  return { ...update, onMiss: () => new RetryTransaction('rule limit used concurrently') };
}

/** What the member used of each limited rule in the limit's current period. */
function usageOf(input: EarningInput, limited: readonly Rule[]): NonNullable<EvaluationContext['usage']> {
  const counters = input.member.ruleUsage ?? {};
  const usage: NonNullable<EvaluationContext['usage']> = {};
  for (const rule of limited) {
    for (const limit of rule.limits ?? []) {
      const counter = counters[usageKey(rule.id, limit.period)];
      if (counter?.periodKey !== periodKey(limit.period, input.occurredAt, input.timeZone)) continue;
      usage[rule.id] = {
        ...usage[rule.id],
        [limit.period]: { times: counter.times, points: counter.points },
      };
    }
  }
  return usage;
}

function usageKey(ruleId: string, period: string): string {
  return `${ruleId}|${period}`;
}

function memberProfile(member: Member): NonNullable<EvaluationContext['member']> {
  return {
    id: member._id.toHexString(),
    ...(member.tier ? { tier: member.tier } : {}),
    tags: member.tags ?? [],
    purchaseCount: member.stats?.purchaseCount ?? 0,
    ...(member.stats?.lastPurchaseAt ? { lastPurchaseAt: member.stats.lastPurchaseAt.getTime() } : {}),
    joinedAt: member.joinedAt.getTime(),
    ...(member.birthDate ? { birthDate: member.birthDate } : {}),
  };
}
