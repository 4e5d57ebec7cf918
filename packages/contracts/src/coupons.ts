import { z } from './zod.js';
import { ObjectIdString, PageQuery } from './common.js';

/** The most codes one batch may make (one job; a million fits in it). */
export const COUPON_BATCH_MAX = 1_000_000;
/** The most members one assignment call names. */
export const COUPON_ASSIGN_MAX = 1000;
/** The longest a coupon may stay valid after its issue, and the longest activation delay. */
export const COUPON_VALIDITY_DAYS_MAX = 3650;
export const COUPON_ACTIVATION_DELAY_DAYS_MAX = 365;

const DateTime = z.string().datetime({ offset: true });
const Sku = z.string().trim().min(1).max(64);
const Category = z.string().trim().min(1).max(100);
const Tag = z.string().trim().min(1).max(100);

/** What a coupon takes off: a percentage, a fixed amount (program currency, minor units) or one free unit of a SKU. */
export const CouponDiscount = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('percent'),
        percent: z.number().int('a whole percentage').min(1, 'at least 1%').max(100, 'at most 100%'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('fixed'),
        amountMinor: z
          .number()
          .int('amounts are integers in minor units (cents)')
          .min(1, 'a fixed discount is more than zero')
          .max(100_000_000),
      })
      .strict(),
    z.object({ kind: z.literal('free_product'), sku: Sku }).strict(),
  ])
  .openapi('CouponDiscount');
export type CouponDiscount = z.infer<typeof CouponDiscount>;

/** Which lines a coupon may discount (both empty: the whole basket). */
export const CouponAppliesTo = z
  .object({
    skus: z.array(Sku).max(200).default([]),
    categories: z.array(Category).max(100).default([]),
  })
  .strict()
  .openapi('CouponAppliesTo');

/** When a coupon may be used. */
export const CouponConditions = z
  .object({
    /** What the basket must still cost after the other discounts (null: no minimum). */
    minBasketMinor: z.number().int().min(1, 'a minimum basket is more than zero').nullable().default(null),
    appliesTo: CouponAppliesTo.nullable().default(null),
    /** Stores where it is accepted (empty: every store). */
    storeIds: z.array(ObjectIdString).max(500).default([]),
    /** Member tags it needs (any of them; empty: no tag needed). Needs a member at the till. */
    tags: z.array(Tag).max(50).default([]),
    /** Only on the member's first purchase. Needs a member at the till. */
    firstPurchaseOnly: z.boolean().default(false),
  })
  .strict()
  .openapi('CouponConditions');
export type CouponConditions = z.infer<typeof CouponConditions>;

/** A fixed window for every coupon of the template, or N days from each coupon's issue after an optional delay. */
export const CouponValidity = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('window'), startsAt: DateTime, endsAt: DateTime }).strict(),
    z
      .object({
        type: z.literal('relative'),
        /** Days it stays valid once active. */
        daysFromIssue: z.number().int('days are whole numbers').min(1).max(COUPON_VALIDITY_DAYS_MAX),
        /** Days after issue before it can be used (a bounce-back coupon's return window). */
        activationDelayDays: z
          .number()
          .int('days are whole numbers')
          .min(0)
          .max(COUPON_ACTIVATION_DELAY_DAYS_MAX)
          .default(0),
      })
      .strict(),
  ])
  .refine((v) => v.type !== 'window' || Date.parse(v.startsAt) < Date.parse(v.endsAt), {
    message: 'startsAt must be before endsAt',
    path: ['endsAt'],
  })
  .openapi('CouponValidity');
export type CouponValidity = z.infer<typeof CouponValidity>;

/** How a coupon combines in one sale (both false: exclusive). Tenders (points, gift certificates) always combine. */
export const CouponStacking = z
  .object({ withCoupons: z.boolean().default(false), withRewards: z.boolean().default(true) })
  .strict()
  .openapi('CouponStacking');

/** `bearer`: whoever holds the code; `assigned`: in one member's wallet, refused for anyone else. */
export const CouponKind = z.enum(['bearer', 'assigned']).openapi('CouponKind');
export type CouponKind = z.infer<typeof CouponKind>;

/** The code's shape: an optional prefix (code characters only) and the random characters (13 by default: 64 bits). */
export const CouponCodeFormat = z
  .object({
    prefix: z
      .string()
      .trim()
      .transform((p) => p.toUpperCase())
      .pipe(z.string().max(8))
      .default(''),
    length: z.number().int().min(6).max(28).default(13),
  })
  .strict()
  .openapi('CouponCodeFormat');
