import mongoose, { Schema, type Types } from 'mongoose';
import type { CheckoutReceipt, CheckoutStatus, InstrumentMisfit } from '@regulars/contracts';
import type { AppliesTo, MemberPricingType, Stacking } from './instrument-port.js';

export type CheckoutItem = {
  sku: string;
  name: string | null;
  category: string | null;
  quantity: number;
  unitPriceMinor: number;
  /** Gift certificates sold (absent on a product line): issued on completion, one per unit. */
  kind?: 'giftCertificate';
};

/**
 * An instrument held for a checkout. A reward or points hold is a redemption in status `held`: its
 * points already left the member's lots (the conditional debit is the hold), and completion turns it
 * into a completed redemption of the purchase; cancel or expiry gives them back. A coupon or a gift
 * certificate is held by its module through the checkout's instrument port (`refId` names it).
 */
export type AppliedInstrument = {
  _id: Types.ObjectId;
  type: 'reward' | 'points' | 'stampReward' | 'coupon' | 'giftCertificate' | MemberPricingType;
  kind: 'fixed_discount' | 'percent_discount' | 'free_product' | 'points_payment' | 'stored_value';
  label: string;
  rewardId: Types.ObjectId | null;
  stampRewardId: Types.ObjectId | null;
  redemptionId: Types.ObjectId | null;
  points: number;
  valueMinor: number | null;
  percent: number | null;
  sku: string | null;
  /** The coupon or gift certificate held through its module's port (absent for the other types). */
  refId?: Types.ObjectId | null;
  appliesTo?: AppliesTo | null;
  minBasketMinor?: number | null;
  stacking?: Stacking | null;
  appliedAt: Date;
};

export type DroppedInstrument = {
  _id: Types.ObjectId;
  type: AppliedInstrument['type'];
  label: string;
  reason: InstrumentMisfit;
};

export type Checkout = {
  _id: Types.ObjectId;
  status: CheckoutStatus;
  storeId: Types.ObjectId;
  memberId: Types.ObjectId | null;
  currency: string;
  channel: string | null;
  items: CheckoutItem[];
  applied: AppliedInstrument[];
  dropped: DroppedInstrument[];
  /** Bumped by every change: the changes of one checkout are conditional on the version they read. */
  version: number;
  /** When an open checkout's holds are released (program's checkout TTL after the last change). */
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  /** The key of the completing request: another key gets 409 CHECKOUT_COMPLETED. */
  completeKey: string | null;
  purchaseId: Types.ObjectId | null;
  receipt: CheckoutReceipt | null;
  closedAt: Date | null;
  /** The full refund that undid the sale at the till. */
  undo?: { refundId: Types.ObjectId; pointsRestored: number; pointsReversed: number; undoneAt: Date } | null;
};

const schema = new Schema<Checkout>(
  {
    status: { type: String, required: true },
    storeId: { type: Schema.Types.ObjectId, required: true },
    memberId: { type: Schema.Types.ObjectId, default: null },
    currency: { type: String, required: true },
    channel: { type: String, default: null },
    items: { type: Schema.Types.Mixed, default: () => [] },
    applied: { type: Schema.Types.Mixed, default: () => [] },
    dropped: { type: Schema.Types.Mixed, default: () => [] },
    version: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    completeKey: { type: String, default: null },
    purchaseId: { type: Schema.Types.ObjectId, default: null },
    receipt: { type: Schema.Types.Mixed, default: null },
    closedAt: { type: Date, default: null },
    undo: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'checkouts', versionKey: false },
);
// The expiry sweep reads open checkouts by due date.
schema.index({ status: 1, expiresAt: 1 });
schema.index({ memberId: 1, status: 1 });

export const CheckoutModel = mongoose.model<Checkout>('Checkout', schema);
