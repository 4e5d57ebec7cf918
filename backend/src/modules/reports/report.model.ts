import mongoose, { Schema, type Types } from 'mongoose';

/**
 * The report pre-aggregates. Every figure a report shows is a sum of these documents, which are kept up
 * to date by the reports subscriber (from the domain events) and can be rebuilt from the source
 * collections (`pnpm reports:rebuild`). Both paths add the same contribution of each source record.
 */

/** The flows of one program day (program time zone) at one store (`storeId` null: no store, as expiries). */
export type ReportDayFlows = {
  salesMinor: number;
  orders: number;
  memberOrders: number;
  giftCertificatesSoldMinor: number;
  refundsMinor: number;
  refunds: number;
  newMembers: number;
  pointsIssued: number;
  pointsRedeemed: number;
  pointsExpired: number;
  pointsReversed: number;
  pointsAdjusted: number;
};
export const DAY_FLOW_FIELDS = [
  'salesMinor',
  'orders',
  'memberOrders',
  'giftCertificatesSoldMinor',
  'refundsMinor',
  'refunds',
  'newMembers',
  'pointsIssued',
  'pointsRedeemed',
  'pointsExpired',
  'pointsReversed',
  'pointsAdjusted',
] as const satisfies ReadonlyArray<keyof ReportDayFlows>;

export type ReportDayDoc = ReportDayFlows & {
  /** `<day>|<storeId or ->`. */
  _id: string;
  day: string;
  storeId: Types.ObjectId | null;
};

const flowFields = Object.fromEntries(DAY_FLOW_FIELDS.map((f) => [f, { type: Number, default: 0 }]));
const daySchema = new Schema<ReportDayDoc>(
  {
    _id: String,
    day: { type: String, required: true },
    storeId: { type: Schema.Types.ObjectId, default: null },
    ...flowFields,
  },
  { collection: 'report_days', versionKey: false },
);
daySchema.index({ day: 1, storeId: 1 });
daySchema.index({ storeId: 1, day: 1 });
export const ReportDayModel = mongoose.model<ReportDayDoc>('ReportDay', daySchema);

/** Points of lots earned in one month (program time zone): what was issued and what became of it. */
export type IssueMonthFigures = { issued: number; spent: number; expired: number; outstanding: number };

/**
 * One member's summary, recomputed from the member's own records whenever an event names the member;
 * the program totals and cohort cells move by the difference between the old and the new summary.
 */
export type ReportMemberDoc = {
  _id: Types.ObjectId;
  joinedDay: string;
  /** Purchases not fully refunded. */
  purchases: number;
  firstPurchaseDay: string | null;
  lastPurchaseDay: string | null;
  /** YYYY-MM of every month with a purchase not fully refunded. */
  months: string[];
  /** Goods sold minus goods refunded over the member's purchases (gift certificates excluded). */
  netMinor: number;
  /** Points spent on rewards net of cancellations and refund restores. */
  rewardPoints: number;
  available: number;
  pending: number;
  debt: number;
  issueMonths: Array<IssueMonthFigures & { month: string }>;
};

const memberSchema = new Schema<ReportMemberDoc>(
  {
    joinedDay: String,
    purchases: Number,
    firstPurchaseDay: { type: String, default: null },
    lastPurchaseDay: { type: String, default: null },
    months: [String],
    netMinor: Number,
    rewardPoints: Number,
    available: Number,
    pending: Number,
    debt: Number,
    issueMonths: [
      { _id: false, month: String, issued: Number, spent: Number, expired: Number, outstanding: Number },
    ],
  },
  { collection: 'report_members', versionKey: false },
);
// Active members: a range count on the last purchase day.
memberSchema.index({ lastPurchaseDay: 1 });
export const ReportMemberModel = mongoose.model<ReportMemberDoc>('ReportMember', memberSchema);

/**
 * A cohort cell: `<cohort>|<month>` counts the cohort's members with a purchase in that month;
 * `<cohort>|size` holds the cohort's size, net revenue and reward points (for its lifetime value).
 */
export type ReportCohortDoc = {
  _id: string;
  cohort: string;
  /** YYYY-MM, or `size`. */
  month: string;
  members: number;
  netMinor: number;
  rewardPoints: number;
};
const cohortSchema = new Schema<ReportCohortDoc>(
  { _id: String, cohort: String, month: String, members: Number, netMinor: Number, rewardPoints: Number },
  { collection: 'report_cohorts', versionKey: false },
);
cohortSchema.index({ cohort: 1, month: 1 });
export const ReportCohortModel = mongoose.model<ReportCohortDoc>('ReportCohort', cohortSchema);

/**
 * Program totals (`_id` `program`) and one document per issue month (`_id` `issue|<YYYY-MM>`): members,
 * buyers, points held; the issue months' figures for ageing and redemption by month of issue.
 */
export type ReportTotalsDoc = {
  _id: string;
  month?: string;
  members?: number;
  buyers?: number;
  repeatBuyers?: number;
  available?: number;
  pending?: number;
  debt?: number;
  issued?: number;
  spent?: number;
  expired?: number;
  outstanding?: number;
};
const totalsSchema = new Schema<ReportTotalsDoc>(
  {
    _id: String,
    month: String,
    members: Number,
    buyers: Number,
    repeatBuyers: Number,
    available: Number,
    pending: Number,
    debt: Number,
    issued: Number,
    spent: Number,
    expired: Number,
    outstanding: Number,
  },
  { collection: 'report_totals', versionKey: false },
);
export const ReportTotalsModel = mongoose.model<ReportTotalsDoc>('ReportTotals', totalsSchema);

/**
 * Source records already added to the day flows (`p:<purchaseId>`, `r:<refundId>`, `e:<ledgerEntryId>`):
 * an event delivered twice adds its records once.
 */
export type ReportAppliedDoc = { _id: string };
const appliedSchema = new Schema<ReportAppliedDoc>(
  { _id: String },
  { collection: 'report_applied', versionKey: false },
);
export const ReportAppliedModel = mongoose.model<ReportAppliedDoc>('ReportApplied', appliedSchema);

export const REPORT_MODELS = [
  ReportDayModel,
  ReportMemberModel,
  ReportCohortModel,
  ReportTotalsModel,
  ReportAppliedModel,
];
