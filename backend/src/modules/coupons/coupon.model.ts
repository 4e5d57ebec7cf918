import mongoose, { Schema, type Types } from 'mongoose';
import type { CouponKind, CouponStatus, CouponTemplateStatus, CouponTerms } from '@regulars/contracts';

/** Terms as stored (store ids as strings, dates as ISO strings): the same shape the API shows. */
export type StoredTerms = CouponTerms;

/**
 * A coupon template: its current terms (`version`), kind, status and the counters its limits need.
 * `uses` counts the uses and holds of all its coupons (the total cap is a conditional `$inc` on it, only
 * when the template has a cap); `issued` the coupons it issued.
 */
export type CouponTemplateDoc = {
  _id: Types.ObjectId;
  kind: CouponKind;
  status: CouponTemplateStatus;
  version: number;
  terms: StoredTerms;
  uses: number;
  issued: number;
  createdAt: Date;
  updatedAt: Date;
};

const templateSchema = new Schema<CouponTemplateDoc>(
  {
    kind: { type: String, enum: ['bearer', 'assigned'], required: true },
    status: { type: String, enum: ['active', 'archived'], required: true },
    version: { type: Number, required: true },
    terms: { type: Schema.Types.Mixed, required: true },
    uses: { type: Number, required: true },
    issued: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'coupon_templates', versionKey: false, minimize: false },
);
templateSchema.index({ status: 1, _id: -1 });

export const CouponTemplateModel = mongoose.model<CouponTemplateDoc>('CouponTemplate', templateSchema);

/** One immutable version of a template's terms: what the coupons issued under it keep. */
export type CouponTemplateVersionDoc = {
  _id: Types.ObjectId;
  templateId: Types.ObjectId;
  version: number;
  terms: StoredTerms;
  createdAt: Date;
};

const versionSchema = new Schema<CouponTemplateVersionDoc>(
  {
    templateId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    terms: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'coupon_template_versions', versionKey: false, minimize: false },
);
versionSchema.index({ templateId: 1, version: 1 }, { unique: true });

export const CouponTemplateVersionModel = mongoose.model<CouponTemplateVersionDoc>(
  'CouponTemplateVersion',
  versionSchema,
);

export type CouponIssuer = {
  kind: 'batch' | 'assignment' | 'rule' | 'staff' | 'referral';
  referralId?: Types.ObjectId;
  batchId?: Types.ObjectId;
  ruleId?: string;
  ruleVersion?: number;
  purchaseId?: Types.ObjectId;
  staffId?: string;
  reason?: string;
};

/** A hold of one use by an open checkout. */
export type CouponHold = { checkoutId: Types.ObjectId; memberId: Types.ObjectId | null; heldAt: Date };

/** A use taken by a completed checkout's purchase (`restoredAt` once a refund gave it back). */
export type CouponUse = {
  checkoutId: Types.ObjectId;
  purchaseId: Types.ObjectId;
  memberId: Types.ObjectId | null;
  amountMinor: number;
  usedAt: Date;
  restoredAt: Date | null;
};

/**
 * A coupon: its normalised code (unique index), the template version whose terms it keeps, its kind and
 * (assigned) member, and its uses. `remaining` is the uses neither taken nor held: a hold is the
 * conditional update `remaining ≥ 1 → remaining −1, held +1`, so of 20 tills holding the last use exactly
 * one wins. `holds` and `usesLog` say which checkout holds or took what (kept small: a coupon has few uses).
 */
export type CouponDoc = {
  _id: Types.ObjectId;
  code: string;
  templateId: Types.ObjectId;
  templateVersion: number;
  kind: CouponKind;
  memberId: Types.ObjectId | null;
  /** `expired` once the sweep marked it (until then an active coupon past `validUntil` reads as expired). */
  status: CouponStatus;
  maxUses: number;
  remaining: number;
  held: number;
  uses: number;
  validFrom: Date;
  validUntil: Date;
  issuedAt: Date;
  issuedBy: CouponIssuer;
  batchId: Types.ObjectId | null;
  /** Absent until the first hold (a million batch codes carry no empty arrays). */
  holds?: CouponHold[];
  usesLog?: CouponUse[];
  voidedAt?: Date | null;
  /** When the sweep marked it expired (on the injected clock). */
  expiredAt?: Date | null;
};

