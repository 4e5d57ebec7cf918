import mongoose, { Schema, type Types } from 'mongoose';
import type {
  RefereeReward,
  RefereeRewardOn,
  ReferralCapPolicy,
  ReferralRejectReason,
  ReferralReviewStatus,
  ReferralReward,
  ReferralSignal,
  ReferralStatus,
} from '@regulars/contracts';

/** One version of the program's referral terms (append-only: the newest is current; each save is audited). */
export type ReferralTermsDoc = {
  _id: Types.ObjectId;
  version: number;
  isActive: boolean;
  referrerReward: ReferralReward;
  refereeReward: RefereeReward | null;
  refereeRewardOn: RefereeRewardOn;
  minimumPurchaseMinor: number;
  clearingDays: number;
  attributionDays: number;
  monthlyCap: number | null;
  lifetimeCap: number | null;
  capPolicy: ReferralCapPolicy;
  reviewThreshold: number;
  createdAt: Date;
  createdBy: string | null;
};

const termsSchema = new Schema<ReferralTermsDoc>(
  {
    version: { type: Number, required: true },
    isActive: { type: Boolean, required: true },
    referrerReward: { type: Schema.Types.Mixed, required: true },
    refereeReward: { type: Schema.Types.Mixed, default: null },
    refereeRewardOn: { type: String, required: true },
    minimumPurchaseMinor: { type: Number, required: true },
    clearingDays: { type: Number, required: true },
    attributionDays: { type: Number, required: true },
    monthlyCap: { type: Number, default: null },
    lifetimeCap: { type: Number, default: null },
    capPolicy: { type: String, required: true },
    reviewThreshold: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, default: null },
  },
  { collection: 'referral_terms', versionKey: false },
);
// Two saves racing for the same version: one wins, the other retries with the next number.
termsSchema.index({ version: 1 }, { unique: true });

export const ReferralTermsModel = mongoose.model<ReferralTermsDoc>('ReferralTerms', termsSchema);

/** A member's personal code (created when the member first opens "Invite friends") and the devices their card reported. */
export type ReferralCodeDoc = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  code: string;
  deviceIds: string[];
  linkOpens: number;
  createdAt: Date;
};

const codeSchema = new Schema<ReferralCodeDoc>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    deviceIds: { type: [String], default: [] },
    linkOpens: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
  },
  { collection: 'referral_codes', versionKey: false },
);
codeSchema.index({ memberId: 1 }, { unique: true });
codeSchema.index({ code: 1 }, { unique: true });
codeSchema.index({ deviceIds: 1 });

export const ReferralCodeModel = mongoose.model<ReferralCodeDoc>('ReferralCode', codeSchema);

/** What one reward gave (the ids to take it back on a reversal). */
export type RewardGivenDoc = {
  kind: 'points' | 'coupon' | 'giftCertificate';
  points: number | null;
  couponId: Types.ObjectId | null;
  giftCertificateId: Types.ObjectId | null;
  costMinor: number;
  givenAt: Date;
};

/**
 * One referral: the friend (`refereeId`, unique: one referral per friend), the referrer and the terms
 * version it runs under. Due dates swept on the injected clock: `attributionEndsAt` (attributed, no
 * qualifying purchase yet → rejected) and `clearsAt` (qualified → cleared and rewarded).
 */
export type ReferralDoc = {
  _id: Types.ObjectId;
  referrerId: Types.ObjectId;
  refereeId: Types.ObjectId;
  code: string;
  termsVersion: number;
  status: ReferralStatus;
  rejectReason: ReferralRejectReason | null;
  attributedAt: Date;
  attributionEndsAt: Date;
  qualifyingPurchaseId: Types.ObjectId | null;
  qualifyingStoreId: Types.ObjectId | null;
  qualifiedAt: Date | null;
  clearsAt: Date | null;
  clearedAt: Date | null;
  rewardedAt: Date | null;
  rejectedAt: Date | null;
  reversedAt: Date | null;
  deferredByCap: boolean;
  /** Hash of the address the code was claimed from (never the address itself). */
  addressHash: string | null;
  deviceId: string | null;
  score: number;
  signals: ReferralSignal[];
  review: {
    status: ReferralReviewStatus;
    decidedBy: string | null;
    decidedAt: Date | null;
    note: string | null;
  };
  referrerReward: RewardGivenDoc | null;
  refereeReward: RewardGivenDoc | null;
  reversal: {
    pointsTaken: number;
    pointsDebt: number;
    pointsWrittenOff: number;
    couponsVoided: number;
    unrecoveredMinor: number;
  } | null;
};

const rewardGiven = {
  type: new Schema(
    {
      kind: { type: String, required: true },
      points: { type: Number, default: null },
      couponId: { type: Schema.Types.ObjectId, default: null },
      giftCertificateId: { type: Schema.Types.ObjectId, default: null },
      costMinor: { type: Number, required: true },
      givenAt: { type: Date, required: true },
    },
    { _id: false },
  ),
  default: null,
};

