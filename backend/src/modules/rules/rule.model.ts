import mongoose, { Schema, type Types } from 'mongoose';

export const RULE_STATUSES = ['draft', 'published', 'paused', 'archived'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/**
 * A marketer's rule. `draft` is the editable definition (a rule of the `@regulars/rules` language
 * without id and version); publishing freezes it into an immutable `RuleVersion`. The engine id of a
 * rule is its `_id` as hex, so ledger entries can always be traced back here.
 */
export type RuleDoc = {
  _id: Types.ObjectId;
  name: string;
  status: RuleStatus;
  draft: Record<string, unknown>;
  /** The draft differs from the published version (or nothing was published yet). */
  hasUnpublishedChanges: boolean;
  publishedVersion: number | null;
  publishedAt: Date | null;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
};

const ruleSchema = new Schema<RuleDoc>(
  {
    name: { type: String, required: true },
    status: { type: String, enum: RULE_STATUSES, required: true, index: true },
    draft: { type: Schema.Types.Mixed, required: true },
    hasUnpublishedChanges: { type: Boolean, required: true },
    publishedVersion: { type: Number, default: null },
    publishedAt: { type: Date, default: null },
    createdBy: { type: String, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: 'rules', timestamps: true, versionKey: false, minimize: false },
);

export const RuleModel = mongoose.model<RuleDoc>('Rule', ruleSchema);

/** One published, immutable version of a rule: what earnings record (rule id + version) points at. */
export type RuleVersionDoc = {
  _id: Types.ObjectId;
  ruleId: string;
  version: number;
  /** The complete rule, id and version included, as the engine evaluates it. */
  definition: Record<string, unknown>;
  publishedAt: Date;
  publishedBy: string;
};

const ruleVersionSchema = new Schema<RuleVersionDoc>(
  {
    ruleId: { type: String, required: true },
    version: { type: Number, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
  },
  { collection: 'rule_versions', versionKey: false, minimize: false },
);
ruleVersionSchema.index({ ruleId: 1, version: 1 }, { unique: true });

export const RuleVersionModel = mongoose.model<RuleVersionDoc>('RuleVersion', ruleVersionSchema);

/** Bumped on every change to the active set, so every process knows when to reload its cache. */
export const RuleSetGenerationModel = mongoose.model<{ _id: string; generation: number }>(
  'RuleSetGeneration',
  new Schema<{ _id: string; generation: number }>(
    { _id: String, generation: Number },
    { collection: 'rule_set_generation', versionKey: false },
  ),
);
