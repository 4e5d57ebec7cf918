import type { Types } from 'mongoose';
import type { LedgerEntryDoc } from '../ledger/ledger-entry.model.js';
import type { Lot } from '../ledger/lot.model.js';
import type { Purchase, PurchaseItem } from '../purchases/purchase.model.js';
import type { Refund } from '../refunds/refund.model.js';
import type { ReportDayFlows, ReportMemberDoc } from './report.model.js';

/**
 * What each source record adds to the report pre-aggregates. Pure: the subscriber and the rebuild call
 * the same functions, so the two cannot disagree on what a record means.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function dayOf(at: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}

export const monthOf = (day: string): string => day.slice(0, 7);

export type DayFlowDelta = { day: string; storeId: Types.ObjectId | null; flows: Partial<ReportDayFlows> };

const linePaid = (line: PurchaseItem): number =>
  line.quantity * line.unitPriceMinor - line.discountMinor - line.paidWithPointsMinor;

/** Gift certificates sold on a purchase (what their lines were paid): stored value, not revenue. */
export function giftCertificatesSoldMinor(purchase: Pick<Purchase, 'items'>): number {
  return purchase.items.reduce(
    (sum, line) => sum + (line.kind === 'giftCertificate' ? linePaid(line) : 0),
    0,
  );
}

/** The goods a purchase sold: what was paid, less the gift certificates it sold. */
export function goodsMinor(purchase: Pick<Purchase, 'items' | 'totalMinor'>): number {
  return purchase.totalMinor - giftCertificatesSoldMinor(purchase);
}

export function purchaseContribution(purchase: Purchase, timeZone: string): DayFlowDelta {
  const sold = giftCertificatesSoldMinor(purchase);
  return {
    day: dayOf(purchase.occurredAt, timeZone),
    storeId: purchase.storeId,
    flows: {
      salesMinor: purchase.totalMinor - sold,
      giftCertificatesSoldMinor: sold,
      orders: 1,
      memberOrders: purchase.memberId ? 1 : 0,
    },
  };
}

/** The goods a refund gave back (certificates returned with their lines excluded). */
export function refundGoodsMinor(refund: Pick<Refund, 'amountMinor' | 'goodsMinor'>): number {
  return refund.goodsMinor ?? refund.amountMinor;
}

export function refundContribution(refund: Refund, timeZone: string): DayFlowDelta {
  const goods = refundGoodsMinor(refund);
  return {
    day: dayOf(refund.createdAt, timeZone),
    storeId: refund.storeId,
    flows: { refundsMinor: goods, refunds: 1, giftCertificatesSoldMinor: -(refund.amountMinor - goods) },
  };
}

/**
 * A ledger entry's points by what they did: the sum of the five flows (issued − redeemed − expired −
 * reversed + adjusted) is the entry's points, so the flows add up to the ledger.
 */
export function entryFlows(entry: Pick<LedgerEntryDoc, 'type' | 'points'>): Partial<ReportDayFlows> {
  switch (entry.type) {
    case 'earn':
      return { pointsIssued: entry.points };
    case 'redeem':
    case 'cancel':
    case 'refund_restore':
      // Redeemed net of what cancellations and refunds gave back.
      return { pointsRedeemed: -entry.points };
    case 'expire':
      return { pointsExpired: -entry.points };
    case 'refund_reversal':
      return { pointsReversed: -entry.points };
    case 'adjust':
      return { pointsAdjusted: entry.points };
  }
}

export function entryContribution(
  entry: LedgerEntryDoc,
  storeId: Types.ObjectId | null,
  timeZone: string,
): DayFlowDelta {
  return { day: dayOf(entry.at, timeZone), storeId, flows: entryFlows(entry) };
}

/** A member's own records, read together. */
export type MemberRecords = {
  member: {
    _id: Types.ObjectId;
    joinedAt: Date;
    points?: { available?: number; pending?: number; debt?: number };
  };
  purchases: Purchase[];
  refunds: Refund[];
  entries: Array<Pick<LedgerEntryDoc, 'type' | 'points'>>;
  lots: Lot[];
};

