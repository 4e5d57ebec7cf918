import { z } from './zod.js';
import { ObjectIdString, PageQuery } from './common.js';

/** The longest attribution or clearing window: a year. */
export const REFERRAL_WINDOW_DAYS_MAX = 365;
/** The most points one referral reward may give. */
export const REFERRAL_POINTS_MAX = 1_000_000;
/** The highest fraud score (every signal at once stays below it). */
export const REFERRAL_SCORE_MAX = 100;

const Iso = z.string().datetime({ offset: true });

/** What one side of a referral gets: points, an assigned coupon of a template, or a gift certificate credit. */
export const ReferralReward = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('points'),
        points: z
          .number()
          .int('points are whole numbers')
          .min(1, 'a reward gives at least 1 point')
          .max(REFERRAL_POINTS_MAX),
      })
      .strict(),
    z.object({ kind: z.literal('coupon'), couponTemplateId: ObjectIdString }).strict(),
    z
      .object({
        kind: z.literal('giftCertificate'),
        /** The certificate's value in minor units of the program's currency. */
        valueMinor: z
          .number()
          .int('money is in whole minor units')
          .min(1, 'a gift certificate is worth at least 1 minor unit')
          .max(10_000_000),
      })
      .strict(),
  ])
  .openapi('ReferralReward');
export type ReferralReward = z.infer<typeof ReferralReward>;

/** The friend's reward: points or a welcome coupon (a gift certificate is for the referrer). */
export const RefereeReward = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('points'),
        points: z
          .number()
          .int('points are whole numbers')
          .min(1, 'a reward gives at least 1 point')
          .max(REFERRAL_POINTS_MAX),
      })
      .strict(),
    z.object({ kind: z.literal('coupon'), couponTemplateId: ObjectIdString }).strict(),
  ])
  .openapi('RefereeReward');
export type RefereeReward = z.infer<typeof RefereeReward>;

/**
 * When the friend gets their reward: `join` when they join with the code; `first_purchase` when their
 * qualifying first purchase clears (with the referrer's).
 */
export const RefereeRewardOn = z.enum(['join', 'first_purchase']).openapi('RefereeRewardOn');
export type RefereeRewardOn = z.infer<typeof RefereeRewardOn>;

/** A clearing past a cap: `reject` (CAP_REACHED) or `next_month` (it clears on the 1st of next month). */
export const ReferralCapPolicy = z.enum(['reject', 'next_month']).openapi('ReferralCapPolicy');
export type ReferralCapPolicy = z.infer<typeof ReferralCapPolicy>;

/** `PUT /api/v1/referral-terms`: the whole terms; each save is a new version (audited). */
export const ReferralTermsBody = z
  .object({
    isActive: z.boolean(),
    referrerReward: ReferralReward,
    refereeReward: RefereeReward.nullable(),
    refereeRewardOn: RefereeRewardOn,
    /** The friend's first purchase counts when it is at least this, after discounts (minor units). */
    minimumPurchaseMinor: z.number().int('money is in whole minor units').min(0).max(100_000_000),
    /** Days after the qualifying purchase before it clears; at least the program's return window. */
    clearingDays: z.number().int('days are whole numbers').min(0).max(REFERRAL_WINDOW_DAYS_MAX),
    /** Days between joining with a code and the qualifying purchase. */
    attributionDays: z.number().int('days are whole numbers').min(1).max(REFERRAL_WINDOW_DAYS_MAX),
    /** Rewards per referrer per calendar month (program time zone); null: no monthly cap. */
    monthlyCap: z.number().int().min(1).max(10_000).nullable(),
    /** Rewards per referrer ever; null: no lifetime cap. */
    lifetimeCap: z.number().int().min(1).max(1_000_000).nullable(),
    capPolicy: ReferralCapPolicy,
    /** A fraud score at or above this sends the referral to the review queue. */
    reviewThreshold: z.number().int().min(1).max(REFERRAL_SCORE_MAX),
  })
  .strict()
  .refine((t) => t.monthlyCap === null || t.lifetimeCap === null || t.monthlyCap <= t.lifetimeCap, {
    message: 'the monthly cap cannot be above the lifetime cap',
    path: ['monthlyCap'],
  })
  .openapi('ReferralTermsBody');
export type ReferralTermsBody = z.infer<typeof ReferralTermsBody>;

export const ReferralTerms = z
  .object({
    version: z.number().int(),
    isActive: z.boolean(),
    referrerReward: ReferralReward,
    refereeReward: RefereeReward.nullable(),
    refereeRewardOn: RefereeRewardOn,
    minimumPurchaseMinor: z.number().int(),
    clearingDays: z.number().int(),
    attributionDays: z.number().int(),
    monthlyCap: z.number().int().nullable(),
    lifetimeCap: z.number().int().nullable(),
    capPolicy: ReferralCapPolicy,
    reviewThreshold: z.number().int(),
    createdAt: Iso,
    createdBy: z.string().nullable(),
  })
  .openapi('ReferralTerms');
