import { Types } from 'mongoose';
import {
  REPORT_RANGE_MAX_DAYS,
  type ReportCohorts,
  type ReportFlows,
  type ReportGranularity,
  type ReportKpiQuery,
  type ReportKpis,
  type ReportLiability,
  type ReportRangeQuery,
  type ReportRedemption,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { ProgramService } from '../program/program.service.js';
import { dayOf, monthOf } from './report-contributions.js';
import {
  DAY_FLOW_FIELDS,
  ReportCohortModel,
  ReportDayModel,
  ReportMemberModel,
  ReportTotalsModel,
  type ReportCohortDoc,
  type ReportDayDoc,
  type ReportDayFlows,
  type ReportTotalsDoc,
} from './report.model.js';

const DAY_MS = 86_400_000;
/** Members with a purchase in the last 90 days (today included) are active; 30% active is healthy. */
export const ACTIVE_DAYS = 90;
export const ACTIVE_SHARE_TARGET_BP = 3000;

const toUtc = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const fromUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, days: number): string => fromUtc(toUtc(day) + days * DAY_MS);
const daysBetween = (from: string, to: string): number => Math.round((toUtc(to) - toUtc(from)) / DAY_MS);

/** a ÷ b rounded half up (away from zero for negatives), for integers; null when b is 0. */
export function divideRounded(a: number, b: number): number | null {
  if (b === 0) return null;
  const sign = Math.sign(a) * Math.sign(b);
  const q = Math.floor((2 * Math.abs(a) + Math.abs(b)) / (2 * Math.abs(b)));
  return sign * q;
}
const basisPoints = (a: number, b: number): number | null => divideRounded(a * 10_000, b);

/** The first day of the period a day falls in. */
export function periodOf(day: string, granularity: ReportGranularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = new Date(toUtc(day)).getUTCDay() || 7;
  return addDays(day, 1 - weekday);
}

function nextPeriod(period: string, granularity: ReportGranularity): string {
  if (granularity === 'day') return addDays(period, 1);
  if (granularity === 'week') return addDays(period, 7);
  const [y, m] = period.split('-').map(Number) as [number, number];
  return fromUtc(Date.UTC(y, m, 1));
}

const emptyFlows = (): ReportDayFlows =>
  Object.fromEntries(DAY_FLOW_FIELDS.map((f) => [f, 0])) as ReportDayFlows;

function addFlows(into: ReportDayFlows, doc: Partial<ReportDayFlows>, fields = DAY_FLOW_FIELDS): void {
  for (const field of fields) into[field] += doc[field] ?? 0;
}

function toFlows(f: ReportDayFlows): ReportFlows {
  const netRevenueMinor = f.salesMinor - f.refundsMinor;
  return {
    salesMinor: f.salesMinor,
    refundsMinor: f.refundsMinor,
    netRevenueMinor,
    orders: f.orders,
    memberOrders: f.memberOrders,
    refunds: f.refunds,
    averageOrderMinor: divideRounded(f.salesMinor, f.orders),
    giftCertificatesSoldMinor: f.giftCertificatesSoldMinor,
    newMembers: f.newMembers,
    pointsIssued: f.pointsIssued,
    pointsRedeemed: f.pointsRedeemed,
    pointsExpired: f.pointsExpired,
    pointsReversed: f.pointsReversed,
    pointsAdjusted: f.pointsAdjusted,
    redemptionRateBp: basisPoints(f.pointsRedeemed, f.pointsIssued),
  };
}

const AGEING = [
  { bucket: '0-90', upTo: 90 },
  { bucket: '91-180', upTo: 180 },
  { bucket: '181-365', upTo: 365 },
  { bucket: '366+', upTo: Infinity },
] as const;

/**
 * Reads the reports from the pre-aggregates (never from the ledger): a range of days is at most
 * 1,830 documents per store, the member base two counts.
 */
export class ReportService {
  constructor(private readonly deps: { clock: Clock; program: ProgramService }) {}

  /** Refuses a range that ends before it starts or spans more than 5 years. */
  checkRange(query: { from: string; to: string }): void {
    if (query.to < query.from)
      throw new AppError(
        'bad_request',
        'REPORT_RANGE_INVALID',
        `The range ends (${query.to}) before it starts (${query.from})`,
      );
    const days = daysBetween(query.from, query.to) + 1;
    if (days > REPORT_RANGE_MAX_DAYS)
      throw new AppError(
        'bad_request',
        'REPORT_RANGE_TOO_LONG',
        `The range spans ${days} days; at most ${REPORT_RANGE_MAX_DAYS} (5 years)`,
        { limit: REPORT_RANGE_MAX_DAYS },
      );
  }

