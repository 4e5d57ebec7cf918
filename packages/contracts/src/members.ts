import { z } from './zod.js';
import { MemberConsents, IsoDate, PhoneNumber } from './auth.js';
import { ObjectIdString, PageQuery } from './common.js';

/** `POST /api/v1/members`: staff or an integration registers a member at the till. */
export const CreateMemberBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    phone: PhoneNumber,
    email: z.string().trim().email().max(254).optional(),
    birthDate: IsoDate.optional(),
    consents: MemberConsents.optional(),
  })
  .strict()
  .openapi('CreateMemberBody');
export type CreateMemberBody = z.infer<typeof CreateMemberBody>;

/** `PATCH /api/v1/members/:id`: profile and marketing consents per channel (each field optional). */
export const UpdateMemberBody = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    email: z.string().trim().email().max(254).nullable().optional(),
    /** Staff only (it is how the member signs in): a member changing their own phone is refused. */
    phone: PhoneNumber.optional(),
    birthDate: IsoDate.nullable().optional(),
    consents: z
      .object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() })
      .partial()
      .strict()
      .optional(),
  })
  .strict()
  .openapi('UpdateMemberBody');
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

export const BlockMemberBody = z
  .object({ reason: z.string().trim().min(3).max(500) })
  .strict()
  .openapi('BlockMemberBody');
export type BlockMemberBody = z.infer<typeof BlockMemberBody>;

/**
 * `GET /api/v1/members`: one of the lookups, paginated newest first, narrowed by the filters. `name`
 * matches members with a word starting with each word given, accents and case aside ("gar" finds
 * "Ana García López", so does "lop an").
 */
export const MemberLookupQuery = PageQuery.extend({
  phone: z.string().trim().min(3).max(32).optional(),
  cardNumber: z
    .string()
    .regex(/^\d{12}$/, 'expected the 12-digit card number')
    .optional(),
  email: z.string().trim().max(254).optional(),
  name: z.string().trim().min(1).max(120).optional(),
  /** Members with this tag. */
  tag: z.string().trim().min(1).max(60).optional(),
  /** true: only blocked members; false: only members who are not. */
  blocked: z.enum(['true', 'false']).optional(),
  /** Members who joined at or after this instant. */
  joinedFrom: z.string().datetime({ offset: true }).optional(),
  /** Members who joined before this instant. */
  joinedTo: z.string().datetime({ offset: true }).optional(),
  /** Members registered at this store (by its staff or tills). */
  storeId: ObjectIdString.optional(),
})
  .strict()
  .refine((q) => !q.joinedFrom || !q.joinedTo || Date.parse(q.joinedFrom) < Date.parse(q.joinedTo), {
    path: ['joinedTo'],
    message: 'joinedTo must be after joinedFrom',
  });
export type MemberLookupQuery = z.infer<typeof MemberLookupQuery>;

/** Points a member can spend now and points still waiting for the return window to close. */
export const PointsBalance = z
  .object({
    /** Spendable now. Negative only when the program allows negative balances (a refund clawed back more). */
    available: z.number().int(),
    /** Earned but not spendable yet (the program's pending days). */
    pending: z.number().int(),
  })
  .openapi('PointsBalance');
export type PointsBalance = z.infer<typeof PointsBalance>;

export const ExpiringPoints = z
  .object({ points: z.number().int(), expiresAt: z.string().datetime({ offset: true }) })
  .openapi('ExpiringPoints');

export const PendingPoints = z
  .object({ points: z.number().int(), availableAt: z.string().datetime({ offset: true }) })
  .openapi('PendingPoints');

/**
 * Balance with the pending points and when each batch becomes available, and the points that expire
 * within the next 30 days; both soonest first.
 */
export const MemberBalance = PointsBalance.extend({
  pendingLots: z.array(PendingPoints),
  expiringSoon: z.array(ExpiringPoints),
}).openapi('MemberBalance');
export type MemberBalance = z.infer<typeof MemberBalance>;