export type CouponCodeFormat = z.infer<typeof CouponCodeFormat>;

const TemplateFields = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(500).nullable().default(null),
    discount: CouponDiscount,
    conditions: CouponConditions.default({}),
    validity: CouponValidity,
    /** Uses of this template's coupons by one member (null: no limit). */
    perMemberLimit: z.number().int().min(1).max(1000).nullable().default(null),
    /** Uses of all this template's coupons together (null: no cap). */
    totalCap: z.number().int().min(1).max(100_000_000).nullable().default(null),
    /** Uses of one coupon (1: single use). */
    usesPerCoupon: z.number().int().min(1).max(1000).default(1),
    stacking: CouponStacking.default({}),
    kind: CouponKind,
    codeFormat: CouponCodeFormat.default({}),
    /** A refund of the purchase gives the use back while the coupon is still valid. */
    restoreOnRefund: z.boolean().default(true),
  })
  .strict();

/** `POST /api/v1/coupon-templates` (marketer and admin). */
export const CreateCouponTemplateBody = TemplateFields.openapi('CreateCouponTemplateBody');
export type CreateCouponTemplateBody = z.infer<typeof CreateCouponTemplateBody>;

/**
 * `PATCH /api/v1/coupon-templates/:id`: any field but `kind`. The change is a new version: coupons
 * issued before keep the terms of the version they were issued with.
 */
export const UpdateCouponTemplateBody = TemplateFields.omit({ kind: true })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'change at least one field' })
  .openapi('UpdateCouponTemplateBody');
export type UpdateCouponTemplateBody = z.infer<typeof UpdateCouponTemplateBody>;

export const CouponTemplateStatus = z.enum(['active', 'archived']).openapi('CouponTemplateStatus');
export type CouponTemplateStatus = z.infer<typeof CouponTemplateStatus>;

/** The terms a coupon carries: those of its template's version when it was issued. */
export const CouponTerms = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    discount: CouponDiscount,
    conditions: z.object({
      minBasketMinor: z.number().int().nullable(),
      appliesTo: z.object({ skus: z.array(z.string()), categories: z.array(z.string()) }).nullable(),
      storeIds: z.array(ObjectIdString),
      tags: z.array(z.string()),
      firstPurchaseOnly: z.boolean(),
    }),
    validity: z.union([
      z.object({ type: z.literal('window'), startsAt: DateTime, endsAt: DateTime }),
      z.object({
        type: z.literal('relative'),
        daysFromIssue: z.number().int(),
        activationDelayDays: z.number().int(),
      }),
    ]),
    perMemberLimit: z.number().int().nullable(),
    totalCap: z.number().int().nullable(),
    usesPerCoupon: z.number().int(),
    stacking: z.object({ withCoupons: z.boolean(), withRewards: z.boolean() }),
    codeFormat: z.object({ prefix: z.string(), length: z.number().int() }),
    restoreOnRefund: z.boolean(),
    /** The program's currency when the terms were set (a fixed discount is in it). */
    currency: z.string(),
  })
  .openapi('CouponTerms');
export type CouponTerms = z.infer<typeof CouponTerms>;

export const CouponTemplate = CouponTerms.extend({
  id: ObjectIdString,
  kind: CouponKind,
  status: CouponTemplateStatus,
  /** Bumped by every change; issued coupons keep the version they were issued with. */
  version: z.number().int(),
  /** Uses (and holds) of all its coupons so far, counted against `totalCap`. */
  uses: z.number().int(),
  issued: z.number().int(),
  createdAt: DateTime,
  updatedAt: DateTime,
}).openapi('CouponTemplate');
export type CouponTemplate = z.infer<typeof CouponTemplate>;

/** `GET /api/v1/coupon-templates`: newest first; `status` and `kind` filter. */
export const CouponTemplateListQuery = PageQuery.extend({
  status: CouponTemplateStatus.optional(),
  kind: CouponKind.optional(),
}).strict();
export type CouponTemplateListQuery = z.infer<typeof CouponTemplateListQuery>;

/** `GET /api/v1/coupon-templates/:id/batches`: a template's batches, newest first. */
export const CouponBatchListQuery = PageQuery.strict();
export type CouponBatchListQuery = z.infer<typeof CouponBatchListQuery>;

