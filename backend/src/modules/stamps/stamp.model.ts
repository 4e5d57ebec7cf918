import mongoose, { Schema, type Types } from 'mongoose';
import type { StampCardStatus, StampRewardStatus } from '@regulars/contracts';

/**
 * A stamp card definition: the single source of a card's threshold and of the reward a full card unlocks.
 * Rules' `addStamps` effects name it by id (`cardId`).
 */
export type StampCardDefinition = {
  _id: Types.ObjectId;
  name: string;
  threshold: number;
  /** The catalogue reward (rewards module) a full card unlocks. */
  rewardId: Types.ObjectId;
  rewardValidityDays: number;
  status: StampCardStatus;
  createdAt: Date;
  updatedAt: Date;
};

const definitionSchema = new Schema<StampCardDefinition>(
  {
    name: { type: String, required: true },
    threshold: { type: Number, required: true },
    rewardId: { type: Schema.Types.ObjectId, required: true },
    rewardValidityDays: { type: Number, required: true },
    status: { type: String, enum: ['active', 'archived'], required: true },
  },
  { collection: 'stamp_card_definitions', timestamps: true, versionKey: false },
);
definitionSchema.index({ status: 1, _id: -1 });

export const StampCardDefinitionModel = mongoose.model<StampCardDefinition>(
  'StampCardDefinition',
  definitionSchema,
);

/**
 * One member's card of one definition. `stamps` are on the current card (a full card is taken off in the
 * transaction that fills it); `debt` is stamps a refund could not take back (their reward was used), paid
 * first by the next stamps. Written with `$inc` inside the purchase's or refund's transaction.
 */
export type MemberStampCard = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  definitionId: Types.ObjectId;
  stamps: number;
  debt: number;
  /** Cards filled so far (each unlocked one reward). */
  completedCards: number;
  updatedAt: Date;
};

const memberCardSchema = new Schema<MemberStampCard>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    definitionId: { type: Schema.Types.ObjectId, required: true },
    stamps: { type: Number, required: true },
    debt: { type: Number, required: true },
    completedCards: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'member_stamp_cards', versionKey: false },
);
memberCardSchema.index({ memberId: 1, definitionId: 1 }, { unique: true });

export const MemberStampCardModel = mongoose.model<MemberStampCard>('MemberStampCard', memberCardSchema);

/** A reward a full card unlocked, in the member's wallet: unlocked → held → used, or expired, or locked. */
export type StampReward = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  definitionId: Types.ObjectId;
  /** The catalogue reward it gives (copied from the definition when unlocked). */
  rewardId: Types.ObjectId;
  status: StampRewardStatus;
  /** The purchase whose stamps filled the card. */
  purchaseId: Types.ObjectId;
  unlockedAt: Date;
  /** Unlock time + the definition's validity days; the expiry sweep's due date. */
  expiresAt: Date;
  /** The checkout holding it (status held), or the one that used it. */
  checkoutId: string | null;
  heldAt: Date | null;
  usedAt: Date | null;
  /** The purchase it was used on. */
  usedPurchaseId: Types.ObjectId | null;
  expiredAt: Date | null;
  lockedAt: Date | null;
  /** The refund that broke its card. */
  lockedByRefundId: Types.ObjectId | null;
};

const rewardSchema = new Schema<StampReward>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    definitionId: { type: Schema.Types.ObjectId, required: true },
    rewardId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['unlocked', 'held', 'used', 'expired', 'locked'], required: true },
    purchaseId: { type: Schema.Types.ObjectId, required: true },
    unlockedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    checkoutId: { type: String, default: null },
    heldAt: { type: Date, default: null },
    usedAt: { type: Date, default: null },
    usedPurchaseId: { type: Schema.Types.ObjectId, default: null },
    expiredAt: { type: Date, default: null },
    lockedAt: { type: Date, default: null },
    lockedByRefundId: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'stamp_rewards', versionKey: false },
);
// The wallet (a member's usable rewards) and the expiry sweep (unlocked ones past due, by _id cursor).
rewardSchema.index({ memberId: 1, status: 1, definitionId: 1 });
rewardSchema.index({ status: 1, expiresAt: 1, _id: 1 });

export const StampRewardModel = mongoose.model<StampReward>('StampReward', rewardSchema);

/** The stamps one purchase added to one card, so that its refunds take back their share. */
export type StampAward = {
  _id: Types.ObjectId;
  purchaseId: Types.ObjectId;
  memberId: Types.ObjectId;
  definitionId: Types.ObjectId;
  /** Stamps the rules gave (debt paid included). */
  stamps: number;
  /** Stamps taken back by refunds so far (cumulative). */
  stampsRemoved: number;
  /** The rewards this purchase's stamps unlocked (locked first when a refund breaks a card). */
  rewardIds: Types.ObjectId[];
  createdAt: Date;
};

const awardSchema = new Schema<StampAward>(
  {
    purchaseId: { type: Schema.Types.ObjectId, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    definitionId: { type: Schema.Types.ObjectId, required: true },
    stamps: { type: Number, required: true },
    stampsRemoved: { type: Number, required: true },
    rewardIds: { type: [Schema.Types.ObjectId], required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'stamp_awards', versionKey: false },
);
awardSchema.index({ purchaseId: 1, definitionId: 1 }, { unique: true });

export const StampAwardModel = mongoose.model<StampAward>('StampAward', awardSchema);
