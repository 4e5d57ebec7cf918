import type { ClientSession, Types } from 'mongoose';
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
import { RetryTransaction } from '../ledger/transaction.js';
import { periodKey } from './period-keys.js';
import { nativeCollection } from '../../platform/mongo.js';
import {
  RuleBudgetModel,
  RuleUsageModel,
  type RuleBudgetDoc,
  type RuleUsageDoc,
} from './rule-usage.model.js';

/** Where the published rules come from (the rules module); each rule carries its id and version. */
export type RuleSource = { publishedRules(): Promise<Rule[]> };

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
 * global budgets atomically. Limits are counters per member, rule and period written inside the
 * purchase's transaction with a guard (`times < maxTimes`); budgets are one counter per rule reserved
 * with a conditional `$inc` (`spentPoints <= total − points`) so that concurrent purchases of different
 * members never overspend a budget, and released again if the purchase fails.
 */
export class EarningService {
  private compiled: { rules: readonly Rule[]; signature: string; set: CompiledRuleSet } | null = null;

  constructor(public ruleSource: RuleSource) {}

  async ruleSet(): Promise<{ rules: readonly Rule[]; set: CompiledRuleSet }> {
    const rules = await this.ruleSource.publishedRules();
    if (this.compiled?.rules === rules) return this.compiled;
    const signature = rules.map((r) => `${r.id}@${r.version}`).join(',');
    if (this.compiled?.signature !== signature) {
      this.compiled = { rules, signature, set: compileRuleSet(rules) };
    } else {
      this.compiled.rules = rules;
    }
    return this.compiled;
  }

  /**
   * Evaluates the rules with the member's current usage and the budgets left, reserves the budgets the
   * result consumes, and records the usage in `session`. Re-evaluates when a budget ran out meanwhile.
   */
  async earnInSession(
    session: ClientSession,
    input: EarningInput,
    reservations: BudgetReservation[],
  ): Promise<EvaluationResult> {
    const { rules, set } = await this.ruleSet();
    if (rules.length === 0) return { points: 0, breakdown: [], effects: [], consumption: [], trace: [] };
    const byId = new Map(rules.map((r) => [r.id, r]));
    const memberId = input.member._id;
    const usageIds: string[] = [];
    for (const rule of rules) {
      for (const limit of rule.limits ?? []) {
        usageIds.push(
          usageId(rule.id, memberId, limit.period, periodKey(limit.period, input.occurredAt, input.timeZone)),
        );
      }
    }
    const usageDocs = usageIds.length
      ? await usageCollection()
          .find({ _id: { $in: usageIds } }, { session })
          .toArray()
      : [];
    const usage: NonNullable<EvaluationContext['usage']> = {};
    const usageById = new Map<string, RuleUsageDoc>();
    for (const doc of usageDocs) {
      usageById.set(doc._id, doc);
      usage[doc.ruleId] = { ...usage[doc.ruleId], [doc.period]: { times: doc.times, points: doc.points } };
    }
    const budgetedIds = rules.filter((r) => r.budget).map((r) => r.id);

    for (let attempt = 0; ; attempt += 1) {
      const budgets: NonNullable<EvaluationContext['budgets']> = {};
      // The first attempt does not read the budgets: it evaluates as if they were untouched and the
      // conditional reservation decides. A budget only changes the result when it has fewer points left
      // than the rule gives, and exactly then the reservation is refused and the next attempt reads them
      // (one read fewer per accrual while the budgets last, with the same result).
      if (budgetedIds.length && attempt > 0) {
        for (const doc of await budgetCollection()
          .find({ _id: { $in: budgetedIds } })
          .toArray()) {
          const total = byId.get(doc._id)?.budget?.totalPoints ?? 0;
          budgets[doc._id] = { remainingPoints: total - doc.spentPoints };
        }
      }
      const result = evaluate(set, {
        now: input.occurredAt.getTime(),
        timeZone: input.timeZone,
        purchase: input.purchase,
        member: memberProfile(input.member),
        usage,
        budgets,
      });
      const refused = await this.reserveBudgets(result.consumption, byId, reservations);
      if (refused && attempt < 5) continue;
      if (refused) throw new RetryTransaction('rule budget contention');
      await this.recordUsage(session, result.consumption, byId, usageById, input);
      return result;
    }
  }

