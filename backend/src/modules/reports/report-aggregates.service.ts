import { Types, type ClientSession } from 'mongoose';
import type { DomainEvent } from '@regulars/contracts';
import { LedgerEntryModel, type LedgerEntryDoc } from '../ledger/ledger-entry.model.js';
import { LotModel, type Lot } from '../ledger/lot.model.js';
import { runInTransaction } from '../ledger/transaction.js';
import { nativeCollection } from '../../platform/mongo.js';
import { MemberModel } from '../members/member.model.js';
import type { ProgramService } from '../program/program.service.js';
import { PurchaseModel, type Purchase } from '../purchases/purchase.model.js';
import { RedemptionModel } from '../redemptions/redemption.model.js';
import { RefundModel, type Refund } from '../refunds/refund.model.js';
import {
  addDayDelta,
  addMemberShare,
  emptyIncrements,
  entryContribution,
  memberSummary,
  purchaseContribution,
  refundContribution,
  type Increments,
  type MemberRecords,
} from './report-contributions.js';
import {
  REPORT_MODELS,
  ReportAppliedModel,
  ReportCohortModel,
  ReportDayModel,
  ReportMemberModel,
  ReportTotalsModel,
  type ReportAppliedDoc,
  type ReportCohortDoc,
  type ReportDayDoc,
  type ReportMemberDoc,
  type ReportTotalsDoc,
} from './report.model.js';

/** Members brought up to date per transaction. */
const MEMBER_CHUNK = 100;
/** Anonymous purchases added per transaction by the rebuild. */
const RECORD_CHUNK = 500;

/**
 * Keeps the report pre-aggregates. Two kinds of figures:
 * - day flows (sales, refunds, points by what they did), added once per source record: a marker per
 *   purchase, refund and ledger entry says it was added, in the same transaction as the `$inc`;
 * - member figures (repeat buyers, cohorts, points held, lots by month of issue): each member's summary is
 *   recomputed from the member's records, and the shared documents move by the new summary minus the old.
 * Events only say which members and records to look at: a member's records not yet added (whatever
 * event wrote them) are added the next time any event names the member. The rebuild runs the same steps
 * over every member and every anonymous purchase, on empty collections.
 */
export class ReportAggregatesService {
  constructor(
    private readonly deps: {
      program: Pick<ProgramService, 'get'> | { get(): Promise<{ timeZone: string }> };
    },
  ) {}

  /** Brings the aggregates up to date with what a batch of events names. Idempotent. */
  async applyEvents(events: readonly DomainEvent[]): Promise<void> {
    const timeZone = (await this.deps.program.get()).timeZone;
    const memberIds = new Set<string>();
    const purchaseIds = new Set<string>();
    const refundIds = new Set<string>();
    for (const event of events) {
      if (event.memberId) {
        memberIds.add(event.memberId);
        continue;
      }
      // A sale without a member (and its refunds): the flows only.
      if (event.type === 'purchase.recorded' && event.subject.purchaseId)
        purchaseIds.add(event.subject.purchaseId);
      if (event.type === 'refund.recorded' && event.subject.refundId) refundIds.add(event.subject.refundId);
    }
    const ids = [...memberIds].map((id) => new Types.ObjectId(id));
    for (let i = 0; i < ids.length; i += MEMBER_CHUNK)
      await this.applyMembers(ids.slice(i, i + MEMBER_CHUNK), timeZone);
    if (purchaseIds.size || refundIds.size) {
      await runInTransaction(async (session) => {
        const purchases = await PurchaseModel.find({ _id: { $in: [...purchaseIds] } })
          .session(session)
          .lean<Purchase[]>();
        const refunds = await RefundModel.find({ _id: { $in: [...refundIds] } })
          .session(session)
          .lean<Refund[]>();
        const into = emptyIncrements();
        await this.addRecords(session, into, { purchases, refunds, entries: [] }, timeZone);
        await write(session, into);
      });
    }
  }

