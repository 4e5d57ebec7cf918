import { z } from './zod.js';
import { ObjectIdString } from './common.js';

/** The most tiers one ladder may have. */
export const TIER_COUNT_MAX = 10;
/** The longest rolling window, in months (ten years). */
export const TIER_WINDOW_MONTHS_MAX = 120;
/** The longest a reached tier may be kept by rule, in months (ten years). */
export const TIER_RETENTION_MONTHS_MAX = 120;
/** The longest grace after a tier's qualification ends, in days. */
export const TIER_GRACE_DAYS_MAX = 366;
/** How many moved members a preview samples. */
export const TIER_PREVIEW_SAMPLE_MAX = 20;

const Code = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, _ and -, starting with a letter');

/** What counts towards a tier: points earned (never the balance: spending points changes nothing) or spend net of refunds. */
export const TierBasis = z.enum(['points_earned', 'spend']).openapi('TierBasis');
export type TierBasis = z.infer<typeof TierBasis>;

/** The window activity is counted over, in the program's time zone (rolling N calendar months including this one). */
export const TierWindow = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('rolling_months'),
        months: z.number().int().min(1).max(TIER_WINDOW_MONTHS_MAX),
      })
      .strict(),
    z.object({ kind: z.literal('calendar_year') }).strict(),
    z.object({ kind: z.literal('lifetime') }).strict(),
  ])
  .openapi('TierWindow');
export type TierWindow = z.infer<typeof TierWindow>;

/** How long a tier is kept once reached (or requalified): N months, or to the end of the next calendar year. */
export const TierRetention = z
  .discriminatedUnion('kind', [
    z
      .object({ kind: z.literal('months'), months: z.number().int().min(1).max(TIER_RETENTION_MONTHS_MAX) })
      .strict(),
    z.object({ kind: z.literal('end_of_next_calendar_year') }).strict(),
  ])
  .openapi('TierRetention');
export type TierRetention = z.infer<typeof TierRetention>;

/**
 * What happens when the qualification (plus grace) ends and the member no longer qualifies: nothing
 * (`none`), one step down (`one_down`), or straight to the tier they qualify for (`to_qualified`).
 */
export const TierDowngradePolicy = z
  .enum(['none', 'one_down', 'to_qualified'])
  .openapi('TierDowngradePolicy');
export type TierDowngradePolicy = z.infer<typeof TierDowngradePolicy>;

/**
 * One tier of a ladder. Its earn multiplier is a rule (the `member.tier` condition or audience, e.g. the
 * "Gold members earn 1.5×" template); tier-only rewards are the catalogue's `tiers` field.
 */
export const TierDefinition = z
  .object({
    code: Code,
    name: z.string().trim().min(1).max(60),
    /** Points earned or spend (minor units) in the window from which the tier is reached; the base tier's is 0. */
    threshold: z.number().int().min(0).max(1_000_000_000_000),
    /** Once reached, never taken away by the downgrade sweep. */
    neverDowngrade: z.boolean().default(false),
    /** Percent off the basket in the checkout (the discount card), 0 for none. */
    discountPercent: z.number().int().min(0).max(100).default(0),
  })
  .strict()
  .openapi('TierDefinition');
export type TierDefinition = z.infer<typeof TierDefinition>;

/** A ladder as a marketer drafts it (`POST /api/v1/tiers/preview`, `PUT /api/v1/tiers/ladder`). */
export const TierLadderDraft = z
  .object({
    basis: TierBasis,
    window: TierWindow,
    retention: TierRetention,
    downgrade: z
      .object({
        policy: TierDowngradePolicy,
        graceDays: z.number().int().min(0).max(TIER_GRACE_DAYS_MAX).default(0),
        /** Days before the downgrade that `tier.will_downgrade` is sent (0: not sent). */
        warnDaysBefore: z.number().int().min(0).max(TIER_GRACE_DAYS_MAX).default(14),
      })
      .strict(),
    /** Lowest first: the base tier (threshold 0), then strictly increasing thresholds. */
    tiers: z.array(TierDefinition).min(1).max(TIER_COUNT_MAX),
  })
  .strict()
  .openapi('TierLadderDraft');
export type TierLadderDraft = z.infer<typeof TierLadderDraft>;

/** `PUT /api/v1/tiers/ladder`: publishes a new version of the ladder. */
export const PublishTierLadderBody = TierLadderDraft.extend({
  /** Why the ladder changes (kept in the audit log). */
  reason: z.string().trim().min(1).max(500).optional(),
})
  .strict()
  .openapi('PublishTierLadderBody');
export type PublishTierLadderBody = z.infer<typeof PublishTierLadderBody>;