  /** Takes each consumed budget with a conditional $inc; on a refusal gives back what this call took. */
  private async reserveBudgets(
    consumption: readonly RuleConsumption[],
    byId: Map<string, Rule>,
    reservations: BudgetReservation[],
  ): Promise<boolean> {
    const taken: BudgetReservation[] = [];
    for (const c of consumption) {
      const total = byId.get(c.ruleId)?.budget?.totalPoints;
      if (!c.hasBudget || total === undefined || c.points === 0) continue;
      let isTaken = false;
      try {
        const res = await budgetCollection().updateOne(
          { _id: c.ruleId, spentPoints: { $lte: total - c.points } },
          { $inc: { spentPoints: c.points } },
          { upsert: true },
        );
        isTaken = res.matchedCount === 1 || res.upsertedCount === 1;
      } catch (error) {
        // The upsert collides with the existing counter when the condition fails: the budget is short.
        if ((error as { code?: number }).code !== 11000) throw error;
      }
      if (!isTaken) {
        await releaseBudgets(taken);
        return true;
      }
      taken.push({ ruleId: c.ruleId, points: c.points });
    }
    reservations.push(...taken);
    return false;
  }

  private async recordUsage(
    session: ClientSession,
    consumption: readonly RuleConsumption[],
    byId: Map<string, Rule>,
    existing: Map<string, RuleUsageDoc>,
    input: EarningInput,
  ): Promise<void> {
    for (const c of consumption) {
      const rule = byId.get(c.ruleId);
      for (const limit of rule?.limits ?? []) {
        const key = periodKey(limit.period, input.occurredAt, input.timeZone);
        const id = usageId(c.ruleId, input.member._id, limit.period, key);
        const before = existing.get(id);
        if (!before) {
          try {
            await usageCollection().insertOne(
              {
                _id: id,
                ruleId: c.ruleId,
                memberId: input.member._id,
                period: limit.period,
                periodKey: key,
                times: c.times,
                points: c.points,
              },
              { session },
            );
          } catch (error) {
            if ((error as { code?: number }).code === 11000)
              throw new RetryTransaction('rule usage created concurrently');
            throw error;
          }
          continue;
        }
        // Guarded increment: the limit holds even if the snapshot we evaluated against is stale.
        const guard: Record<string, unknown> = { _id: id };
        if (limit.maxTimes !== undefined) guard.times = { $lte: limit.maxTimes - c.times };
        if (limit.maxPoints !== undefined) guard.points = { $lte: limit.maxPoints - c.points };
        const res = await usageCollection().updateOne(
          guard,
          { $inc: { times: c.times, points: c.points } },
          { session },
        );
        if (res.matchedCount !== 1) throw new RetryTransaction('rule limit used concurrently');
      }
    }
  }
}

export async function releaseBudgets(reservations: readonly BudgetReservation[]): Promise<void> {
  for (const r of reservations) {
    await budgetCollection().updateOne({ _id: r.ruleId }, { $inc: { spentPoints: -r.points } });
  }
}

// The driver directly on the accrual path: these documents are fully typed, mongoose would only cast.
const usageCollection = () => nativeCollection<RuleUsageDoc>(RuleUsageModel);
const budgetCollection = () => nativeCollection<RuleBudgetDoc>(RuleBudgetModel);

function usageId(ruleId: string, memberId: Types.ObjectId, period: string, key: string): string {
  return `${ruleId}|${memberId.toHexString()}|${period}|${key}`;
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
