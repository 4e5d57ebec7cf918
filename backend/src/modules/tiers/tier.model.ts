import mongoose, { Schema, type Types } from 'mongoose';
import type {
  TierBasis,
  TierChangeKind,
  TierDowngradePolicy,
  TierRetention,
  TierWindow,
} from '@regulars/contracts';
import type { TierState } from './tier-evaluation.js';

/** One published version of the program's tier ladder (append-only: the newest version is the ladder). */
export type TierLadderVersion = {
  _id: Types.ObjectId;
  version: number;
  basis: TierBasis;
  window: TierWindow;
  retention: TierRetention;
  downgrade: { policy: TierDowngradePolicy; graceDays: number; warnDaysBefore: number };
  tiers: Array<{
    code: string;
    name: string;
    threshold: number;
    neverDowngrade: boolean;
    discountPercent: number;
  }>;
  publishedAt: Date;
  publishedBy: { kind: string; id: string | null };
};

const ladderSchema = new Schema<TierLadderVersion>(
  {
    version: { type: Number, required: true },
    basis: { type: String, required: true },
    window: { type: Schema.Types.Mixed, required: true },
    retention: { type: Schema.Types.Mixed, required: true },
    downgrade: { type: Schema.Types.Mixed, required: true },
    tiers: { type: Schema.Types.Mixed, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'tier_ladders', versionKey: false },
);
ladderSchema.index({ version: 1 }, { unique: true });

export const TierLadderModel = mongoose.model<TierLadderVersion>('TierLadder', ladderSchema);

/**
 * A member's place on the ladder. Created with the member's first activity (even before a ladder exists:
 * `ladderVersion` 0 and no tier), then moved by purchases, refunds, the sweep and overrides. `rev` guards
 * every write: a purchase and the sweep that read the same state, one of them retries.
 */
export type MemberTierDoc = TierState & {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  ladderVersion: number;
  rev: number;
  updatedAt: Date;
};

const memberTierSchema = new Schema<MemberTierDoc>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    ladderVersion: { type: Number, required: true },
    rev: { type: Number, required: true },
    tierCode: { type: String, default: '' },
    since: { type: Date, required: true },
    qualifiedUntil: { type: Date, default: null },
    dueAt: { type: Date, default: null },
    warnAt: { type: Date, default: null },
    override: { type: Schema.Types.Mixed, default: null },
    lastUpgrade: { type: Schema.Types.Mixed, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'member_tiers', versionKey: false },
);
memberTierSchema.index({ memberId: 1 }, { unique: true });
// The sweep's three walks: states of an older ladder, downgrades (and fixed overrides) due, warnings due.
memberTierSchema.index({ ladderVersion: 1, _id: 1 });
memberTierSchema.index({ dueAt: 1, _id: 1 });
memberTierSchema.index({ warnAt: 1, _id: 1 });

export const MemberTierModel = mongoose.model<MemberTierDoc>('MemberTier', memberTierSchema);

/**
 * A member's qualifying activity of one calendar month in the program's time zone: points earned by
 * purchases and spend on goods, both net of refunds (`$inc` in the purchase's and refund's transactions).
 * Spending points writes nothing here, so it never changes a tier.
 */
export type TierActivity = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  /** year × 12 + month − 1 */
  month: number;
  points: number;
  spendMinor: number;
};

const activitySchema = new Schema<TierActivity>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    month: { type: Number, required: true },
    points: { type: Number, required: true },
    spendMinor: { type: Number, required: true },
  },
  { collection: 'tier_activity', versionKey: false },
);
activitySchema.index({ memberId: 1, month: 1 }, { unique: true });

export const TierActivityModel = mongoose.model<TierActivity>('TierActivity', activitySchema);

/** One change of a member's tier, with why (the history the projection and the portal show). */
export type TierChangeDoc = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  at: Date;
  kind: TierChangeKind;
  from: string | null;
  to: string;
  reason: string;
  ladderVersion: number;
};

const changeSchema = new Schema<TierChangeDoc>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    kind: { type: String, required: true },
    from: { type: String, default: null },
    to: { type: String, required: true },
    reason: { type: String, required: true },
    ladderVersion: { type: Number, required: true },
  },
  { collection: 'tier_changes', versionKey: false },
);
changeSchema.index({ memberId: 1, at: -1, _id: -1 });

export const TierChangeModel = mongoose.model<TierChangeDoc>('TierChange', changeSchema);
