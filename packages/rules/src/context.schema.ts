// What the engine evaluates rules against. The ledger builds it from a real member and purchase; the
// simulator from a hypothetical profile and a sample basket. Only `now`, `timeZone` and `purchase` are
// required, so a simulation can start small.
import { z } from 'zod';
import { isIsoDate } from './field-values.js';
import { LimitPeriod, TimeZone } from './rule.schema.js';

/** An instant: an ISO date-time with offset, or epoch milliseconds. */
export const Instant = z.union([
  z
    .string()
    .datetime({ offset: true, message: 'expected a date-time with offset such as 2025-06-01T09:00:00Z' }),
  z.number().int(),
]);
export type Instant = z.infer<typeof Instant>;

/** One purchase line. Amounts are integer minor units; the earn base is gross − discount − paid with points. */
export const PurchaseItem = z
  .object({
    sku: z.string().min(1),
    name: z.string().optional(),
    category: z.string().optional(),
    quantity: z.number().int().min(1).max(100_000),
    unitPriceMinor: z.number().int().min(0).max(1_000_000_000),
    /** Discount on this line from a reward or coupon; it earns nothing. */
    discountMinor: z.number().int().min(0).optional(),
    /** The part of this line paid with points; it earns nothing. */
    paidWithPointsMinor: z.number().int().min(0).optional(),
    /** Lines that never earn (gift cards, deposits, tobacco…). */
    isExcludedFromEarn: z.boolean().optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    const deducted = (item.discountMinor ?? 0) + (item.paidWithPointsMinor ?? 0);
    if (deducted > item.quantity * item.unitPriceMinor) {
      ctx.addIssue({
        code: 'custom',
        path: ['discountMinor'],
        message: 'discount plus the part paid with points exceed the line amount',
      });
    }
  });
export type PurchaseItem = z.infer<typeof PurchaseItem>;

/** The purchase being evaluated. `totalMinor` defaults to the sum of the lines net of discounts. */
export const Purchase = z
  .object({
    id: z.string().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO currency code such as EUR'),
    storeId: z.string().optional(),
    channel: z.string().optional(),
    totalMinor: z.number().int().min(0).optional(),
    items: z.array(PurchaseItem).max(1000),
  })
  .strict();
export type Purchase = z.infer<typeof Purchase>;

/** The member's profile as the rules see it; every field is optional so a hypothetical profile can be sparse. */
export const MemberProfile = z
  .object({
    id: z.string().optional(),
    tier: z.string().optional(),
    clubs: z.array(z.string()).optional(),
    tags: z.array(z.string()).optional(),
    segment: z.string().optional(),
    /** Purchases before this one; 0 means this is the first purchase. */
    purchaseCount: z.number().int().min(0).optional(),
    lastPurchaseAt: Instant.optional(),
    joinedAt: Instant.optional(),
    /** YYYY-MM-DD, or MM-DD when the year is not known. */
    birthDate: z
      .string()
      .refine((value) => isIsoDate(value) || isIsoDate(`2000-${value}`), {
        message: 'expected a birth date YYYY-MM-DD or MM-DD',
      })
      .optional(),
    /** Current stamps per stamp card id. */
    stampCards: z.record(z.number().int().min(0)).optional(),
  })
  .strict();
export type MemberProfile = z.infer<typeof MemberProfile>;

/** How much of a limit a member has used in the current period. */
export const UsageCounter = z
  .object({ times: z.number().int().min(0), points: z.number().int().min(0) })
  .strict();
export type UsageCounter = z.infer<typeof UsageCounter>;

/** A member's usage of one rule, per limit period (missing periods count as unused). */
export const RuleUsage = z.record(LimitPeriod, UsageCounter);
export type RuleUsage = z.infer<typeof RuleUsage>;

/** Everything `evaluate` needs besides the rules. */
export const EvaluationContext = z
  .object({
    /** The moment of the purchase; schedules, hours and days are read from it. */
    now: Instant,
    /** The program's time zone; `purchase.date`, `dayOfWeek` and `hour` are local to it. */
    timeZone: TimeZone,
    purchase: Purchase,
    /** Absent for an anonymous purchase or a guest cart preview. */
    member: MemberProfile.optional(),
    /** The member's usage counters per rule id (absent → nothing used yet). */
    usage: z.record(RuleUsage).optional(),
    /** Remaining global budget per rule id (absent → the whole budget is left). */
    budgets: z.record(z.object({ remainingPoints: z.number().int() }).strict()).optional(),
    /**
     * Stamps that fill one card, per stamp card id (from the stamp card definitions); a card missing here
     * still counts stamps, but the result cannot say when it fills.
     */
    stampCardThresholds: z.record(z.number().int().min(1)).optional(),
  })
  .strict();
export type EvaluationContext = z.infer<typeof EvaluationContext>;
