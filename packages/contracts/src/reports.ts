import { z } from './zod.js';
import { ObjectIdString } from './common.js';

/** A calendar day in the program's time zone. */
export const ReportDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'not a calendar day',
  )
  .openapi('ReportDay');

/** The longest range a report accepts, in days (5 years of 366 days). */
export const REPORT_RANGE_MAX_DAYS = 5 * 366;

export const ReportGranularity = z.enum(['day', 'week', 'month']).openapi('ReportGranularity');
export type ReportGranularity = z.infer<typeof ReportGranularity>;

/** `GET /api/v1/reports/*`: an inclusive range of program days, optionally one store's. */
export const ReportRangeQuery = z
  .object({
    from: ReportDay,
    to: ReportDay,
    storeId: ObjectIdString.optional(),
  })
  .openapi('ReportRangeQuery');
export type ReportRangeQuery = z.infer<typeof ReportRangeQuery>;

export const ReportKpiQuery = ReportRangeQuery.extend({
  granularity: ReportGranularity.default('day'),
}).openapi('ReportKpiQuery');
export type ReportKpiQuery = z.infer<typeof ReportKpiQuery>;

/** One period's money and points flows (sales exclude gift certificates sold: stored value is a liability). */
export const ReportFlows = z
  .object({
    salesMinor: z.number().int(),
    refundsMinor: z.number().int(),
    netRevenueMinor: z.number().int(),
    orders: z.number().int(),
    memberOrders: z.number().int(),
    refunds: z.number().int(),
    /** Net revenue ÷ orders, rounded half up to the minor unit; null without orders. */
    averageOrderMinor: z.number().int().nullable(),
    giftCertificatesSoldMinor: z.number().int(),
    newMembers: z.number().int(),
    pointsIssued: z.number().int(),
    pointsRedeemed: z.number().int(),
    pointsExpired: z.number().int(),
    pointsReversed: z.number().int(),
    pointsAdjusted: z.number().int(),
    /** Points redeemed ÷ points issued in the period, in basis points (1/100 of a percent); null when none issued. */
    redemptionRateBp: z.number().int().nullable(),
  })
  .openapi('ReportFlows');
export type ReportFlows = z.infer<typeof ReportFlows>;

export const ReportSeriesPoint = ReportFlows.extend({
  /** First day of the period (a Monday for weeks, the 1st for months). */
  period: z.string(),
}).openapi('ReportSeriesPoint');
export type ReportSeriesPoint = z.infer<typeof ReportSeriesPoint>;

/** Member-base figures as of today (program-wide: a member belongs to no store). */
export const ReportMemberBase = z
  .object({
    members: z.number().int(),
    buyers: z.number().int(),
    repeatBuyers: z.number().int(),
    /** repeatBuyers ÷ buyers in basis points; null without buyers. */
    repeatPurchaseRateBp: z.number().int().nullable(),
    /** Members with a purchase in the last 90 days (today included). */
    activeMembers: z.number().int(),
    activeShareBp: z.number().int().nullable(),
    /** The healthy line: 30% active. */
    activeShareTargetBp: z.number().int(),
    isActiveShareHealthy: z.boolean(),
  })
  .openapi('ReportMemberBase');
export type ReportMemberBase = z.infer<typeof ReportMemberBase>;

export const ReportKpis = z
  .object({
    from: z.string(),
    to: z.string(),
    storeId: z.string().nullable(),
    granularity: ReportGranularity,
    timeZone: z.string(),
    currency: z.string(),
    totals: ReportFlows,
    /** The same number of days just before `from`. */
    previous: ReportFlows.extend({ from: z.string(), to: z.string() }),
    series: z.array(ReportSeriesPoint),
    memberBase: ReportMemberBase,
  })
  .openapi('ReportKpis');
export type ReportKpis = z.infer<typeof ReportKpis>;

/** `GET /api/v1/reports/cohorts`: acquisition months (first purchase) from `from`'s month to `to`'s. */
export const ReportCohortRow = z
  .object({
    /** YYYY-MM of the members' first purchase. */
    cohort: z.string(),
    members: z.number().int(),
    /** Members of the cohort with a purchase in month k after the first (k = 0, 1, …, up to this month). */
    retained: z.array(z.number().int()),
    netRevenueMinor: z.number().int(),
    rewardCostMinor: z.number().int(),
    /** (net revenue − reward cost) ÷ members, rounded half up. */
    lifetimeValueMinor: z.number().int(),
  })
  .openapi('ReportCohortRow');
export const ReportCohorts = z
  .object({ timeZone: z.string(), currency: z.string(), rows: z.array(ReportCohortRow) })
  .openapi('ReportCohorts');
export type ReportCohorts = z.infer<typeof ReportCohorts>;

export const ReportAgeingBucket = z
  .object({
    /** `0-90`, `91-180`, `181-365`, `366+`: days since the month the points were earned began. */
    bucket: z.enum(['0-90', '91-180', '181-365', '366+']),
    points: z.number().int(),
    valueMinor: z.number().int(),
  })
  .openapi('ReportAgeingBucket');

/** `GET /api/v1/reports/liability`: outstanding points now, reconciled to the ledger. */
export const ReportLiability = z
  .object({
    asOf: z.string(),
    currency: z.string(),
    pointValueMinor: z.number().int(),
    /** Σ of every member's ledger entries (available + pending; debt already netted). */
    outstandingPoints: z.number().int(),
    activePoints: z.number().int(),
    pendingPoints: z.number().int(),
    debtPoints: z.number().int(),
    valueMinor: z.number().int(),
    ageing: z.array(ReportAgeingBucket),
    /** Points expired ÷ (redeemed + expired) so far, in basis points; null without history. */
    breakageRateBp: z.number().int().nullable(),
    expectedBreakagePoints: z.number().int(),
    expectedBreakageMinor: z.number().int(),
  })
  .openapi('ReportLiability');
export type ReportLiability = z.infer<typeof ReportLiability>;

export const ReportRedemptionIssueMonth = z
  .object({
    month: z.string(),
    issued: z.number().int(),
    /** Taken from the month's lots by redemptions and refund reversals. */
    spent: z.number().int(),
    expired: z.number().int(),
    outstanding: z.number().int(),
    spentRateBp: z.number().int().nullable(),
  })
  .openapi('ReportRedemptionIssueMonth');

/** `GET /api/v1/reports/redemption`: per period (redeemed ÷ issued in it) and by month of issue. */
export const ReportRedemption = z
  .object({
    from: z.string(),
    to: z.string(),
    storeId: z.string().nullable(),
    periods: z.array(
      z.object({
        period: z.string(),
        pointsIssued: z.number().int(),
        pointsRedeemed: z.number().int(),
        redemptionRateBp: z.number().int().nullable(),
      }),
    ),
    byIssueMonth: z.array(ReportRedemptionIssueMonth),
  })
  .openapi('ReportRedemption');
export type ReportRedemption = z.infer<typeof ReportRedemption>;
