import type { ClientSession, Types } from 'mongoose';
import type { LimitPeriod, RuleConsumption } from '@regulars/rules';
import { nativeCollection } from '../../platform/mongo.js';
import { RetryTransaction } from '../ledger/transaction.js';
import { MemberModel, type Member } from '../members/member.model.js';
import { periodKey } from './period-keys.js';
import { RuleBudgetModel, type RuleBudgetDoc } from './rule-budget.model.js';

/**
 * What a purchase consumed of one rule's per-member limits and global budget, stored on the purchase so
 * that a refund can give it back. Only rules with a limit or a budget are stored.
 */
export type PurchaseRuleConsumption = {
  ruleId: string;
  ruleVersion: number;
  times: number;
  points: number;
  /** True when `points` were taken from the rule's global budget. */
  hasBudget: boolean;
  /** The member's limit counters the purchase incremented, with the period each counted then. */
  counters: { period: LimitPeriod; periodKey: string }[];
};

/** What a refund gave back of one rule (reported by `refund.recorded`). */
export type RuleConsumptionReturned = {
  ruleId: string;
  /** Applications taken off the member's limit counters of the purchase's period (full refunds only). */
  times: number;
  /** Points taken off those counters. */
  points: number;
  /** Points given back to the rule's global budget. */
  budgetPoints: number;
};

/** The consumption worth storing: rules with a limit or a budget, with the period keys they counted. */
export function recordedConsumption(
  consumption: readonly RuleConsumption[],
  occurredAt: Date,
  timeZone: string,
): PurchaseRuleConsumption[] {
  const recorded: PurchaseRuleConsumption[] = [];
  for (const c of consumption) {
    if (c.limitPeriods.length === 0 && !c.hasBudget) continue;
    recorded.push({
      ruleId: c.ruleId,
      ruleVersion: c.ruleVersion,
      times: c.times,
      points: c.points,
      hasBudget: c.hasBudget,
      counters: [...new Set(c.limitPeriods)].map((period) => ({
        period,
        periodKey: periodKey(period, occurredAt, timeZone),
      })),
    });
  }
  return recorded;
}

/** `floor(total × part / whole)`, as the refund computes its points. */
const share = (total: number, part: number, whole: number) =>
  whole === 0 ? 0 : Math.floor((total * part) / whole);

/**
 * Gives back, in the refund's transaction, what a purchase consumed of limits and budgets, in proportion
 * to the money: cumulative on the refunded amount (as the points are), so that partial refunds add up to
 * exactly what was consumed. Applications go back on the full refund only. The caller guards the
 * purchase's `refundedMinor` (the concurrency boundary: two refunds of one purchase never both count the
 * same part), and:
 * - a limit counter is decremented only while it still counts the purchase's period (a later period's
 *   counter is left alone), never below zero, with an update guarded by the values read;
 * - a budget gets the points back with one relative `$inc` on its stored counter, which also counts the
 *   blocks processes lease, so it stays exact whatever those processes hold or take meanwhile.
 */
export async function giveBackConsumptionInSession(
  session: ClientSession,
  input: {
    memberId: Types.ObjectId;
    consumption: readonly PurchaseRuleConsumption[];
    totalMinor: number;
    refundedMinorBefore: number;
    refundedMinorAfter: number;
    isFullyRefunded: boolean;
  },
): Promise<RuleConsumptionReturned[]> {
  const returned: RuleConsumptionReturned[] = [];
  for (const c of input.consumption) {
    const pointsAfter = input.isFullyRefunded
      ? c.points
      : share(c.points, input.refundedMinorAfter, input.totalMinor);
    const points = pointsAfter - share(c.points, input.refundedMinorBefore, input.totalMinor);
    const times = input.isFullyRefunded ? c.times : 0;
    if (points <= 0 && times <= 0) continue;
    returned.push({ ruleId: c.ruleId, times, points, budgetPoints: c.hasBudget ? points : 0 });
  }
  if (returned.length === 0) return [];
  const counted = await decrementCounters(session, input.memberId, input.consumption, returned);
  for (const r of returned) {
    const given = counted.get(r.ruleId) ?? { times: 0, points: 0 };
    r.times = given.times;
    r.points = given.points;
    if (r.budgetPoints > 0) {
      await nativeCollection<RuleBudgetDoc>(RuleBudgetModel).updateOne(
        { _id: r.ruleId },
        [{ $set: { spentPoints: { $max: [0, { $subtract: ['$spentPoints', r.budgetPoints] }] } } }],
        { session },
      );
    }
  }
  return returned;
}

/**
 * Takes the given-back times and points off the member's counters still in the purchase's period; answers
 * what was taken per rule (the least over its counters, so the report never claims more than any gave).
 */
async function decrementCounters(
  session: ClientSession,
  memberId: Types.ObjectId,
  consumption: readonly PurchaseRuleConsumption[],
  returned: readonly RuleConsumptionReturned[],
): Promise<Map<string, { times: number; points: number }>> {
  const taken = new Map<string, { times: number; points: number }>();
  const member = await nativeCollection<Member>(MemberModel).findOne(
    { _id: memberId },
    { session, projection: { ruleUsage: 1 } },
  );
  const usage = member?.ruleUsage ?? {};
  const match: Record<string, unknown> = { _id: memberId };
  const set: Record<string, number> = {};
  for (const r of returned) {
    const c = consumption.find((x) => x.ruleId === r.ruleId);
    let least: { times: number; points: number } | null = null;
    for (const { period, periodKey: key } of c?.counters ?? []) {
      const field = `ruleUsage.${r.ruleId}|${period}`;
      const counter = usage[`${r.ruleId}|${period}`];
      if (counter?.periodKey !== key) continue;
      const times = Math.min(counter.times, r.times);
      const points = Math.min(counter.points, r.points);
      match[`${field}.periodKey`] = key;
      match[`${field}.times`] = counter.times;
      match[`${field}.points`] = counter.points;
      set[`${field}.times`] = counter.times - times;
      set[`${field}.points`] = counter.points - points;
      least = least
        ? { times: Math.min(least.times, times), points: Math.min(least.points, points) }
        : { times, points };
    }
    if (least) taken.set(r.ruleId, least);
  }
  if (Object.keys(set).length === 0) return taken;
  const updated = await nativeCollection<Member>(MemberModel).updateOne(match, { $set: set }, { session });
  if (updated.matchedCount !== 1) throw new RetryTransaction('rule limit counters changed concurrently');
  return taken;
}