  private async dayDocs(from: string, to: string, storeId: string | null): Promise<ReportDayDoc[]> {
    return ReportDayModel.find({
      day: { $gte: from, $lte: to },
      ...(storeId ? { storeId: { $in: [new Types.ObjectId(storeId), null] } } : {}),
    }).lean<ReportDayDoc[]>();
  }

  /** A store's view counts its own flows; new members (program-wide) are counted in every view. */
  private addDoc(into: ReportDayFlows, doc: ReportDayDoc, storeId: string | null): void {
    if (!storeId || (doc.storeId && String(doc.storeId) === storeId)) addFlows(into, doc);
    else into.newMembers += doc.newMembers ?? 0;
  }

  async kpis(query: Omit<ReportKpiQuery, 'storeId'> & { storeId: string | null }): Promise<ReportKpis> {
    this.checkRange(query);
    const program = await this.deps.program.get();
    const length = daysBetween(query.from, query.to) + 1;
    const previousFrom = addDays(query.from, -length);
    const previousTo = addDays(query.from, -1);
    const docs = await this.dayDocs(previousFrom, query.to, query.storeId);
    const totals = emptyFlows();
    const previous = emptyFlows();
    const series = new Map<string, ReportDayFlows>();
    for (let p = periodOf(query.from, query.granularity); p <= query.to; p = nextPeriod(p, query.granularity))
      series.set(p, emptyFlows());
    for (const doc of docs) {
      if (doc.day < query.from) {
        this.addDoc(previous, doc, query.storeId);
        continue;
      }
      this.addDoc(totals, doc, query.storeId);
      const bucket = series.get(periodOf(doc.day, query.granularity));
      if (bucket) this.addDoc(bucket, doc, query.storeId);
    }
    return {
      from: query.from,
      to: query.to,
      storeId: query.storeId,
      granularity: query.granularity,
      timeZone: program.timeZone,
      currency: program.currency,
      totals: toFlows(totals),
      previous: { ...toFlows(previous), from: previousFrom, to: previousTo },
      series: [...series].map(([period, flows]) => ({ period, ...toFlows(flows) })),
      memberBase: await this.memberBase(program.timeZone),
    };
  }

  private async memberBase(timeZone: string): Promise<ReportKpis['memberBase']> {
    const today = dayOf(this.deps.clock.now(), timeZone);
    const [totals, activeMembers] = await Promise.all([
      ReportTotalsModel.findById('program').lean<ReportTotalsDoc>(),
      ReportMemberModel.countDocuments({ lastPurchaseDay: { $gte: addDays(today, 1 - ACTIVE_DAYS) } }),
    ]);
    const members = totals?.members ?? 0;
    const buyers = totals?.buyers ?? 0;
    const repeatBuyers = totals?.repeatBuyers ?? 0;
    const activeShareBp = basisPoints(activeMembers, members);
    return {
      members,
      buyers,
      repeatBuyers,
      repeatPurchaseRateBp: basisPoints(repeatBuyers, buyers),
      activeMembers,
      activeShareBp,
      activeShareTargetBp: ACTIVE_SHARE_TARGET_BP,
      isActiveShareHealthy: activeShareBp !== null && activeShareBp >= ACTIVE_SHARE_TARGET_BP,
    };
  }

  /** Acquisition cohorts (month of the first purchase) from `from`'s month to `to`'s. */
  async cohorts(query: Pick<ReportRangeQuery, 'from' | 'to'>): Promise<ReportCohorts> {
    this.checkRange(query);
    const program = await this.deps.program.get();
    const currentMonth = monthOf(dayOf(this.deps.clock.now(), program.timeZone));
    const docs = await ReportCohortModel.find({
      cohort: { $gte: monthOf(query.from), $lte: monthOf(query.to) },
    }).lean<ReportCohortDoc[]>();
    const byCohort = new Map<string, ReportCohortDoc[]>();
    for (const doc of docs) {
      if (!byCohort.has(doc.cohort)) byCohort.set(doc.cohort, []);
      byCohort.get(doc.cohort)?.push(doc);
    }
    const rows: ReportCohorts['rows'] = [];
    for (const [cohort, cells] of [...byCohort].sort(([a], [b]) => a.localeCompare(b))) {
      const size = cells.find((c) => c.month === 'size');
      const members = size?.members ?? 0;
      if (members === 0) continue;
      const span = monthsBetween(cohort, currentMonth);
      const retained = Array.from({ length: Math.max(span + 1, 1) }, () => 0);
      for (const cell of cells) {
        if (cell.month === 'size') continue;
        const k = monthsBetween(cohort, cell.month);
        if (k >= 0 && k < retained.length) retained[k] = cell.members;
      }
      const netRevenueMinor = size?.netMinor ?? 0;
      const rewardCostMinor = (size?.rewardPoints ?? 0) * program.pointValueMinor;
      rows.push({
        cohort,
        members,
        retained,
        netRevenueMinor,
        rewardCostMinor,
        lifetimeValueMinor: divideRounded(netRevenueMinor - rewardCostMinor, members) ?? 0,
      });
    }
    return { timeZone: program.timeZone, currency: program.currency, rows };
  }