/** `POST /api/v1/coupon-templates/:id/batches`: bearer codes, generated by a job. */
export const CreateCouponBatchBody = z
  .object({
    count: z.number().int().min(1).max(COUPON_BATCH_MAX),
    /** A name for the batch ("Spring flyer"). */
    label: z.string().trim().max(120).nullable().default(null),
  })
  .strict()
  .openapi('CreateCouponBatchBody');
export type CreateCouponBatchBody = z.infer<typeof CreateCouponBatchBody>;

export const CouponBatchStatus = z.enum(['queued', 'running', 'completed']).openapi('CouponBatchStatus');

export const CouponBatch = z
  .object({
    id: ObjectIdString,
    templateId: ObjectIdString,
    templateVersion: z.number().int(),
    label: z.string().nullable(),
    status: CouponBatchStatus,
    count: z.number().int(),
    generated: z.number().int(),
    /** 0–100. */
    percent: z.number().int(),
    /** Codes generated again because they collided with an existing one (expected: 0). */
    collisions: z.number().int(),
    createdAt: DateTime,
    completedAt: DateTime.nullable(),
  })
  .openapi('CouponBatch');
export type CouponBatch = z.infer<typeof CouponBatch>;

/** `POST /api/v1/coupon-templates/:id/assign`: one assigned coupon per member, into their wallets. */
export const AssignCouponsBody = z
  .object({ memberIds: z.array(ObjectIdString).min(1).max(COUPON_ASSIGN_MAX) })
  .strict()
  .openapi('AssignCouponsBody');
export type AssignCouponsBody = z.infer<typeof AssignCouponsBody>;

/** `POST /api/v1/members/:id/coupons`: staff give a member a coupon by hand. */
export const IssueMemberCouponBody = z
  .object({
    templateId: ObjectIdString,
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .openapi('IssueMemberCouponBody');
export type IssueMemberCouponBody = z.infer<typeof IssueMemberCouponBody>;

/** Where a coupon is: usable (within its validity), used up, voided (by a refund or staff) or past its end. */
export const CouponStatus = z.enum(['active', 'used', 'voided', 'expired']).openapi('CouponStatus');
export type CouponStatus = z.infer<typeof CouponStatus>;

export const CouponIssuedBy = z
  .object({
    kind: z.enum(['batch', 'assignment', 'rule', 'staff', 'referral']),
    batchId: ObjectIdString.nullable(),
    ruleId: z.string().nullable(),
    purchaseId: ObjectIdString.nullable(),
    staffId: z.string().nullable(),
  })
  .openapi('CouponIssuedBy');

/** A coupon as staff and its member see it. */
export const Coupon = z
  .object({
    id: ObjectIdString,
    /** The code in groups of four ("ABCD-EFGH-JKMN-P"). */
    code: z.string(),
    /** The signed QR payload the till scans. */
    qrPayload: z.string(),
    templateId: ObjectIdString,
    templateVersion: z.number().int(),
    label: z.string(),
    kind: CouponKind,
    memberId: ObjectIdString.nullable(),
    status: CouponStatus,
    uses: z.number().int(),
    maxUses: z.number().int(),
    validFrom: DateTime,
    validUntil: DateTime,
    issuedAt: DateTime,
    issuedBy: CouponIssuedBy,
    terms: CouponTerms,
  })
  .openapi('Coupon');
export type Coupon = z.infer<typeof Coupon>;

/** `GET /api/v1/members/:id/coupons`: newest first; `status` keeps one status. */
export const MemberCouponListQuery = PageQuery.extend({ status: CouponStatus.optional() }).strict();
export type MemberCouponListQuery = z.infer<typeof MemberCouponListQuery>;

/** An assigned coupon in the member's wallet: what the card shows, with its QR. */
export const WalletCoupon = z
  .object({
    id: ObjectIdString,
    label: z.string(),
    /** Display form ("ABCD-EFGH-JKMN-P"): the member owns it. */
    code: z.string(),
    qrPayload: z.string(),
    validFrom: DateTime,
    validUntil: DateTime,
    status: CouponStatus,
    /** Not yet usable (a bounce-back coupon before its return window closes). */
    isActiveNow: z.boolean(),
    /**
     * Whole days left until `validUntil`, rounded up (1: it ends within a day), when it ends within 7
     * days; null when it ends later. A coupon past its end is not in the wallet.
     */
    expiresInDays: z.number().int().min(1).max(7).nullable(),
  })
  .openapi('WalletCoupon');
export type WalletCoupon = z.infer<typeof WalletCoupon>;