export type ReferralTerms = z.infer<typeof ReferralTerms>;

/** `GET /api/v1/referral-terms`: the current terms (null before the first save) and every version, newest first. */
export const ReferralTermsHistory = z
  .object({ current: ReferralTerms.nullable(), versions: z.array(ReferralTerms) })
  .openapi('ReferralTermsHistory');
export type ReferralTermsHistory = z.infer<typeof ReferralTermsHistory>;

export const ReferralStatus = z
  .enum(['attributed', 'qualified', 'cleared', 'rewarded', 'rejected', 'reversed'])
  .openapi('ReferralStatus');
export type ReferralStatus = z.infer<typeof ReferralStatus>;

const REJECT_REASONS = [
  'attribution_expired',
  'first_purchase_below_minimum',
  'refunded',
  'CAP_REACHED',
  'review_rejected',
] as const;
export const ReferralRejectReason = z.enum(REJECT_REASONS).openapi('ReferralRejectReason');
export type ReferralRejectReason = z.infer<typeof ReferralRejectReason>;

export const ReferralSignalType = z
  .enum(['same_email', 'same_phone', 'same_device', 'many_from_address', 'referrer_at_same_till'])
  .openapi('ReferralSignalType');
export type ReferralSignalType = z.infer<typeof ReferralSignalType>;

/** One fraud signal: its weight in the score and a sentence that explains it to a manager. */
export const ReferralSignal = z
  .object({ type: ReferralSignalType, weight: z.number().int(), explanation: z.string() })
  .openapi('ReferralSignal');
export type ReferralSignal = z.infer<typeof ReferralSignal>;

export const ReferralReviewStatus = z
  .enum(['none', 'pending', 'approved', 'rejected'])
  .openapi('ReferralReviewStatus');
export type ReferralReviewStatus = z.infer<typeof ReferralReviewStatus>;

/** What a reward gave: points, or the coupon / gift certificate issued (by id). */
export const ReferralRewardGiven = z
  .object({
    kind: z.enum(['points', 'coupon', 'giftCertificate']),
    points: z.number().int().nullable(),
    couponId: ObjectIdString.nullable(),
    giftCertificateId: ObjectIdString.nullable(),
    /** What it costs the merchant, in minor units (points at the program's point value). */
    costMinor: z.number().int(),
    givenAt: Iso,
  })
  .openapi('ReferralRewardGiven');
export type ReferralRewardGiven = z.infer<typeof ReferralRewardGiven>;

export const Referral = z
  .object({
    id: ObjectIdString,
    referrer: z.object({ id: ObjectIdString, name: z.string() }),
    referee: z.object({ id: ObjectIdString, name: z.string() }),
    code: z.string(),
    termsVersion: z.number().int(),
    status: ReferralStatus,
    /** One of ReferralRejectReason (null until rejected). */
    rejectReason: z.string().nullable(),
    attributedAt: Iso,
    attributionEndsAt: Iso,
    qualifyingPurchaseId: ObjectIdString.nullable(),
    qualifiedAt: Iso.nullable(),
    /** When the qualifying purchase clears (the sweep's due date). */
    clearsAt: Iso.nullable(),
    clearedAt: Iso.nullable(),
    rewardedAt: Iso.nullable(),
    rejectedAt: Iso.nullable(),
    reversedAt: Iso.nullable(),
    /** Set when a cap moved the clearing to next month. */
    deferredByCap: z.boolean(),
    score: z.number().int(),
    signals: z.array(ReferralSignal),
    review: z.object({
      status: ReferralReviewStatus,
      decidedBy: z.string().nullable(),
      decidedAt: Iso.nullable(),
      note: z.string().nullable(),
    }),
    referrerReward: ReferralRewardGiven.nullable(),
    refereeReward: ReferralRewardGiven.nullable(),
    /** What a reversal could not take back (points under the floor policy, a used coupon, a gift certificate's value). */
    reversal: z
      .object({
        pointsTaken: z.number().int(),
        pointsDebt: z.number().int(),
        pointsWrittenOff: z.number().int(),
        couponsVoided: z.number().int(),
        unrecoveredMinor: z.number().int(),
      })
      .nullable(),
  })
  .openapi('Referral');
export type Referral = z.infer<typeof Referral>;

export const ReferralListQuery = PageQuery.extend({
  status: ReferralStatus.optional(),
  review: ReferralReviewStatus.optional(),
  referrerId: ObjectIdString.optional(),
  refereeId: ObjectIdString.optional(),
}).strict();
export type ReferralListQuery = z.infer<typeof ReferralListQuery>;