  /** The points outstanding now, with their ageing by month of issue and the expected breakage. */
  async liability(): Promise<ReportLiability> {
    const program = await this.deps.program.get();
    const today = dayOf(this.deps.clock.now(), program.timeZone);
    const docs = await ReportTotalsModel.find({}).lean<ReportTotalsDoc[]>();
    const totals = docs.find((d) => d._id === 'program');
    const months = docs.filter((d) => d.month);
    const available = totals?.available ?? 0;
    const pending = totals?.pending ?? 0;
    const outstanding = available + pending;
    const ageing = AGEING.map(({ bucket }) => ({ bucket, points: 0, valueMinor: 0 }));
    let spent = 0;
    let expired = 0;
    for (const m of months) {
      spent += m.spent ?? 0;
      expired += m.expired ?? 0;
      const age = daysBetween(`${m.month}-01`, today);
      const index = AGEING.findIndex((a) => age <= a.upTo);
      const bucket = ageing[index];
      if (bucket) bucket.points += m.outstanding ?? 0;
    }
    for (const bucket of ageing) bucket.valueMinor = bucket.points * program.pointValueMinor;
    const breakageRateBp = basisPoints(expired, spent + expired);
    const expectedBreakagePoints = divideRounded(outstanding * (breakageRateBp ?? 0), 10_000) ?? 0;
    return {
      asOf: this.deps.clock.now().toISOString(),
      currency: program.currency,
      pointValueMinor: program.pointValueMinor,
      outstandingPoints: outstanding,
      activePoints: available,
      pendingPoints: pending,
      debtPoints: totals?.debt ?? 0,
      valueMinor: outstanding * program.pointValueMinor,
      ageing,
      breakageRateBp,
      expectedBreakagePoints,
      expectedBreakageMinor: expectedBreakagePoints * program.pointValueMinor,
    };
  }

  /** Redeemed ÷ issued per period of the range, and by month of issue (the lots earned in the range's months). */
  async redemption(
    query: Omit<ReportKpiQuery, 'storeId'> & { storeId: string | null },
  ): Promise<ReportRedemption> {
    this.checkRange(query);
    const docs = await this.dayDocs(query.from, query.to, query.storeId);
    const periods = new Map<string, ReportDayFlows>();
    for (let p = periodOf(query.from, query.granularity); p <= query.to; p = nextPeriod(p, query.granularity))
      periods.set(p, emptyFlows());
    for (const doc of docs) {
      const bucket = periods.get(periodOf(doc.day, query.granularity));
      if (bucket) this.addDoc(bucket, doc, query.storeId);
    }
    const months = await ReportTotalsModel.find({
      month: { $gte: monthOf(query.from), $lte: monthOf(query.to) },
    })
      .sort({ month: 1 })
      .lean<ReportTotalsDoc[]>();
    return {
      from: query.from,
      to: query.to,
      storeId: query.storeId,
      periods: [...periods].map(([period, f]) => ({
        period,
        pointsIssued: f.pointsIssued,
        pointsRedeemed: f.pointsRedeemed,
        redemptionRateBp: basisPoints(f.pointsRedeemed, f.pointsIssued),
      })),
      byIssueMonth: months
        .filter((m) => (m.issued ?? 0) !== 0 || (m.outstanding ?? 0) !== 0)
        .map((m) => ({
          month: m.month ?? '',
          issued: m.issued ?? 0,
          spent: m.spent ?? 0,
          expired: m.expired ?? 0,
          outstanding: m.outstanding ?? 0,
          spentRateBp: basisPoints(m.spent ?? 0, m.issued ?? 0),
        })),
    };
  }
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}
