import mongoose, { Schema, type Types } from 'mongoose';
import type { RuleCredit } from '../ledger/ledger-entry.model.js';
import type { PurchaseRuleConsumption } from './rule-consumption.js';

export type PurchaseItem = {
  sku: string;
  name: string | null;
  category: string | null;
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
  paidWithPointsMinor: number;
  /** Units returned by item refunds so far. */
  refundedQuantity: number;
  /**
   * `giftCertificate`: gift certificates sold at the till (one per unit, worth the unit price): stored
   * value, not goods — the rules never see the line and a refund of it voids unspent certificates.
   */
  kind?: 'giftCertificate';
};

/** A part of the sale paid with stored value (a gift certificate): its refund goes back to it. */
export type PurchaseTender = { type: 'giftCertificate'; refId: Types.ObjectId; amountMinor: number };

/** A sale recorded from a till or a web shop; with a member it earns points through the rules. */
export type Purchase = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId | null;
  storeId: Types.ObjectId;
  externalId: string | null;
  channel: string | null;
  currency: string;
  /** What the customer paid in money (gift certificates included): Σ (quantity × unit price − discount − paid with points). */
  totalMinor: number;
  refundedMinor: number;
  items: PurchaseItem[];
  occurredAt: Date;
  pointsEarned: number;
  pointsReversed: number;
  /** Points spent on this basket (linked redemptions) and given back by refunds so far. */
  pointsSpent: number;
  pointsRestored: number;
  breakdown: RuleCredit[];
  /** What the purchase consumed of rule limits and budgets, given back by refunds (absent before #13). */
  ruleConsumption?: PurchaseRuleConsumption[];
  lotId: Types.ObjectId | null;
  pointsStatus: 'active' | 'pending';
  availableAt: Date;
  redemptionIds: Types.ObjectId[];
  /** Gift certificates that paid part of the sale (included in `totalMinor`; absent when none). */
  tenders?: PurchaseTender[];
  isFullyRefunded: boolean;
  /** `<caller> <Idempotency-Key>`: a request re-run after a crash finds its purchase instead of adding one. */
  requestKey: string | null;
  createdAt: Date;
};

const purchaseSchema = new Schema<Purchase>(
  {
    memberId: { type: Schema.Types.ObjectId, default: null },
    storeId: { type: Schema.Types.ObjectId, required: true },
    externalId: { type: String, default: null },
    channel: { type: String, default: null },
    currency: { type: String, required: true },
    totalMinor: { type: Number, required: true },
    refundedMinor: { type: Number, default: 0 },
    items: [
      {
        _id: false,
        sku: String,
        name: String,
        category: String,
        quantity: Number,
        unitPriceMinor: Number,
        discountMinor: Number,
        paidWithPointsMinor: Number,
        refundedQuantity: Number,
        kind: { type: String, default: undefined },
      },
    ],
    occurredAt: { type: Date, required: true },
    pointsEarned: { type: Number, default: 0 },
    pointsReversed: { type: Number, default: 0 },
    pointsSpent: { type: Number, default: 0 },
    pointsRestored: { type: Number, default: 0 },
    breakdown: [{ _id: false, ruleId: String, ruleVersion: Number, ruleName: String, points: Number }],
    ruleConsumption: { type: Schema.Types.Mixed, default: undefined },
    lotId: { type: Schema.Types.ObjectId, default: null },
    pointsStatus: { type: String, enum: ['active', 'pending'], required: true },
    availableAt: { type: Date, required: true },
    redemptionIds: { type: [Schema.Types.ObjectId], default: [] },
    tenders: { type: Schema.Types.Mixed, default: undefined },
    isFullyRefunded: { type: Boolean, default: false },
    requestKey: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'purchases', versionKey: false },
);
purchaseSchema.index(
  { storeId: 1, externalId: 1 },
  { unique: true, partialFilterExpression: { externalId: { $type: 'string' } } },
);
purchaseSchema.index(
  { requestKey: 1 },
  { unique: true, partialFilterExpression: { requestKey: { $type: 'string' } } },
);
purchaseSchema.index({ memberId: 1, occurredAt: -1 });
// The reconciliation list: one store's sales (or one member's), newest first.
purchaseSchema.index({ storeId: 1, _id: -1 });
purchaseSchema.index({ memberId: 1, _id: -1 });

export const PurchaseModel = mongoose.model<Purchase>('Purchase', purchaseSchema);