const couponSchema = new Schema<CouponDoc>(
  {
    code: { type: String, required: true },
    templateId: { type: Schema.Types.ObjectId, required: true },
    templateVersion: { type: Number, required: true },
    kind: { type: String, required: true },
    memberId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, required: true },
    maxUses: { type: Number, required: true },
    remaining: { type: Number, required: true },
    held: { type: Number, required: true },
    uses: { type: Number, required: true },
    validFrom: { type: Date, required: true },
    validUntil: { type: Date, required: true },
    issuedAt: { type: Date, required: true },
    issuedBy: { type: Schema.Types.Mixed, required: true },
    batchId: { type: Schema.Types.ObjectId, default: null },
    holds: { type: Schema.Types.Mixed, default: undefined },
    usesLog: { type: Schema.Types.Mixed, default: undefined },
    voidedAt: { type: Date, default: undefined },
    expiredAt: { type: Date, default: undefined },
  },
  { collection: 'coupons', versionKey: false, minimize: false },
);
// The code a person types or scans: unique, so that a collision is refused at insert and generated again.
couponSchema.index({ code: 1 }, { unique: true });
// A member's wallet and coupon list.
couponSchema.index(
  { memberId: 1, _id: -1 },
  { partialFilterExpression: { memberId: { $type: 'objectId' } } },
);
// A batch's CSV, in insertion order.
couponSchema.index({ batchId: 1, _id: 1 }, { partialFilterExpression: { batchId: { $type: 'objectId' } } });
// The coupons a purchase issued (voided by its refund) and those it used (restored by its refund).
couponSchema.index(
  { 'issuedBy.purchaseId': 1 },
  { partialFilterExpression: { 'issuedBy.purchaseId': { $type: 'objectId' } } },
);
couponSchema.index({ 'usesLog.purchaseId': 1 }, { sparse: true });
// The expiry sweep: the active coupons by end of validity (a coupon leaves it once used, voided or expired).
couponSchema.index({ validUntil: 1, _id: 1 }, { partialFilterExpression: { status: 'active' } });

export const CouponModel = mongoose.model<CouponDoc>('Coupon', couponSchema);

/** Uses (and holds) of one template's coupons by one member, for its per-member limit. */
export type CouponMemberUsageDoc = {
  _id: Types.ObjectId;
  templateId: Types.ObjectId;
  memberId: Types.ObjectId;
  count: number;
};

const memberUsageSchema = new Schema<CouponMemberUsageDoc>(
  {
    templateId: { type: Schema.Types.ObjectId, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    count: { type: Number, required: true },
  },
  { collection: 'coupon_member_usage', versionKey: false },
);
memberUsageSchema.index({ templateId: 1, memberId: 1 }, { unique: true });

export const CouponMemberUsageModel = mongoose.model<CouponMemberUsageDoc>(
  'CouponMemberUsage',
  memberUsageSchema,
);

/**
 * A batch of bearer codes generated by a job in chunks. `generated` counts the codes inserted: a chunk is
 * inserted and counted in one transaction, so a job restarted after a crash continues from `generated`
 * without a gap or a duplicate.
 */
export type CouponBatchDoc = {
  _id: Types.ObjectId;
  templateId: Types.ObjectId;
  templateVersion: number;
  label: string | null;
  status: 'queued' | 'running' | 'completed';
  count: number;
  generated: number;
  collisions: number;
  createdBy: string;
  createdAt: Date;
  completedAt: Date | null;
};

const batchSchema = new Schema<CouponBatchDoc>(
  {
    templateId: { type: Schema.Types.ObjectId, required: true },
    templateVersion: { type: Number, required: true },
    label: { type: String, default: null },
    status: { type: String, required: true },
    count: { type: Number, required: true },
    generated: { type: Number, required: true },
    collisions: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    completedAt: { type: Date, default: null },
  },
  { collection: 'coupon_batches', versionKey: false },
);
batchSchema.index({ templateId: 1, _id: -1 });
batchSchema.index({ status: 1, _id: 1 });

export const CouponBatchModel = mongoose.model<CouponBatchDoc>('CouponBatch', batchSchema);
