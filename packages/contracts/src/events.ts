import { z } from './zod.js';
import { ObjectIdString, Page, PageQuery } from './common.js';

/**
 * The catalogue of domain events: every type a module may append, with the version of its payload.
 * A payload changes shape only with a new version; subscribers read `payloadVersion` to know it.
 */
export const EVENT_CATALOGUE = {
  'member.created': { version: 1, description: 'A member joined the program' },
  'member.updated': { version: 1, description: "A member's profile or consents changed" },
  'member.blocked': { version: 1, description: 'A member was blocked' },
  'member.unblocked': { version: 1, description: 'A member was unblocked' },
  'member.deleted': {
    version: 1,
    description:
      'A member deleted their account: personal fields erased, card blocked and its secret replaced; the ledger stays',
  },
  'member.tags_changed': {
    version: 1,
    description: "A purchase's rules added or removed member tags (addMemberTag / removeMemberTag effects)",
  },
  'purchase.recorded': { version: 1, description: 'A purchase was recorded' },
  'points.earned': { version: 1, description: 'Points were credited (pending or available)' },
  'points.activated': {
    version: 1,
    description:
      "A lot's pending points became spendable: one event per lot (by the sweep or when the member's balance is brought up to date), occurredAt is the lot's availableAt",
  },
  'points.expired': {
    version: 1,
    description:
      "A lot's remaining points expired: one event per lot (by the sweep or when the member's balance is brought up to date), occurredAt is the lot's expiresAt",
  },
  'points.adjusted': { version: 1, description: 'Points were adjusted by staff' },
  'redemption.created': { version: 1, description: 'A reward was redeemed' },
  'redemption.cancelled': { version: 1, description: 'A redemption was cancelled and its points returned' },
  'refund.recorded': { version: 1, description: 'A refund was recorded' },
  'checkout.opened': { version: 1, description: 'A checkout was opened at a till' },
  'checkout.completed': {
    version: 1,
    description: 'A checkout was completed: its purchase and redemptions were recorded together',
  },
  'checkout.cancelled': { version: 1, description: 'A checkout was cancelled and its holds given back' },
  'checkout.expired': {
    version: 1,
    description: 'An open checkout passed its expiry and its holds were given back (the sweep)',
  },
  'reward.created': { version: 1, description: 'A reward was added to the catalogue' },
  'reward.updated': { version: 1, description: 'A reward changed' },
  'tier_ladder.published': { version: 1, description: 'A new version of the tier ladder was published' },
  'tier.upgraded': {
    version: 1,
    description:
      "A member reached a higher tier (a qualifying purchase, a ladder change or staff's override)",
  },
  'tier.downgraded': {
    version: 1,
    description:
      'A member moved to a lower tier: the downgrade sweep, a refund that un-qualified them, a ladder change or an override',
  },
  'tier.will_downgrade': {
    version: 1,
    description:
      "A member's tier will go down at `downgradeAt` unless they qualify again (sent N days before)",
  },
  'tier.override_changed': {
    version: 1,
    description: "Staff set or removed a member's manual tier override (with a reason)",
  },
  'stamp_card.created': { version: 1, description: 'A stamp card definition was created' },
  'stamp_card.updated': { version: 1, description: 'A stamp card definition changed' },
  'stamp_card.archived': {
    version: 1,
    description: 'A stamp card definition was archived: its cards take no more stamps',
  },
  'stamps.added': {
    version: 1,
    description: "A purchase's rules added stamps to a member's stamp card (debt paid first)",
  },
  'stamps.removed': {
    version: 1,
    description: "A refund took back stamps of a member's stamp card in proportion to the refunded amount",
  },
  'stamp_reward.unlocked': {
    version: 1,
    description: "A full stamp card unlocked a reward in the member's wallet",
  },
  'stamp_reward.held': { version: 1, description: 'An unlocked stamp reward was held by a checkout' },
  'stamp_reward.released': { version: 1, description: 'A held stamp reward was released (usable again)' },
  'stamp_reward.used': { version: 1, description: "A held stamp reward was used by its checkout's purchase" },
  'stamp_reward.expired': {
    version: 1,
    description: 'An unused stamp reward reached its expiry (by the sweep); occurredAt is its expiresAt',
  },
  'stamp_reward.locked': {
    version: 1,
    description: 'A refund broke the full card of an unused stamp reward: the reward is locked again',
  },
  'gift_certificate.issued': {
    version: 1,
    description: 'A gift certificate was issued (free by staff or a campaign, or sold at the till)',
  },
  'gift_certificate.redeemed': {
    version: 1,
    description: "A checkout's purchase was paid in part or in full with a gift certificate",
  },
  'gift_certificate.reloaded': { version: 1, description: 'Value was added to a gift certificate' },
  'gift_certificate.refunded': {
    version: 1,
    description: 'A refund of a purchase paid with a gift certificate credited its share back',
  },
  'gift_certificate.adjusted': {
    version: 1,
    description: "A manager corrected a gift certificate's balance",
  },
  'gift_certificate.blocked': { version: 1, description: 'A gift certificate was blocked' },
  'gift_certificate.unblocked': { version: 1, description: 'A gift certificate was unblocked' },
  'gift_certificate.claimed': {
    version: 1,
    description: 'A member claimed a bearer gift certificate into their wallet by typing its code',
  },
  'gift_certificate.expired': {
    version: 1,
    description:
      'A gift certificate reached its expiry: its remaining balance is breakage (by the sweep); occurredAt is its expiresAt',
  },
  'gift_certificate.voided': {
    version: 1,
    description:
      'A gift certificate sold at the till was taken back, unspent, by the refund of its sale: its value left with the money',
  },
  'coupon_template.created': { version: 1, description: 'A coupon template was created' },
  'coupon_template.updated': {
    version: 1,
    description: 'A coupon template changed: a new version (coupons issued before keep their terms)',
  },
  'coupon_template.archived': {
    version: 1,
    description: 'A coupon template was archived: it issues no more coupons (issued ones stay usable)',
  },
  'coupon_batch.completed': {
    version: 1,
    description: 'A batch of bearer coupon codes was generated in full (its CSV can be downloaded)',
  },
  'coupon.issued': {
    version: 1,
    description: "An assigned coupon was issued into a member's wallet (by assignment, staff or a rule)",
  },
  'coupon.redeemed': { version: 1, description: "A coupon's use was taken by a completed checkout" },
  'coupon.restored': {
    version: 1,
    description: 'A refund of the purchase gave a coupon its use back (template policy, coupon still valid)',
  },
  'coupon.voided': {
    version: 1,
    description: 'A coupon was voided: its issuing purchase was refunded before the coupon became active',
  },
  'coupon.expired': {
    version: 1,
    description:
      'A coupon reached the end of its validity with uses left (by the sweep; a coupon held by an open checkout waits for its release); occurredAt is its validUntil',
  },
  'referral.attributed': { version: 1, description: 'A new member joined with a referral code' },
  'referral.qualified': {
    version: 1,
    description: "The friend's first purchase qualified: the referral waits for it to clear",
  },
  'referral.cleared': {
    version: 1,
    description: "The friend's qualifying purchase passed its return window unrefunded",
  },
  'referral.rewarded': { version: 1, description: 'The referrer (and the friend) were rewarded' },
  'referral.rejected': { version: 1, description: 'A referral was rejected (the reason says why)' },
  'referral.reversed': {
    version: 1,
    description: 'A refund after the reward took it back (points reversed, unused coupons voided)',
  },
  'referral.review_requested': {
    version: 1,
    description: 'A referral scored above the fraud threshold and waits for a manager',
  },
  'referral.reviewed': { version: 1, description: 'A manager approved or rejected a referral under review' },
  'referral.terms_changed': { version: 1, description: 'A new version of the referral terms was saved' },
  'rule.published': { version: 1, description: 'A rule version was published' },
  'rule.paused': { version: 1, description: 'A published rule was paused: it stops earning' },
  'rule.resumed': { version: 1, description: 'A paused rule was resumed: its published version earns again' },
  'rule.archived': { version: 1, description: 'A rule was archived (it stops earning if it was published)' },
  'program.updated': { version: 1, description: 'The program settings changed' },
  'sandbox.clock_advanced': {
    version: 1,
    description: "A sandbox deployment's clock was moved forward (before its due-date sweeps ran)",
  },
} as const satisfies Record<string, { version: number; description: string }>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as [EventType, ...EventType[]];
export const EventTypeSchema = z.enum(EVENT_TYPES).openapi('EventType');

