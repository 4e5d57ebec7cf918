import { z } from './zod.js';
import { ObjectIdString, TIME_RANGE_MESSAGE, TimeRangeQuery, checkTimeRange } from './common.js';
import { PointsBalance } from './members.js';
import { RewardKind } from './rewards.js';

/**
 * `POST /api/v1/redemptions` (Idempotency-Key required): a reward, or `points` to pay with (worth
 * `points × pointValueMinor`). `cardCode` is the scanned QR payload; a code already used for an earlier
 * redemption is refused.
 */
export const CreateRedemptionBody = z
  .union([
    z
      .object({
        memberId: ObjectIdString,
        rewardId: ObjectIdString,
        cardCode: z.string().trim().min(3).max(100).optional(),
        /** The store where it is redeemed; defaults to the store the caller is bound to. */
        storeId: ObjectIdString.optional(),
        /** Check the redemption and answer what it would spend, writing nothing (200 instead of 201). */
        dryRun: z.boolean().optional(),
      })
      .strict(),
    z
      .object({
        memberId: ObjectIdString,
        points: z.number().int('points are whole numbers').min(1).max(10_000_000),
        cardCode: z.string().trim().min(3).max(100).optional(),
        /** The store where it is redeemed; defaults to the store the caller is bound to. */
        storeId: ObjectIdString.optional(),
        /** Check the redemption and answer what it would spend, writing nothing (200 instead of 201). */
        dryRun: z.boolean().optional(),
      })
      .strict(),
  ])
  .openapi('CreateRedemptionBody');
export type CreateRedemptionBody = z.infer<typeof CreateRedemptionBody>;

/** What the till applies to the basket. */
export const RedemptionApply = z
  .object({
    kind: z.union([RewardKind, z.literal('points_payment')]),
    valueMinor: z.number().int().optional(),
    percent: z.number().int().optional(),
    sku: z.string().optional(),
  })
  .openapi('RedemptionApply');
export type RedemptionApply = z.infer<typeof RedemptionApply>;

/** `held`: points or a reward held by an open checkout (completed or given back when it closes). */
export const RedemptionStatus = z.enum(['held', 'completed', 'cancelled']).openapi('RedemptionStatus');

export const Redemption = z
  .object({
    /** `true` on a dry run: nothing was spent and `id` names no redemption. */
    dryRun: z.literal(true).optional(),
    id: ObjectIdString,
    memberId: ObjectIdString,
    rewardId: ObjectIdString.nullable(),
    storeId: ObjectIdString.nullable(),
    pointsSpent: z.number().int(),
    apply: RedemptionApply,
    status: RedemptionStatus,
    purchaseId: ObjectIdString.nullable(),
    balance: PointsBalance,
    createdAt: z.string().datetime({ offset: true }),
  })
  .openapi('Redemption');
export type Redemption = z.infer<typeof Redemption>;

/** The answer to `POST /api/v1/redemptions/:id/cancel`. */
export const RedemptionCancelled = Redemption.extend({
  /** Points given back to their lots. */
  pointsReturned: z.number().int(),
  /** Points whose lot expired since the redemption: they stay expired. */
  pointsExpired: z.number().int(),
}).openapi('RedemptionCancelled');
export type RedemptionCancelled = z.infer<typeof RedemptionCancelled>;

/** `GET /api/v1/redemptions`: newest first; `from`/`to` filter `createdAt`; `storeId` is where it was made. */
export const RedemptionListQuery = TimeRangeQuery.extend({
  memberId: ObjectIdString.optional(),
  storeId: ObjectIdString.optional(),
  purchaseId: ObjectIdString.optional(),
  status: RedemptionStatus.optional(),
})
  .strict()
  .refine(checkTimeRange, TIME_RANGE_MESSAGE);
export type RedemptionListQuery = z.infer<typeof RedemptionListQuery>;
