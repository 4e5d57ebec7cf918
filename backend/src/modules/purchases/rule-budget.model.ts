import mongoose, { Schema } from 'mongoose';

/** Points a rule has given across all members, checked against its global budget. */
export type RuleBudgetDoc = { _id: string; spentPoints: number };

export const RuleBudgetModel = mongoose.model<RuleBudgetDoc>(
  'RuleBudget',
  new Schema<RuleBudgetDoc>(
    { _id: { type: String, required: true }, spentPoints: { type: Number, required: true } },
    { collection: 'rule_budgets', versionKey: false },
  ),
);