  /** Recomputes the members' summaries and adds their records not yet added, in one transaction. */
  async applyMembers(memberIds: Types.ObjectId[], timeZone: string): Promise<void> {
    await runInTransaction(async (session) => {
      const [members, purchases, entries, lots, previous] = await Promise.all([
        MemberModel.find({ _id: { $in: memberIds } }, { joinedAt: 1, points: 1 })
          .session(session)
          .lean<MemberRecords['member'][]>(),
        PurchaseModel.find({ memberId: { $in: memberIds } })
          .session(session)
          .lean<Purchase[]>(),
        LedgerEntryModel.find(
          { memberId: { $in: memberIds } },
          { type: 1, points: 1, memberId: 1, source: 1, at: 1 },
        )
          .session(session)
          .lean<LedgerEntryDoc[]>(),
        LotModel.find({ memberId: { $in: memberIds } })
          .session(session)
          .lean<Lot[]>(),
        ReportMemberModel.find({ _id: { $in: memberIds } })
          .session(session)
          .lean<ReportMemberDoc[]>(),
      ]);
      const refunds = purchases.length
        ? await RefundModel.find({ purchaseId: { $in: purchases.map((p) => p._id) } })
            .session(session)
            .lean<Refund[]>()
        : [];
      const into = emptyIncrements();
      await this.addRecords(session, into, { purchases, refunds, entries }, timeZone);

      const byMember = <T extends { memberId: Types.ObjectId | null }>(rows: T[]) => {
        const map = new Map<string, T[]>();
        for (const row of rows) {
          const key = String(row.memberId);
          const list = map.get(key);
          if (list) list.push(row);
          else map.set(key, [row]);
        }
        return map;
      };
      const purchasesOf = byMember(purchases);
      const refundsOf = byMember(refunds);
      const entriesOf = byMember(entries);
      const lotsOf = byMember(lots);
      const old = new Map(previous.map((s) => [String(s._id), s]));
      const summaries: ReportMemberDoc[] = [];
      for (const member of members) {
        const key = String(member._id);
        const summary = memberSummary(
          {
            member,
            purchases: purchasesOf.get(key) ?? [],
            refunds: refundsOf.get(key) ?? [],
            entries: entriesOf.get(key) ?? [],
            lots: lotsOf.get(key) ?? [],
          },
          timeZone,
        );
        addMemberShare(into, old.get(key) ?? null, -1);
        addMemberShare(into, summary, 1);
        summaries.push(summary);
      }
      await write(session, into);
      if (summaries.length) {
        await nativeCollection<ReportMemberDoc>(ReportMemberModel).bulkWrite(
          summaries.map((s) => ({ replaceOne: { filter: { _id: s._id }, replacement: s, upsert: true } })),
          { session, ordered: false },
        );
      }
    });
  }

  /** Adds the flows of the records that have no marker yet, and their markers. */
  private async addRecords(
    session: ClientSession,
    into: Increments,
    records: { purchases: Purchase[]; refunds: Refund[]; entries: LedgerEntryDoc[] },
    timeZone: string,
  ): Promise<void> {
    const keys = [
      ...records.purchases.map((p) => `p:${String(p._id)}`),
      ...records.refunds.map((r) => `r:${String(r._id)}`),
      ...records.entries.map((e) => `e:${String(e._id)}`),
    ];
    if (keys.length === 0) return;
    const applied = new Set(
      (
        await ReportAppliedModel.find({ _id: { $in: keys } }, { _id: 1 })
          .session(session)
          .lean<Array<{ _id: string }>>()
      ).map((d) => d._id),
    );
    const fresh: string[] = [];
    for (const purchase of records.purchases) {
      const key = `p:${String(purchase._id)}`;
      if (applied.has(key)) continue;
      fresh.push(key);
      addDayDelta(into, purchaseContribution(purchase, timeZone));
    }
    for (const refund of records.refunds) {
      const key = `r:${String(refund._id)}`;
      if (applied.has(key)) continue;
      fresh.push(key);
      addDayDelta(into, refundContribution(refund, timeZone));
    }
    const entries = records.entries.filter((e) => !applied.has(`e:${String(e._id)}`));
    const stores = await storesOfEntries(session, entries, records);
    for (const entry of entries) {
      fresh.push(`e:${String(entry._id)}`);
      addDayDelta(into, entryContribution(entry, stores.get(String(entry._id)) ?? null, timeZone));
    }
    if (fresh.length) {
      await nativeCollection<ReportAppliedDoc>(ReportAppliedModel).insertMany(
        fresh.map((_id) => ({ _id })),
        { session, ordered: false },
      );
    }
  }

  /**
   * Empties the aggregates and computes them again from the source collections (purchases, refunds,
   * ledger entries, lots, members). Run it with the event dispatcher stopped (`pnpm reports:rebuild`
   * does, as it opens the data directory itself) or it may count what the dispatcher adds meanwhile.
   */
  async rebuild(
    options: { onProgress?: (done: { members: number; anonymousPurchases: number }) => void } = {},
  ) {
    const timeZone = (await this.deps.program.get()).timeZone;
    for (const model of REPORT_MODELS) await nativeCollection(model).deleteMany({});
    const progress = { members: 0, anonymousPurchases: 0 };
    let after: Types.ObjectId | null = null;
    for (;;) {
      const batch: Array<{ _id: Types.ObjectId }> = await MemberModel.find(
        after ? { _id: { $gt: after } } : {},
        { _id: 1 },
      )
        .sort({ _id: 1 })
        .limit(MEMBER_CHUNK)
        .lean<Array<{ _id: Types.ObjectId }>>();
      if (batch.length === 0) break;
      await this.applyMembers(
        batch.map((m) => m._id),
        timeZone,
      );
      after = batch[batch.length - 1]?._id ?? null;
      progress.members += batch.length;
      options.onProgress?.(progress);
    }
    let afterPurchase: Types.ObjectId | null = null;
    for (;;) {
      const purchases: Purchase[] = await PurchaseModel.find({
        memberId: null,
        ...(afterPurchase ? { _id: { $gt: afterPurchase } } : {}),
      })
        .sort({ _id: 1 })
        .limit(RECORD_CHUNK)
        .lean<Purchase[]>();
      if (purchases.length === 0) break;
      await runInTransaction(async (session) => {
        const refunds = await RefundModel.find({ purchaseId: { $in: purchases.map((p) => p._id) } })
          .session(session)
          .lean<Refund[]>();
        const into = emptyIncrements();
        await this.addRecords(session, into, { purchases, refunds, entries: [] }, timeZone);
        await write(session, into);
      });
      afterPurchase = purchases[purchases.length - 1]?._id ?? null;
      progress.anonymousPurchases += purchases.length;
      options.onProgress?.(progress);
    }
    return progress;
  }
}