export const MemberStats = z
  .object({
    purchaseCount: z.number().int(),
    totalSpentMinor: z.number().int(),
    /** totalSpentMinor / purchaseCount rounded down; 0 without purchases. */
    averageOrderMinor: z.number().int(),
    firstPurchaseAt: z.string().datetime({ offset: true }).nullable(),
    lastPurchaseAt: z.string().datetime({ offset: true }).nullable(),
  })
  .openapi('MemberStats');
export type MemberStats = z.infer<typeof MemberStats>;

/** A member as lists and lookups return it. */
export const MemberSummary = z
  .object({
    id: ObjectIdString,
    cardNumber: z.string(),
    name: z.string(),
    phone: z.string(),
    email: z.string().nullable(),
    tier: z.string().nullable(),
    isBlocked: z.boolean(),
    /** When the member deleted their account: the personal fields are erased, the ledger stays. */
    deletedAt: z.string().datetime({ offset: true }).nullable(),
    joinedAt: z.string().datetime({ offset: true }),
  })
  .openapi('MemberSummary');
export type MemberSummary = z.infer<typeof MemberSummary>;

/** `GET /api/v1/members/:id`. */
export const MemberDetail = MemberSummary.extend({
  birthDate: z.string().nullable(),
  consents: z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() }),
  tags: z.array(z.string()),
  balance: MemberBalance,
  stats: MemberStats,
}).openapi('MemberDetail');
export type MemberDetail = z.infer<typeof MemberDetail>;

/** `POST /api/v1/members/identify`: a scanned QR payload, a typed card number or a phone. */
export const IdentifyMemberBody = z
  .object({ code: z.string().trim().min(3).max(100) })
  .strict()
  .openapi('IdentifyMemberBody');
export type IdentifyMemberBody = z.infer<typeof IdentifyMemberBody>;

export const IdentifyMethod = z.enum(['card_code', 'card_number', 'phone']).openapi('IdentifyMethod');
export type IdentifyMethod = z.infer<typeof IdentifyMethod>;

export const IdentifyMemberResponse = z
  .object({
    /** `card_code`: a valid QR code (may be presented for a redemption); the others identify only. */
    method: IdentifyMethod,
    /**
     * An API key without `members:read` (a till that only records purchases or redemptions) gets no
     * `phone` or `email`, and the name as the first name and an initial ("Maria G."): enough to greet the
     * customer, not a way to collect personal data.
     */
    member: z
      .object({
        id: ObjectIdString,
        cardNumber: z.string(),
        name: z.string(),
        phone: z.string().optional(),
        email: z.string().nullable().optional(),
        tier: z.string().nullable(),
        isBlocked: z.boolean(),
        deletedAt: z.string().datetime({ offset: true }).nullable(),
        joinedAt: z.string().datetime({ offset: true }),
        balance: PointsBalance,
      })
      .openapi('IdentifiedMember'),
  })
  .openapi('IdentifyMemberResponse');
export type IdentifyMemberResponse = z.infer<typeof IdentifyMemberResponse>;

/**
 * The card's TOTP parameters (RFC 6238): HMAC-SHA-1, 6 digits, 30-second step. The QR payload is
 * `RGL1:<cardNumber>:<code>`.
 */
export const CardTotpParameters = z
  .object({
    algorithm: z.literal('SHA1'),
    digits: z.literal(6),
    periodSeconds: z.literal(30),
    payloadFormat: z.literal('RGL1:<cardNumber>:<code>'),
  })
  .openapi('CardTotpParameters');

/** `GET /api/v1/members/:id/card` and the rotation answer, for the member's own card app only. */
export const MemberCard = z
  .object({
    cardNumber: z.string(),
    /** Base32 secret (RFC 4648, no padding) the card computes its codes from. Keep it on the device. */
    cardSecret: z.string(),
    rotatedAt: z.string().datetime({ offset: true }),
    totp: CardTotpParameters,
  })
  .openapi('MemberCard');
export type MemberCard = z.infer<typeof MemberCard>;

/** The rotation answer for staff: they never see the secret. */
export const RotatedCard = z
  .object({ cardNumber: z.string(), rotatedAt: z.string().datetime({ offset: true }) })
  .openapi('RotatedCard');
