import { z } from './zod.js';
import { ObjectIdString, PageQuery } from './common.js';

export const RewardKind = z
  .enum(['fixed_discount', 'percent_discount', 'free_product'])
  .openapi('RewardKind');
export type RewardKind = z.infer<typeof RewardKind>;

const RewardFields = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(1000).optional(),
    pointsCost: z.number().int('points are whole numbers').min(1).max(10_000_000),
    kind: RewardKind,
    /** fixed_discount: the discount in minor units. */
    valueMinor: z.number().int().min(1).max(100_000_000).optional(),
    /** percent_discount: 1–100. */
    percent: z.number().int().min(1).max(100).optional(),
    /** free_product: the SKU the till adds for free. */
    sku: z.string().trim().min(1).max(64).optional(),
    /** Units available; absent means unlimited. */
    stock: z.number().int().min(0).max(100_000_000).optional(),
    /** How many times one member may redeem it; absent means no limit. */
    perMemberLimit: z.number().int().min(1).max(10_000).optional(),
    availableFrom: z.string().datetime({ offset: true }).optional(),
    availableUntil: z.string().datetime({ offset: true }).optional(),
    /** Only members of these tiers may redeem it; absent means everyone. */
    tiers: z.array(z.string().trim().min(1).max(60)).min(1).max(20).optional(),
    isActive: z.boolean().default(true),
  })
  .strict();

function checkKind(
  r: {
    kind?: RewardKind;
    valueMinor?: number;
    percent?: number;
    sku?: string;
    availableFrom?: string;
    availableUntil?: string;
  },
  ctx: z.RefinementCtx,
): void {
  if (r.kind === 'fixed_discount' && r.valueMinor === undefined)
    ctx.addIssue({ code: 'custom', path: ['valueMinor'], message: 'a fixed_discount needs valueMinor' });
  if (r.kind === 'percent_discount' && r.percent === undefined)
    ctx.addIssue({ code: 'custom', path: ['percent'], message: 'a percent_discount needs percent' });
  if (r.kind === 'free_product' && r.sku === undefined)
    ctx.addIssue({ code: 'custom', path: ['sku'], message: 'a free_product needs sku' });
  if (r.availableFrom && r.availableUntil && Date.parse(r.availableUntil) <= Date.parse(r.availableFrom))
    ctx.addIssue({
      code: 'custom',
      path: ['availableUntil'],
      message: 'availableUntil must be after availableFrom',
    });
}

/** `POST /api/v1/rewards` (marketer and up). */
export const CreateRewardBody = RewardFields.superRefine(checkKind).openapi('CreateRewardBody');
export type CreateRewardBody = z.infer<typeof CreateRewardBody>;

/**
 * `PATCH /api/v1/rewards/:id`: any field; `stock` sets the units left. null clears an optional field
 * (no description, unlimited stock, no per-member limit, no date bound, every tier).
 */
export const UpdateRewardBody = RewardFields.partial()
  .extend({
    description: RewardFields.shape.description.unwrap().nullable().optional(),
    stock: RewardFields.shape.stock.unwrap().nullable().optional(),
    perMemberLimit: RewardFields.shape.perMemberLimit.unwrap().nullable().optional(),
    availableFrom: RewardFields.shape.availableFrom.unwrap().nullable().optional(),
    availableUntil: RewardFields.shape.availableUntil.unwrap().nullable().optional(),
    tiers: RewardFields.shape.tiers.unwrap().nullable().optional(),
    isActive: z.boolean().optional(),
  })
  .strict()
  .openapi('UpdateRewardBody');
export type UpdateRewardBody = z.infer<typeof UpdateRewardBody>;

export const Reward = z
  .object({
    id: ObjectIdString,
    name: z.string(),
    description: z.string().nullable(),
    pointsCost: z.number().int(),
    kind: RewardKind,
    valueMinor: z.number().int().nullable(),
    percent: z.number().int().nullable(),
    sku: z.string().nullable(),
    /** Units left; null means unlimited. */
    stock: z.number().int().nullable(),
    perMemberLimit: z.number().int().nullable(),
    availableFrom: z.string().datetime({ offset: true }).nullable(),
    availableUntil: z.string().datetime({ offset: true }).nullable(),
    tiers: z.array(z.string()).nullable(),
    isActive: z.boolean(),
    /**
     * Where the card loads the reward's picture (`/api/v1/rewards/{id}/image?v=…`, public, cached), or
     * null when it has none. The `v` changes with the picture.
     */
    imageUrl: z.string().nullable(),
    createdAt: z.string().datetime({ offset: true }),
  })
  .openapi('Reward');
export type Reward = z.infer<typeof Reward>;

/** `GET /api/v1/rewards`: `availableNow=true` keeps the active, in-date, in-stock ones. */
export const RewardListQuery = PageQuery.extend({
  availableNow: z.enum(['true', 'false']).optional(),
}).strict();
export type RewardListQuery = z.infer<typeof RewardListQuery>;

/** The picture formats a reward image may be in (recognised from the bytes, not the file name). */
export const RewardImageType = z.enum(['image/jpeg', 'image/png', 'image/webp']).openapi('RewardImageType');
export type RewardImageType = z.infer<typeof RewardImageType>;

/** The largest reward image, in bytes (decoded). */
export const REWARD_IMAGE_MAX_BYTES = 256 * 1024;

/**
 * `PUT /api/v1/rewards/:id/image`: the picture as base64 (JPEG, PNG or WebP, at most 256 KB decoded).
 * The type is read from the bytes; a body that is not one of those formats is refused.
 */
export const PutRewardImageBody = z
  .object({
    dataBase64: z
      .string()
      .min(1)
      .max(Math.ceil((REWARD_IMAGE_MAX_BYTES * 4) / 3) + 1024),
  })
  .strict()
  .openapi('PutRewardImageBody');
export type PutRewardImageBody = z.infer<typeof PutRewardImageBody>;
