import mongoose, { Schema, type Types } from 'mongoose';

/**
 * How much of a rule's per-member limit a member used in one period: `_id` is
 * `<ruleId>|<memberId>|<period>|<periodKey>` (periodKey `2025-06-01`, `2025-W22`, `2025-06` or `all`).
 */
export type RuleUsageDoc = {
  _id: string;
  ruleId: string;
  memberId: Types.ObjectId;
  period: string;
  periodKey: string;
  times: number;
  points: number;
};

const usageSchema = new Schema<RuleUsageDoc>(
  {
    _id: { type: String, required: true },
    ruleId: { type: String, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    period: { type: String, required: true },
    periodKey: { type: String, required: true },
    times: { type: Number, required: true },
    points: { type: Number, required: true },
  },
  { collection: 'rule_usage', versionKey: false },
);

export const RuleUsageModel = mongoose.model<RuleUsageDoc>('RuleUsage', usageSchema);

/** Points a rule has given across all members, checked against its global budget. */
export type RuleBudgetDoc = { _id: string; spentPoints: number };

export const RuleBudgetModel = mongoose.model<RuleBudgetDoc>(
  'RuleBudget',
  new Schema<RuleBudgetDoc>(
    { _id: { type: String, required: true }, spentPoints: { type: Number, required: true } },
    { collection: 'rule_budgets', versionKey: false },
  ),
);