/** `POST /api/v1/referrals/:id/review` (manager and up): the decision on a referral in the review queue. */
export const ReviewReferralBody = z
  .object({ decision: z.enum(['approve', 'reject']), note: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('ReviewReferralBody');
export type ReviewReferralBody = z.infer<typeof ReviewReferralBody>;

/**
 * A code people can say aloud: up to 10 letters of the first name, a dash, four characters of an
 * alphabet without look-alikes (`MARIA-7K3F`). Typed in any case, with spaces or without the dash.
 */
export const ReferralCodeText = z.string().trim().min(3).max(40).openapi('ReferralCodeText');

/** `POST /api/v1/members/:id/referral`: the friend (the member, or staff at the desk) gives a code. */
export const ClaimReferralBody = z
  .object({
    code: ReferralCodeText,
    /** The card's device id (kept by the card in local storage): a fraud signal when it is the referrer's. */
    deviceId: z.string().trim().min(8).max(100).optional(),
  })
  .strict()
  .openapi('ClaimReferralBody');
export type ClaimReferralBody = z.infer<typeof ClaimReferralBody>;

/** `POST /api/v1/members/:id/referral/devices`: the card says which device the member uses. */
export const ReferralDeviceBody = z
  .object({ deviceId: z.string().trim().min(8).max(100) })
  .strict()
  .openapi('ReferralDeviceBody');
export type ReferralDeviceBody = z.infer<typeof ReferralDeviceBody>;

/** One friend as the referrer's card shows them (first name only). */
export const ReferralFriend = z
  .object({
    name: z.string(),
    status: ReferralStatus,
    /** One of ReferralRejectReason (null until rejected). */
    rejectReason: z.string().nullable(),
    joinedAt: Iso,
    firstPurchaseAt: Iso.nullable(),
    /** When the reward is due (the clearing date), while it waits. */
    rewardDueAt: Iso.nullable(),
    rewardedAt: Iso.nullable(),
    isUnderReview: z.boolean(),
  })
  .openapi('ReferralFriend');
export type ReferralFriend = z.infer<typeof ReferralFriend>;

/** `GET /api/v1/members/:id/referral`: the member's code, share link, the terms in short, friends, and who referred them. */
export const MemberReferral = z
  .object({
    code: z.string(),
    /** The card's join page with the code filled in. */
    shareUrl: z.string(),
    isActive: z.boolean(),
    /** What the current terms give (null before the program has terms). */
    offer: z
      .object({
        referrerReward: ReferralReward,
        refereeReward: RefereeReward.nullable(),
        minimumPurchaseMinor: z.number().int(),
      })
      .nullable(),
    currency: z.string(),
    friends: z.array(ReferralFriend),
    /** The member's own referral as a friend (null when they joined without a code). */
    referredBy: z
      .object({
        referrerName: z.string(),
        status: ReferralStatus,
        rewardDueAt: Iso.nullable(),
        rewardedAt: Iso.nullable(),
      })
      .nullable(),
  })
  .openapi('MemberReferral');
export type MemberReferral = z.infer<typeof MemberReferral>;

/** `POST /api/v1/referral-codes/:code/opens` (public): a share link was opened; whose code it is (first name). */
export const ReferralCodeOpened = z
  .object({ code: z.string(), referrerName: z.string(), isActive: z.boolean() })
  .openapi('ReferralCodeOpened');
export type ReferralCodeOpened = z.infer<typeof ReferralCodeOpened>;

/** The funnel, overall or for one referrer. */
export const ReferralFunnel = z
  .object({
    referrerId: ObjectIdString.nullable(),
    linkOpens: z.number().int(),
    joins: z.number().int(),
    qualified: z.number().int(),
    cleared: z.number().int(),
    rewarded: z.number().int(),
    rejected: z.number().int(),
    reversed: z.number().int(),
    /** Members with a referral code (who opened their invite screen): the K-factor's denominator. */
    referrers: z.number().int(),
    rewardsCostMinor: z.number().int(),
    currency: z.string(),
    /** Friends who joined per member who shares (overall), or the friends this referrer brought. */
    kFactor: z.number(),
  })
  .openapi('ReferralFunnel');
export type ReferralFunnel = z.infer<typeof ReferralFunnel>;

export const ReferralFunnelQuery = z.object({ referrerId: ObjectIdString.optional() }).strict();
export type ReferralFunnelQuery = z.infer<typeof ReferralFunnelQuery>;

/** A household: members who share a device or an address on purpose (their referrals skip those signals). */
export const ReferralHouseholdBody = z
  .object({
    memberIds: z.array(ObjectIdString).min(2).max(10),
    note: z.string().trim().min(1).max(200),
  })
  .strict()
  .openapi('ReferralHouseholdBody');
export type ReferralHouseholdBody = z.infer<typeof ReferralHouseholdBody>;

export const ReferralHousehold = z
  .object({
    id: ObjectIdString,
    members: z.array(z.object({ id: ObjectIdString, name: z.string() })),
    note: z.string(),
    createdAt: Iso,
    createdBy: z.string().nullable(),
  })
  .openapi('ReferralHousehold');
export type ReferralHousehold = z.infer<typeof ReferralHousehold>;