/** The longest filter a list or a subscription accepts (each type or pattern). */
export const EVENT_FILTER_MAX = 50;

/** An event as the feed and webhooks deliver it. */
export const DomainEvent = z
  .object({
    id: z.string(),
    type: EventTypeSchema,
    occurredAt: z.string().datetime({ offset: true }),
    memberId: z.string().nullable(),
    storeId: z.string().nullable(),
    subject: z.record(z.string()),
    payloadVersion: z.number().int(),
    payload: z.record(z.unknown()),
  })
  .openapi('DomainEvent');
export type DomainEvent = z.infer<typeof DomainEvent>;

/**
 * `points.*` matches every `points.` type, `*` matches all; anything else must name a type exactly.
 * Returns null for a pattern that matches nothing in the catalogue.
 */
export function expandEventPattern(pattern: string): EventType[] | null {
  if (pattern === '*') return [...EVENT_TYPES];
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    const matched = EVENT_TYPES.filter((type) => type.startsWith(prefix));
    return matched.length ? matched : null;
  }
  return (EVENT_TYPES as readonly string[]).includes(pattern) ? [pattern as EventType] : null;
}

/** Whether an event type matches one of the patterns (exact, `group.*` or `*`). */
export function matchesEventPatterns(type: string, patterns: readonly string[]): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  );
}