const referralSchema = new Schema<ReferralDoc>(
  {
    referrerId: { type: Schema.Types.ObjectId, required: true },
    refereeId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    termsVersion: { type: Number, required: true },
    status: { type: String, required: true },
    rejectReason: { type: String, default: null },
    attributedAt: { type: Date, required: true },
    attributionEndsAt: { type: Date, required: true },
    qualifyingPurchaseId: { type: Schema.Types.ObjectId, default: null },
    qualifyingStoreId: { type: Schema.Types.ObjectId, default: null },
    qualifiedAt: { type: Date, default: null },
    clearsAt: { type: Date, default: null },
    clearedAt: { type: Date, default: null },
    rewardedAt: { type: Date, default: null },
    rejectedAt: { type: Date, default: null },
    reversedAt: { type: Date, default: null },
    deferredByCap: { type: Boolean, default: false },
    addressHash: { type: String, default: null },
    deviceId: { type: String, default: null },
    score: { type: Number, required: true },
    signals: { type: Schema.Types.Mixed, default: [] },
    review: { type: Schema.Types.Mixed, required: true },
    referrerReward: rewardGiven,
    refereeReward: rewardGiven,
    reversal: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'referrals', versionKey: false, minimize: false },
);
referralSchema.index({ refereeId: 1 }, { unique: true });
referralSchema.index({ referrerId: 1, _id: -1 });
referralSchema.index({ status: 1, _id: -1 });
referralSchema.index({ 'review.status': 1, _id: -1 });
referralSchema.index({ qualifyingPurchaseId: 1 }, { sparse: true });
// The sweeps: qualified by clearing date, attributed by the end of their attribution window.
referralSchema.index({ status: 1, clearsAt: 1, _id: 1 });
referralSchema.index({ status: 1, attributionEndsAt: 1, _id: 1 });
// "Many referrals from one address in a day".
referralSchema.index({ addressHash: 1, attributedAt: -1 }, { sparse: true });

export const ReferralModel = mongoose.model<ReferralDoc>('Referral', referralSchema);

/**
 * A referrer's rewards counted against a cap: `period` is `YYYY-MM` (program time zone) or `lifetime`.
 * Taken with a conditional `$inc` (count below the cap) in the clearing's transaction: exact under
 * concurrency.
 */
export type ReferralCapCounterDoc = {
  _id: string;
  referrerId: Types.ObjectId;
  period: string;
  count: number;
};

const capSchema = new Schema<ReferralCapCounterDoc>(
  {
    _id: { type: String, required: true },
    referrerId: { type: Schema.Types.ObjectId, required: true },
    period: { type: String, required: true },
    count: { type: Number, required: true },
  },
  { collection: 'referral_cap_counters', versionKey: false },
);

export const ReferralCapCounterModel = mongoose.model<ReferralCapCounterDoc>('ReferralCapCounter', capSchema);

/** The funnel's pre-aggregate: `_id` is `all` or a referrer's id; `$inc`ed with each transition. */
export type ReferralStatsDoc = {
  _id: string;
  linkOpens: number;
  joins: number;
  qualified: number;
  cleared: number;
  rewarded: number;
  rejected: number;
  reversed: number;
  referrers: number;
  rewardsCostMinor: number;
};

export const REFERRAL_STAT_FIELDS = [
  'linkOpens',
  'joins',
  'qualified',
  'cleared',
  'rewarded',
  'rejected',
  'reversed',
  'referrers',
  'rewardsCostMinor',
] as const;
export type ReferralStatField = (typeof REFERRAL_STAT_FIELDS)[number];

const statsSchema = new Schema<ReferralStatsDoc>(
  {
    _id: { type: String, required: true },
    ...Object.fromEntries(REFERRAL_STAT_FIELDS.map((f) => [f, { type: Number, default: 0 }])),
  },
  { collection: 'referral_stats', versionKey: false },
);

export const ReferralStatsModel = mongoose.model<ReferralStatsDoc>('ReferralStats', statsSchema);

/** Members who share a device or an address on purpose: their referrals to each other skip those signals. */
export type ReferralHouseholdDoc = {
  _id: Types.ObjectId;
  memberIds: Types.ObjectId[];
  note: string;
  createdAt: Date;
  createdBy: string | null;
};

const householdSchema = new Schema<ReferralHouseholdDoc>(
  {
    memberIds: { type: [Schema.Types.ObjectId], required: true },
    note: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, default: null },
  },
  { collection: 'referral_households', versionKey: false },
);
householdSchema.index({ memberIds: 1 });

export const ReferralHouseholdModel = mongoose.model<ReferralHouseholdDoc>(
  'ReferralHousehold',
  householdSchema,
);

/** The referral events already counted in the funnel (the subscriber is at least once). */
const statsMarkSchema = new Schema<{ _id: string }>(
  { _id: { type: String, required: true } },
  { collection: 'referral_stats_marks', versionKey: false },
);
export const ReferralStatsMarkModel = mongoose.model<{ _id: string }>('ReferralStatsMark', statsMarkSchema);
