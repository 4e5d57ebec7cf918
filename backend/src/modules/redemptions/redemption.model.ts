import mongoose, { Schema, type Types } from 'mongoose';
import type { RedemptionApply } from '@regulars/contracts';

/** Which lot a redemption took points from, and how many of them were given back since. */
export type RedemptionAllocation = { lotId: Types.ObjectId; points: number; returned: number };

export type Redemption = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  rewardId: Types.ObjectId | null;
  /** Where it was made: the body's storeId, or the store the caller is bound to (null: not known). */
  storeId: Types.ObjectId | null;
  pointsSpent: number;
  apply: RedemptionApply;
  /** `held`: spent for an open checkout, completed or given back when the checkout closes. */
  status: 'held' | 'completed' | 'cancelled';
  allocations: RedemptionAllocation[];
  /** The purchase this redemption was applied to (set when the purchase is recorded). */
  purchaseId: Types.ObjectId | null;
  /** The checkout that holds (or held) it; null for a redemption made directly. */
  checkoutId?: Types.ObjectId | null;
  requestKey: string | null;
  createdAt: Date;
  cancelledAt: Date | null;
};

const redemptionSchema = new Schema<Redemption>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    rewardId: { type: Schema.Types.ObjectId, default: null },
    storeId: { type: Schema.Types.ObjectId, default: null },
    pointsSpent: { type: Number, required: true },
    apply: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['held', 'completed', 'cancelled'], required: true },
    allocations: [{ _id: false, lotId: Schema.Types.ObjectId, points: Number, returned: Number }],
    purchaseId: { type: Schema.Types.ObjectId, default: null },
    checkoutId: { type: Schema.Types.ObjectId, default: null },
    requestKey: { type: String, default: null },
    createdAt: { type: Date, required: true },
    cancelledAt: { type: Date, default: null },
  },
  { collection: 'redemptions', versionKey: false },
);
redemptionSchema.index(
  { requestKey: 1 },
  { unique: true, partialFilterExpression: { requestKey: { $type: 'string' } } },
);
redemptionSchema.index({ memberId: 1, _id: -1 });
redemptionSchema.index({ rewardId: 1, memberId: 1, status: 1 });
redemptionSchema.index({ storeId: 1, _id: -1 });
redemptionSchema.index({ checkoutId: 1 }, { partialFilterExpression: { checkoutId: { $type: 'objectId' } } });

export const RedemptionModel = mongoose.model<Redemption>('Redemption', redemptionSchema);