/**
 * `GET /api/v1/events`: the pull feed, oldest first. `type` is a type or a pattern (`points.*`, `*`),
 * repeated (`type=a&type=b`) or as a comma list; `after` is a cursor from a previous page.
 */
export const EventFeedQuery = PageQuery.omit({ cursor: true })
  .extend({
    after: z.string().max(200).optional(),
    type: z.union([z.string().max(4000), z.array(z.string().max(4000)).max(1000)]).optional(),
    memberId: ObjectIdString.optional(),
  })
  .strict();
export type EventFeedQuery = z.infer<typeof EventFeedQuery>;

/**
 * A page of the feed. `nextCursor` is null on the last page, as on every list; `lastCursor` is the
 * position after the last event returned (the `after` sent when the page is empty), so a poller saves
 * it and asks `after=<lastCursor>` later for what came since.
 */
export const EventFeedPage = Page(DomainEvent)
  .extend({ lastCursor: z.string().nullable() })
  .openapi('EventFeedPage');
export type EventFeedPage = z.infer<typeof EventFeedPage>;

/** `GET /api/v1/events/subscribers`: how far each in-process subscriber has come. */
export const EventSubscriberProgress = z
  .object({
    id: z.string(),
    /** The types and patterns it subscribes to. */
    types: z.array(z.string()),
    /** Events of its types it has not been handed yet (counted up to EVENT_LAG_COUNT_MAX). */
    pending: z.number().int(),
    /** When the oldest of those happened; null when it is up to date. */
    oldestPendingAt: z.string().datetime({ offset: true }).nullable(),
    handled: z.number().int(),
    lastEventId: z.string().nullable(),
    /** The last failure, cleared by the next successful handing. */
    lastError: z.string().nullable(),
    lastErrorAt: z.string().datetime({ offset: true }).nullable(),
    /** Failures in a row; it is retried at `retryAt`. */
    failures: z.number().int(),
    retryAt: z.string().datetime({ offset: true }).nullable(),
    updatedAt: z.string().datetime({ offset: true }).nullable(),
  })
  .openapi('EventSubscriberProgress');
export type EventSubscriberProgress = z.infer<typeof EventSubscriberProgress>;
export const EventSubscriberList = z
  .object({ items: z.array(EventSubscriberProgress) })
  .openapi('EventSubscriberList');
export type EventSubscriberList = z.infer<typeof EventSubscriberList>;

/** The most a subscriber's `pending` count goes to (counting a large backlog exactly costs a scan). */
export const EVENT_LAG_COUNT_MAX = 10_000;
