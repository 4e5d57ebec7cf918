import { z } from './zod.js';
import { ObjectIdString, PageQuery } from './common.js';

/** The most stamps one card can take (the rules language's bound on a card). */
export const STAMP_THRESHOLD_MAX = 1000;
/** The longest an unlocked stamp reward may stay usable: ten years. */
export const STAMP_REWARD_VALIDITY_DAYS_MAX = 3650;

export const StampCardStatus = z.enum(['active', 'archived']).openapi('StampCardStatus');
export type StampCardStatus = z.infer<typeof StampCardStatus>;

const StampCardFields = z
  .object({
    name: z.string().trim().min(1).max(120),
    /** Stamps that fill one card; each full card unlocks one reward. */
    threshold: z.number().int('stamps are whole numbers').min(1).max(STAMP_THRESHOLD_MAX),
    /** The catalogue reward a full card unlocks (it says what it gives: free product, amount or percent off). */
    rewardId: ObjectIdString,
    /** Days an unlocked reward stays usable before it expires. */
    rewardValidityDays: z.number().int('days are whole numbers').min(1).max(STAMP_REWARD_VALIDITY_DAYS_MAX),
  })
  .strict();

/** `POST /api/v1/stamp-cards` (marketer and up). */
export const CreateStampCardBody = StampCardFields.openapi('CreateStampCardBody');
export type CreateStampCardBody = z.infer<typeof CreateStampCardBody>;

/**
 * `PATCH /api/v1/stamp-cards/:id`: any field. A new threshold counts from the next stamp (stamps already
 * on a card stay; a card that the new threshold fills unlocks on the next stamp); a new reward or validity
 * applies to rewards unlocked from then on.
 */
export const UpdateStampCardBody = StampCardFields.partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'change at least one field' })
  .openapi('UpdateStampCardBody');
export type UpdateStampCardBody = z.infer<typeof UpdateStampCardBody>;

export const StampCard = z
  .object({
    id: ObjectIdString,
    name: z.string(),
    threshold: z.number().int(),
    rewardId: ObjectIdString,
    /** The catalogue reward's name, for lists (null when the reward was deleted). */
    rewardName: z.string().nullable(),
    rewardValidityDays: z.number().int(),
    status: StampCardStatus,
    createdAt: z.string().datetime({ offset: true }),
    updatedAt: z.string().datetime({ offset: true }),
  })
  .openapi('StampCard');
export type StampCard = z.infer<typeof StampCard>;

/** `GET /api/v1/stamp-cards`: newest first; `status` keeps one status. */
export const StampCardListQuery = PageQuery.extend({ status: StampCardStatus.optional() }).strict();
export type StampCardListQuery = z.infer<typeof StampCardListQuery>;

/** Where an unlocked stamp reward is: usable, held by an open checkout, used, expired, or locked again by a refund. */
export const StampRewardStatus = z
  .enum(['unlocked', 'held', 'used', 'expired', 'locked'])
  .openapi('StampRewardStatus');
export type StampRewardStatus = z.infer<typeof StampRewardStatus>;

/** One stamp card in a member's wallet: the stamps on the current card and the rewards usable now. */
export const WalletStampCard = z
  .object({
    definitionId: ObjectIdString,
    name: z.string(),
    threshold: z.number().int(),
    /** Stamps on the current (unfinished) card. */
    stamps: z.number().int(),
    rewards: z.array(
      z.object({
        id: ObjectIdString,
        rewardName: z.string(),
        expiresAt: z.string().datetime({ offset: true }),
      }),
    ),
  })
  .openapi('WalletStampCard');
export type WalletStampCard = z.infer<typeof WalletStampCard>;

/** What one purchase did to one stamp card (in the purchase's answer). */
export const StampsAddedSummary = z
  .object({
    definitionId: ObjectIdString,
    name: z.string(),
    /** Stamps the purchase's rules gave (stamp debt is paid from them first). */
    stamps: z.number().int(),
    /** Stamps of them that paid off stamp debt left by an earlier refund. */
    debtPaid: z.number().int(),
    /** Stamps on the current card afterwards. */
    balance: z.number().int(),
    threshold: z.number().int(),
    /** Rewards unlocked by the cards this purchase filled. */
    rewardsUnlocked: z.array(
      z.object({ id: ObjectIdString, expiresAt: z.string().datetime({ offset: true }) }),
    ),
  })
  .openapi('StampsAddedSummary');
export type StampsAddedSummary = z.infer<typeof StampsAddedSummary>;

/** What one refund did to one stamp card (in the refund's answer). */
export const StampsRemovedSummary = z
  .object({
    definitionId: ObjectIdString,
    /** Stamps taken back, in proportion to the refunded amount. */
    stamps: z.number().int(),
    /** Unused rewards locked again because their card no longer holds. */
    rewardsLocked: z.array(ObjectIdString),
    /** Stamps that could not be taken back (their reward was used or held): owed by the next stamps. */
    debtAdded: z.number().int(),
  })
  .openapi('StampsRemovedSummary');
export type StampsRemovedSummary = z.infer<typeof StampsRemovedSummary>;
