import { z } from './zod.js';
import { StampsAddedSummary, StampsRemovedSummary } from './stamps.js';
import {
  CurrencyCode,
  ObjectIdString,
  TIME_RANGE_MESSAGE,
  TimeRangeQuery,
  checkTimeRange,
} from './common.js';
import { PointsBalance } from './members.js';
import { RuleBreakdown } from './ledger.js';

const Sku = z.string().trim().min(1).max(64);
const PositiveMinor = z.number().int('amounts are integers in minor units (cents)');

export const PurchaseItemInput = z
  .object({
    sku: Sku,
    name: z.string().trim().max(200).optional(),
    category: z.string().trim().max(100).optional(),
    quantity: z.number().int('quantity is a whole number').min(1).max(100_000),
    unitPriceMinor: PositiveMinor.min(0, 'prices are not negative').max(1_000_000_000),
    /** Discount on this line (a reward or coupon); it earns nothing. */
    discountMinor: PositiveMinor.min(0).optional(),
    /** The part of this line paid with points; it earns nothing. */
    paidWithPointsMinor: PositiveMinor.min(0).optional(),
  })
  .strict()
  .openapi('PurchaseItemInput');
export type PurchaseItemInput = z.infer<typeof PurchaseItemInput>;

/**
 * `POST /api/v1/purchases` (Idempotency-Key required). Identify the member with `memberId` or the
 * scanned `cardCode`; with neither, the purchase is recorded for the KPIs and earns nothing.
 * `totalMinor` must equal the sum of the lines (quantity × unit price − discounts).
 */
export const CreatePurchaseBody = z
  .object({
    memberId: ObjectIdString.optional(),
    cardCode: z.string().trim().min(3).max(100).optional(),
    storeId: ObjectIdString,
    /** The POS's own receipt id; unique per store when given. */
    externalId: z.string().trim().min(1).max(100).optional(),
    currency: CurrencyCode,
    totalMinor: PositiveMinor.min(0, 'the total is not negative').max(100_000_000_000),
    items: z.array(PurchaseItemInput).min(1, 'a purchase has at least one line').max(500),
    /** When the sale happened (an offline till sends it later); at most 5 minutes in the future. */
    occurredAt: z.string().datetime({ offset: true }).optional(),
    /** Redemptions applied to this basket: refunds give their points back in proportion. */
    redemptionIds: z.array(ObjectIdString).max(20).optional(),
    channel: z.string().trim().max(40).optional(),
    /** Evaluate and answer what this purchase would earn, writing nothing (200 instead of 201). */
    dryRun: z.boolean().optional(),
  })
  .strict()
  .refine((b) => !(b.memberId && b.cardCode), {
    message: 'give memberId or cardCode, not both',
    path: ['cardCode'],
  })
  .openapi('CreatePurchaseBody');
export type CreatePurchaseBody = z.infer<typeof CreatePurchaseBody>;

export const PurchaseStatus = z.enum(['active', 'pending']).openapi('PurchaseStatus');

/** The answer to `POST /api/v1/purchases`. */
export const PurchaseCreated = z
  .object({
    /** `true` on a dry run: nothing was recorded and `id` names no purchase. */
    dryRun: z.literal(true).optional(),
    id: ObjectIdString,
    memberId: ObjectIdString.nullable(),
    pointsEarned: z.number().int(),
    /** `pending` while the earned points wait for the return window (program's pending days). */
    status: PurchaseStatus,
    availableAt: z.string().datetime({ offset: true }),
    breakdown: z.array(RuleBreakdown),
    /** The member's balance after the purchase (zeros for an anonymous purchase). */
    balance: PointsBalance,
    /** Stamp cards the purchase's rules stamped (absent when none). */
    stamps: z.array(StampsAddedSummary).optional(),
  })
  .openapi('PurchaseCreated');
export type PurchaseCreated = z.infer<typeof PurchaseCreated>;

export const PurchaseDetail = z
  .object({
    id: ObjectIdString,
    memberId: ObjectIdString.nullable(),
    storeId: ObjectIdString,
    externalId: z.string().nullable(),
    currency: z.string(),
    totalMinor: z.number().int(),
    refundedMinor: z.number().int(),
    items: z.array(
      z.object({
        sku: z.string(),
        name: z.string().nullable(),
        category: z.string().nullable(),
        quantity: z.number().int(),
        unitPriceMinor: z.number().int(),
        discountMinor: z.number().int(),
        refundedQuantity: z.number().int(),
      }),
    ),
    pointsEarned: z.number().int(),
    pointsReversed: z.number().int(),
    breakdown: z.array(RuleBreakdown),
    redemptionIds: z.array(z.string()),
    isFullyRefunded: z.boolean(),
    occurredAt: z.string().datetime({ offset: true }),
    createdAt: z.string().datetime({ offset: true }),
  })
  .openapi('PurchaseDetail');
