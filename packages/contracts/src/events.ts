import { z } from 'zod';

/**
 * The catalogue of domain events: every type a module may append, with the version of its payload.
 * A payload changes shape only with a new version; subscribers read `payloadVersion` to know it.
 */
export const EVENT_CATALOGUE = {
  'member.created': { version: 1, description: 'A member joined the program' },
  'member.updated': { version: 1, description: "A member's profile or consents changed" },
  'member.blocked': { version: 1, description: 'A member was blocked' },
  'member.unblocked': { version: 1, description: 'A member was unblocked' },
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
  'reward.created': { version: 1, description: 'A reward was added to the catalogue' },
  'reward.updated': { version: 1, description: 'A reward changed' },
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
export const EventTypeSchema = z.enum(EVENT_TYPES);

/** The longest filter a list or a subscription accepts (each type or pattern). */
export const EVENT_FILTER_MAX = 50;

/** An event as the feed and webhooks deliver it. */
export const DomainEvent = z.object({
  id: z.string(),
  type: EventTypeSchema,
  occurredAt: z.string(),
  memberId: z.string().nullable(),
  storeId: z.string().nullable(),
  subject: z.record(z.string()),
  payloadVersion: z.number().int(),
  payload: z.record(z.unknown()),
});
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