export const TierLadder = z
  .object({
    version: z.number().int(),
    basis: TierBasis,
    window: TierWindow,
    retention: TierRetention,
    downgrade: z.object({
      policy: TierDowngradePolicy,
      graceDays: z.number().int(),
      warnDaysBefore: z.number().int(),
    }),
    tiers: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        threshold: z.number().int(),
        neverDowngrade: z.boolean(),
        discountPercent: z.number().int(),
      }),
    ),
    publishedAt: z.string().datetime({ offset: true }),
  })
  .openapi('TierLadder');
export type TierLadder = z.infer<typeof TierLadder>;

/** The tiers a preview counts per tier: members who would move into it from below or from above. */
export const TierPreview = z
  .object({
    /** Members with a tier or activity that the preview looked at. */
    evaluated: z.number().int(),
    movedUp: z.number().int(),
    movedDown: z.number().int(),
    perTier: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        /** Members in the tier if the draft were published now. */
        members: z.number().int(),
        /** Members who would come in from a lower tier. */
        movedUp: z.number().int(),
        /** Members who would come in from a higher tier (or a tier the draft removes). */
        movedDown: z.number().int(),
      }),
    ),
    sample: z.array(
      z.object({
        memberId: ObjectIdString,
        from: z.string().nullable(),
        to: z.string(),
        qualifyingValue: z.number().int(),
      }),
    ),
  })
  .openapi('TierPreview');
export type TierPreview = z.infer<typeof TierPreview>;

export const TierOverrideKind = z.enum(['floor', 'fixed_until']).openapi('TierOverrideKind');
export type TierOverrideKind = z.infer<typeof TierOverrideKind>;

/**
 * `POST /api/v1/members/:id/tier/override`: `floor` keeps the member at or above the tier (they still
 * move up); `fixed_until` holds exactly that tier until `until`, then the ladder decides again.
 */
export const SetTierOverrideBody = z
  .object({
    kind: TierOverrideKind,
    tier: Code,
    until: z.string().datetime({ offset: true }).optional(),
    /** Required (422 TIER_OVERRIDE_REASON_REQUIRED when missing or blank): shown wherever the tier is. */
    reason: z.string().max(500).optional(),
  })
  .strict()
  .openapi('SetTierOverrideBody');
export type SetTierOverrideBody = z.infer<typeof SetTierOverrideBody>;

/** `POST /api/v1/members/:id/tier/override/clear`: removes the override, with its reason (required). */
export const ClearTierOverrideBody = z
  .object({ reason: z.string().max(500).optional() })
  .strict()
  .openapi('ClearTierOverrideBody');
export type ClearTierOverrideBody = z.infer<typeof ClearTierOverrideBody>;

export const TierChangeKind = z
  .enum(['upgrade', 'downgrade', 'refund_reversal', 'override', 'override_cleared', 'ladder_change'])
  .openapi('TierChangeKind');
export type TierChangeKind = z.infer<typeof TierChangeKind>;

/** `GET /api/v1/members/:id/tier`: where the member is on the ladder and what it takes to move. */
export const MemberTier = z
  .object({
    ladderVersion: z.number().int(),
    basis: TierBasis,
    tier: z.object({ code: z.string(), name: z.string(), discountPercent: z.number().int() }),
    since: z.string().datetime({ offset: true }).nullable(),
    /** Until when the tier is kept without qualifying again (null: the base tier, or never downgraded). */
    qualifiedUntil: z.string().datetime({ offset: true }).nullable(),
    /** When the downgrade sweep acts if nothing changes (qualifiedUntil + grace; null: never). */
    downgradeAt: z.string().datetime({ offset: true }).nullable(),
    /** Points earned or spend (minor units) counted in the window now. */
    qualifyingValue: z.number().int(),
    next: z
      .object({
        code: z.string(),
        name: z.string(),
        threshold: z.number().int(),
        remaining: z.number().int(),
      })
      .nullable(),
    /** What is still needed in the window to keep the current tier past `downgradeAt` (null: nothing to do). */
    keep: z.object({ remaining: z.number().int(), by: z.string().datetime({ offset: true }) }).nullable(),
    override: z
      .object({
        kind: TierOverrideKind,
        tier: z.string(),
        until: z.string().datetime({ offset: true }).nullable(),
        reason: z.string(),
      })
      .nullable(),
    history: z.array(
      z.object({
        at: z.string().datetime({ offset: true }),
        kind: TierChangeKind,
        from: z.string().nullable(),
        to: z.string(),
        reason: z.string(),
      }),
    ),
  })
  .openapi('MemberTier');
export type MemberTier = z.infer<typeof MemberTier>;