export type PurchaseDetail = z.infer<typeof PurchaseDetail>;

/** `GET /api/v1/purchases`: the reconciliation list, newest first; `from`/`to` filter `occurredAt`. */
export const PurchaseListQuery = TimeRangeQuery.extend({
  storeId: ObjectIdString.optional(),
  memberId: ObjectIdString.optional(),
  externalId: z.string().trim().min(1).max(100).optional(),
})
  .strict()
  .refine(checkTimeRange, TIME_RANGE_MESSAGE);
export type PurchaseListQuery = z.infer<typeof PurchaseListQuery>;

/** `GET /api/v1/refunds`: newest first; `externalId` is the refunded purchase's receipt, `from`/`to` filter `createdAt`. */
export const RefundListQuery = TimeRangeQuery.extend({
  storeId: ObjectIdString.optional(),
  memberId: ObjectIdString.optional(),
  purchaseId: ObjectIdString.optional(),
  externalId: z.string().trim().min(1).max(100).optional(),
})
  .strict()
  .refine(checkTimeRange, TIME_RANGE_MESSAGE);
export type RefundListQuery = z.infer<typeof RefundListQuery>;

/** Who did something, as the ledger, refunds and the audit log name them. */
export const Actor = z
  .object({
    kind: z.string(),
    id: z.string().nullable(),
    label: z.string().nullable(),
  })
  .openapi('Actor');

/** One refund, as `GET /api/v1/refunds/:id` and the list give it. */
export const RefundDetail = z
  .object({
    id: ObjectIdString,
    purchaseId: ObjectIdString,
    memberId: ObjectIdString.nullable(),
    storeId: ObjectIdString,
    /** The refunded purchase's receipt number, when it has one. */
    externalId: z.string().nullable(),
    amountMinor: z.number().int(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })).nullable(),
    reason: z.string().nullable(),
    pointsReversed: z.number().int(),
    pointsRestored: z.number().int(),
    pointsWrittenOff: z.number().int(),
    actor: Actor.nullable(),
    createdAt: z.string().datetime({ offset: true }),
  })
  .openapi('RefundDetail');
export type RefundDetail = z.infer<typeof RefundDetail>;

/** `POST /api/v1/purchases/:id/refunds` (Idempotency-Key required): an amount or returned items. */
export const CreateRefundBody = z
  .union([
    z
      .object({
        amountMinor: PositiveMinor.min(1, 'refund at least 1 minor unit'),
        reason: z.string().trim().max(500).optional(),
      })
      .strict(),
    z
      .object({
        items: z
          .array(z.object({ sku: Sku, quantity: z.number().int().min(1) }).strict())
          .min(1)
          .max(500),
        reason: z.string().trim().max(500).optional(),
      })
      .strict(),
  ])
  .openapi('CreateRefundBody');
export type CreateRefundBody = z.infer<typeof CreateRefundBody>;

export const RefundCreated = z
  .object({
    id: ObjectIdString,
    purchaseId: ObjectIdString,
    amountMinor: z.number().int(),
    /** Points earned on the purchase taken back, in proportion of the refunded amount. */
    pointsReversed: z.number().int(),
    /** Points spent on the purchase given back, in proportion. */
    pointsRestored: z.number().int(),
    /** With the `floor_at_zero` policy: points that could not be taken back (recorded as debt written off). */
    pointsWrittenOff: z.number().int(),
    balance: PointsBalance,
    /** Stamp cards whose stamps the refund took back (absent when none). */
    stamps: z.array(StampsRemovedSummary).optional(),
    /**
     * Gift certificates that paid for the purchase and got their share of this refund back (absent when
     * none): that part of `amountMinor` goes back onto the certificate, not to the customer in cash.
     */
    giftCertificates: z
      .array(z.object({ id: ObjectIdString, last4: z.string(), amountMinor: z.number().int() }))
      .optional(),
    /**
     * Gift certificates the purchase sold that this refund took back (absent when none): each was unspent,
     * its value is part of `amountMinor` (money back to the customer) and it can no longer be used.
     */
    giftCertificatesVoided: z
      .array(z.object({ id: ObjectIdString, last4: z.string(), amountMinor: z.number().int() }))
      .optional(),
    purchase: z.object({
      totalMinor: z.number().int(),
      refundedMinor: z.number().int(),
      isFullyRefunded: z.boolean(),
    }),
  })
  .openapi('RefundCreated');
export type RefundCreated = z.infer<typeof RefundCreated>;
