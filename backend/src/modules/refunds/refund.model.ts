import mongoose, { Schema, type Types } from 'mongoose';

/** A refund of part or all of a purchase: money back, and the points that go with it. */
export type Refund = {
  _id: Types.ObjectId;
  purchaseId: Types.ObjectId;
  memberId: Types.ObjectId | null;
  /** The refunded purchase's store and receipt number, copied for the reconciliation list. */
  storeId: Types.ObjectId;
  externalId: string | null;
  amountMinor: number;
  /**
   * The goods part of `amountMinor`: without the gift certificates returned with their lines (stored value
   * leaves as a liability, not as lost revenue). Absent on refunds recorded before reports (= amountMinor).
   */
  goodsMinor?: number;
  items: { sku: string; quantity: number }[] | null;
  reason: string | null;
  pointsReversed: number;
  pointsRestored: number;
  pointsWrittenOff: number;
  requestKey: string | null;
  actor: { kind: string; id: string | null; label: string | null } | null;
  createdAt: Date;
};

const refundSchema = new Schema<Refund>(
  {
    purchaseId: { type: Schema.Types.ObjectId, required: true, index: true },
    memberId: { type: Schema.Types.ObjectId, default: null },
    storeId: { type: Schema.Types.ObjectId, required: true },
    externalId: { type: String, default: null },
    amountMinor: { type: Number, required: true },
    goodsMinor: { type: Number, default: undefined },
    items: { type: [{ _id: false, sku: String, quantity: Number }], default: null },
    reason: { type: String, default: null },
    pointsReversed: { type: Number, required: true },
    pointsRestored: { type: Number, required: true },
    pointsWrittenOff: { type: Number, required: true },
    requestKey: { type: String, default: null },
    actor: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'refunds', versionKey: false },
);
refundSchema.index(
  { requestKey: 1 },
  { unique: true, partialFilterExpression: { requestKey: { $type: 'string' } } },
);

refundSchema.index({ storeId: 1, _id: -1 });
refundSchema.index({ memberId: 1, _id: -1 });

export const RefundModel = mongoose.model<Refund>('Refund', refundSchema);