export function memberSummary(records: MemberRecords, timeZone: string): ReportMemberDoc {
  const { member } = records;
  const goodsRefunded = new Map<string, number>();
  for (const refund of records.refunds) {
    const key = String(refund.purchaseId);
    goodsRefunded.set(key, (goodsRefunded.get(key) ?? 0) + refundGoodsMinor(refund));
  }
  let netMinor = 0;
  const days: string[] = [];
  for (const purchase of records.purchases) {
    netMinor += goodsMinor(purchase) - (goodsRefunded.get(String(purchase._id)) ?? 0);
    if (!purchase.isFullyRefunded) days.push(dayOf(purchase.occurredAt, timeZone));
  }
  days.sort();
  let rewardPoints = 0;
  for (const entry of records.entries) rewardPoints += entryFlows(entry).pointsRedeemed ?? 0;
  const issue = new Map<string, { issued: number; spent: number; expired: number; outstanding: number }>();
  for (const lot of records.lots) {
    const month = monthOf(dayOf(lot.earnedAt, timeZone));
    const figures = issue.get(month) ?? { issued: 0, spent: 0, expired: 0, outstanding: 0 };
    const outstanding = lot.status === 'expired' ? 0 : lot.remaining;
    figures.issued += lot.points;
    figures.outstanding += outstanding;
    figures.expired += lot.expiredPoints ?? 0;
    figures.spent += lot.points - outstanding - (lot.expiredPoints ?? 0);
    issue.set(month, figures);
  }
  return {
    _id: member._id,
    joinedDay: dayOf(member.joinedAt, timeZone),
    purchases: days.length,
    firstPurchaseDay: days[0] ?? null,
    lastPurchaseDay: days[days.length - 1] ?? null,
    months: [...new Set(days.map(monthOf))],
    netMinor,
    rewardPoints,
    available: member.points?.available ?? 0,
    pending: member.points?.pending ?? 0,
    debt: member.points?.debt ?? 0,
    issueMonths: [...issue.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, f]) => ({ month, ...f })),
  };
}

/** `$inc`s keyed by document id, per collection: what a member summary adds to the shared aggregates. */
export type Increments = {
  days: Map<string, { day: string; storeId: Types.ObjectId | null; inc: Record<string, number> }>;
  cohorts: Map<string, { cohort: string; month: string; inc: Record<string, number> }>;
  totals: Map<string, { month?: string; inc: Record<string, number> }>;
};

export const emptyIncrements = (): Increments => ({ days: new Map(), cohorts: new Map(), totals: new Map() });

function add<T extends { inc: Record<string, number> }>(
  map: Map<string, T>,
  id: string,
  base: Omit<T, 'inc'>,
  inc: Record<string, number>,
  sign: 1 | -1,
): void {
  let entry = map.get(id);
  if (!entry) {
    entry = { ...base, inc: {} } as T;
    map.set(id, entry);
  }
  for (const [field, value] of Object.entries(inc)) {
    if (value !== 0) entry.inc[field] = (entry.inc[field] ?? 0) + sign * value;
  }
}

/** Adds (sign 1) or takes away (sign −1) a member summary's share of the program totals and cohorts. */
export function addMemberShare(into: Increments, summary: ReportMemberDoc | null, sign: 1 | -1): void {
  if (!summary) return;
  add(
    into.days,
    `${summary.joinedDay}|-`,
    { day: summary.joinedDay, storeId: null },
    { newMembers: 1 },
    sign,
  );
  add(
    into.totals,
    'program',
    {},
    {
      members: 1,
      buyers: summary.purchases >= 1 ? 1 : 0,
      repeatBuyers: summary.purchases >= 2 ? 1 : 0,
      available: summary.available,
      pending: summary.pending,
      debt: summary.debt,
    },
    sign,
  );
  for (const m of summary.issueMonths) {
    const { month, ...figures } = m;
    add(into.totals, `issue|${month}`, { month }, figures, sign);
  }
  if (summary.firstPurchaseDay) {
    const cohort = monthOf(summary.firstPurchaseDay);
    add(
      into.cohorts,
      `${cohort}|size`,
      { cohort, month: 'size' },
      { members: 1, netMinor: summary.netMinor, rewardPoints: summary.rewardPoints },
      sign,
    );
    for (const month of summary.months)
      add(into.cohorts, `${cohort}|${month}`, { cohort, month }, { members: 1 }, sign);
  }
}

export function addDayDelta(into: Increments, delta: DayFlowDelta): void {
  const id = `${delta.day}|${delta.storeId ? delta.storeId.toHexString() : '-'}`;
  let entry = into.days.get(id);
  if (!entry) {
    entry = { day: delta.day, storeId: delta.storeId, inc: {} };
    into.days.set(id, entry);
  }
  for (const [field, value] of Object.entries(delta.flows)) {
    if (value) entry.inc[field] = (entry.inc[field] ?? 0) + value;
  }
}