/**
 * The store each ledger entry happened at: its purchase's (earn), its refund's (reversal, restore) or
 * its redemption's (redeem, cancel); none for expiries and adjustments.
 */
async function storesOfEntries(
  session: ClientSession,
  entries: LedgerEntryDoc[],
  known: { purchases: Purchase[]; refunds: Refund[] },
): Promise<Map<string, Types.ObjectId | null>> {
  const stores = new Map<string, Types.ObjectId | null>();
  const purchaseStore = new Map(known.purchases.map((p) => [String(p._id), p.storeId]));
  const refundStore = new Map(known.refunds.map((r) => [String(r._id), r.storeId]));
  const redemptionIds = new Set<string>();
  const missingPurchases = new Set<string>();
  const missingRefunds = new Set<string>();
  for (const entry of entries) {
    const id = entry.source.id;
    if (entry.source.type === 'redemption') redemptionIds.add(id);
    else if (entry.source.type === 'purchase' && !purchaseStore.has(id)) missingPurchases.add(id);
    else if (entry.source.type === 'refund' && !refundStore.has(id)) missingRefunds.add(id);
  }
  const valid = (ids: Set<string>) => [...ids].filter((id) => Types.ObjectId.isValid(id));
  const [redemptions, purchases, refunds] = await Promise.all([
    redemptionIds.size
      ? RedemptionModel.find({ _id: { $in: valid(redemptionIds) } }, { storeId: 1 })
          .session(session)
          .lean()
      : [],
    missingPurchases.size
      ? PurchaseModel.find({ _id: { $in: valid(missingPurchases) } }, { storeId: 1 })
          .session(session)
          .lean()
      : [],
    missingRefunds.size
      ? RefundModel.find({ _id: { $in: valid(missingRefunds) } }, { storeId: 1 })
          .session(session)
          .lean()
      : [],
  ]);
  const redemptionStore = new Map(redemptions.map((r) => [String(r._id), r.storeId ?? null]));
  for (const p of purchases) purchaseStore.set(String(p._id), p.storeId);
  for (const r of refunds) refundStore.set(String(r._id), r.storeId);
  for (const entry of entries) {
    const id = entry.source.id;
    const store =
      entry.source.type === 'purchase'
        ? purchaseStore.get(id)
        : entry.source.type === 'refund'
          ? refundStore.get(id)
          : entry.source.type === 'redemption'
            ? redemptionStore.get(id)
            : null;
    stores.set(String(entry._id), store ?? null);
  }
  return stores;
}

/** Sends the increments: one upsert with `$inc` per touched document. */
async function write(session: ClientSession, into: Increments): Promise<void> {
  const days = [...into.days].filter(([, d]) => Object.keys(d.inc).length);
  if (days.length) {
    await nativeCollection<ReportDayDoc>(ReportDayModel).bulkWrite(
      days.map(([_id, d]) => ({
        updateOne: {
          filter: { _id },
          update: { $setOnInsert: { day: d.day, storeId: d.storeId }, $inc: d.inc },
          upsert: true,
        },
      })),
      { session, ordered: false },
    );
  }
  const cohorts = [...into.cohorts].filter(([, c]) => Object.keys(c.inc).length);
  if (cohorts.length) {
    await nativeCollection<ReportCohortDoc>(ReportCohortModel).bulkWrite(
      cohorts.map(([_id, c]) => ({
        updateOne: {
          filter: { _id },
          update: { $setOnInsert: { cohort: c.cohort, month: c.month }, $inc: c.inc },
          upsert: true,
        },
      })),
      { session, ordered: false },
    );
  }
  const totals = [...into.totals].filter(([, t]) => Object.keys(t.inc).length);
  if (totals.length) {
    await nativeCollection<ReportTotalsDoc>(ReportTotalsModel).bulkWrite(
      totals.map(([_id, t]) => ({
        updateOne: {
          filter: { _id },
          update: { ...(t.month ? { $setOnInsert: { month: t.month } } : {}), $inc: t.inc },
          upsert: true,
        },
      })),
      { session, ordered: false },
    );
  }
}
