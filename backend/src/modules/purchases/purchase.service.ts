import { Types, type ClientSession } from 'mongoose';
import type { CreatePurchaseBody, PurchaseListQuery, StampsAddedSummary } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import type { Principal } from '../../platform/principal.js';
import {
  actorOf,
  lotDates,
  toBalance,
  type Balance,
  type LedgerService,
  type MemberUpdate,
  queueMemberUpdate,
} from '../ledger/ledger.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import type { EventService } from '../events/event.service.js';
import { MemberModel, type Member } from '../members/member.model.js';
import { nativeCollection } from '../../platform/mongo.js';
import { paginate, timeRange } from '../../platform/pagination.js';
import { CardCodeUseModel } from '../members/card-code-use.model.js';
import { cardCodeUsed, type MemberService, type VerifiedCardCode } from '../members/member.service.js';
import type { ProgramService, ProgramSettings } from '../program/program.service.js';
import { applyTagEffects, type TagChange } from '../members/member-tags.js';
import { RedemptionModel } from '../redemptions/redemption.model.js';
import type { TierService } from '../tiers/tier.service.js';
import type { StampService } from '../stamps/stamp.service.js';
import type { CouponService } from '../coupons/coupon.service.js';
import { StoreModel } from '../stores/store.model.js';
import { TtlCache } from '../../platform/ttl-cache.js';
import { WriteBatch } from '../../platform/write-batch.js';
import type { BudgetReservation, EarningService } from './earning.service.js';
import { PurchaseModel, type Purchase, type PurchaseTender } from './purchase.model.js';
import { recordedConsumption } from './rule-consumption.js';

/** How far in the future `occurredAt` may be (tills' clocks drift). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** A purchase checked and ready to be recorded (see PurchaseService.prepare). */
export type PreparedPurchase = {
  program: ProgramSettings;
  now: Date;
  occurredAt: Date;
  storeId: string;
  externalId: string | null;
  channel: string | null;
  currency: string;
  totalMinor: number;
  items: Purchase['items'];
  memberId: Types.ObjectId | null;
  redemptionIds: Types.ObjectId[];
  pointsSpent: number;
  cardCode: VerifiedCardCode | null;
  /** Gift certificates that paid part of it (a checkout's tenders). */
  tenders?: PurchaseTender[];
};

export function currencyNotSupported(expected: string, given: string): AppError {
  return new AppError(
    'unprocessable',
    'CURRENCY_NOT_SUPPORTED',
    `This program keeps accounts in ${expected}; the sale is in ${given}`,
    { expected, given },
  );
}

/** What a purchase's gift certificate lines sold (stored value: money, but not a purchase of goods). */
export function giftCertificatesSoldMinor(items: readonly Purchase['items'][number][]): number {
  return items.reduce(
    (sum, i) => sum + (i.kind === 'giftCertificate' ? i.quantity * i.unitPriceMinor : 0),
    0,
  );
}

/**
 * The purchase as the rules read it: its goods. Gift certificates sold earn nothing (selling stored value
 * is not a purchase; the points come when the certificate is spent, a certificate tender counting as money).
 */
function purchaseFacts(id: string, prepared: PreparedPurchase) {
  return {
    id,
    currency: prepared.currency,
    storeId: prepared.storeId,
    ...(prepared.channel ? { channel: prepared.channel } : {}),
    totalMinor: prepared.totalMinor - giftCertificatesSoldMinor(prepared.items),
    items: prepared.items
      .filter((i) => i.kind !== 'giftCertificate')
      .map((i) => ({
        sku: i.sku,
        ...(i.name ? { name: i.name } : {}),
        ...(i.category ? { category: i.category } : {}),
        quantity: i.quantity,
        unitPriceMinor: i.unitPriceMinor,
        discountMinor: i.discountMinor,
        paidWithPointsMinor: i.paidWithPointsMinor,
      })),
  };
}

export type PurchaseResult = {
  /** Present on a dry run: nothing was written, `id` names no purchase. */
  dryRun?: true;
  id: string;
  memberId: string | null;
  pointsEarned: number;
  status: 'active' | 'pending';
  availableAt: string;
  breakdown: Purchase['breakdown'];
  balance: Balance;
  /** Stamp cards the purchase's rules stamped (absent when none). */
  stamps?: StampsAddedSummary[];
};

/** Stores are read once per few seconds per process: every sale names one, and they rarely change. */
const STORE_CACHE_MS = 5_000;

/** Purchases: recorded once (idempotency key, store + external id), earning points through the rules. */
export class PurchaseService {
  private readonly stores = new TtlCache<string, { isActive: boolean } | null>(STORE_CACHE_MS);

  constructor(
    private readonly deps: {
      clock: Clock;
      program: ProgramService;
      members: MemberService;
      ledger: LedgerService;
      earning: EarningService;
      events: EventService;
      stamps: StampService;
      /** Carries out `issueCoupon` effects (bounce-back coupons) in the purchase's transaction. */
      coupons?: CouponService;
      /** Counts the purchase towards the member's tier (and upgrades them) in its transaction. */
      tiers?: TierService;
    },
  ) {}

  async get(id: string): Promise<Purchase> {
    const purchase = Types.ObjectId.isValid(id) ? await PurchaseModel.findById(id).lean() : null;
    if (!purchase) throw new NotFoundError('Purchase', id);
    return purchase;
  }

  /** The reconciliation list, newest first; `storeId` is already limited to the caller's store. */
  async list(query: PurchaseListQuery & { storeId?: string | undefined }) {
    const occurredAt = timeRange(query);
    const filter = {
      ...(query.storeId ? { storeId: new Types.ObjectId(query.storeId) } : {}),
      ...(query.memberId ? { memberId: new Types.ObjectId(query.memberId) } : {}),
      ...(query.externalId ? { externalId: query.externalId } : {}),
      ...(occurredAt ? { occurredAt } : {}),
    };
    return paginate(
      PurchaseModel,
      filter,
      { limit: query.limit, cursor: query.cursor, list: 'purchases' },
      toPurchaseDetail,
    );
  }

  async create(
    input: CreatePurchaseBody,
    ctx: {
      principal: Principal;
      requestKey: string | null;
      /** Stores the answer with the purchase's writes (the caller's idempotency record). */
      recordAnswer?: ((batch: WriteBatch, answer: PurchaseResult) => void) | null;
    },
  ): Promise<PurchaseResult> {
    const prepared = await this.prepare(input, ctx.principal);
    const { cardCode } = prepared;
    const isDryRun = input.dryRun === true;
    // No look-up first: the unique indexes on the request key and the receipt number refuse a duplicate
    // at insert time, and the catch below answers it.
    const reservations: BudgetReservation[] = [];
    try {
      const answer = await runInTransaction(
        async (session) => {
          this.deps.earning.release(reservations.splice(0));
          const batch = new WriteBatch();
          const { purchase, balance, stamps } = await this.recordInSession(session, batch, prepared, {
            principal: ctx.principal,
            requestKey: ctx.requestKey,
            reservations,
          });
          if (cardCode)
            batch.insertOne(CardCodeUseModel, this.deps.members.cardCodeUse(cardCode, 'purchase'));
          const answer = { ...toResult(purchase, balance, isDryRun), ...(stamps.length ? { stamps } : {}) };
          // A dry run stores no answer: its writes are rolled back, and the platform stores the answer.
          if (!isDryRun) ctx.recordAnswer?.(batch, answer);
          await batch.flush(session);
          return answer;
        },
        { isDryRun },
      );
      // A dry run spent no budget: what it reserved goes back.
      if (isDryRun) this.deps.earning.release(reservations.splice(0));
      return answer;
    } catch (error) {
      this.deps.earning.release(reservations.splice(0));
      if ((error as { code?: number }).code === 11000) {
        // A request with the same key or receipt was recorded first: answer as it did, or refuse.
        const existing = await this.findExisting(prepared, ctx.requestKey);
        if (existing) return this.replay(existing);
        if (cardCode && (await this.deps.members.isCardCodeUsed(cardCode, 'purchase'))) {
          throw cardCodeUsed('purchase');
        }
      }
      throw error;
    }
  }

  /**
   * Checks a purchase before its transaction: the currency, every line and the total, the time, the
   * store (and the caller's binding to it), the scanned card code and the redemptions it pays with.
   */
  async prepare(input: CreatePurchaseBody, principal: Principal): Promise<PreparedPurchase> {
    const now = this.deps.clock.now();
    const program = await this.deps.program.get();
    if (input.currency !== program.currency) throw currencyNotSupported(program.currency, input.currency);
    const items = input.items.map((item, index) => {
      const gross = item.quantity * item.unitPriceMinor;
      const discountMinor = item.discountMinor ?? 0;
      const paidWithPointsMinor = item.paidWithPointsMinor ?? 0;
      if (discountMinor + paidWithPointsMinor > gross) {
        throw new AppError(
          'unprocessable',
          'LINE_DEDUCTIONS_EXCEED_LINE',
          `items[${index}]: the discount and the part paid with points (${discountMinor + paidWithPointsMinor}) exceed the line amount (${gross})`,
          { index },
        );
      }
      return {
        sku: item.sku,
        name: item.name ?? null,
        category: item.category ?? null,
        quantity: item.quantity,
        unitPriceMinor: item.unitPriceMinor,
        discountMinor,
        paidWithPointsMinor,
        refundedQuantity: 0,
      };
    });
    const linesTotal = items.reduce(
      (sum, i) => sum + i.quantity * i.unitPriceMinor - i.discountMinor - i.paidWithPointsMinor,
      0,
    );
    if (linesTotal !== input.totalMinor) {
      throw new AppError(
        'unprocessable',
        'TOTAL_MISMATCH',
        `totalMinor is ${input.totalMinor} but the lines add up to ${linesTotal} (quantity × unit price − discounts − paid with points)`,
        { totalMinor: input.totalMinor, linesTotalMinor: linesTotal },
      );
    }
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
    if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw new AppError(
        'unprocessable',
        'OCCURRED_IN_FUTURE',
        `occurredAt ${occurredAt.toISOString()} is in the future (the server time is ${now.toISOString()}); check the till's clock`,
      );
    }
    await this.checkStore(input.storeId, principal);
    // The member document itself is read inside the transaction (blocked or not, stats, debt).
    const cardCode = input.cardCode ? await this.deps.members.verifyCardCode(input.cardCode) : null;
    const memberId = input.memberId ? new Types.ObjectId(input.memberId) : (cardCode?.member._id ?? null);
    const redemptionIds = (input.redemptionIds ?? []).map((id) => new Types.ObjectId(id));
    let pointsSpent = 0;
    if (redemptionIds.length > 0) {
      if (!memberId) {
        throw new AppError(
          'unprocessable',
          'REDEMPTION_NOT_APPLICABLE',
          'Redemptions need the member of the purchase',
        );
      }
      const redemptions = await RedemptionModel.find({ _id: { $in: redemptionIds } }).lean();
      for (const id of redemptionIds) {
        const r = redemptions.find((x) => x._id.equals(id));
        if (!r || !r.memberId.equals(memberId) || r.status !== 'completed' || r.purchaseId) {
          throw new AppError(
            'unprocessable',
            'REDEMPTION_NOT_APPLICABLE',
            `Redemption ${id.toHexString()} is not a completed redemption of this member waiting for its purchase`,
          );
        }
        pointsSpent += r.pointsSpent;
      }
    }
    return {
      program,
      now,
      occurredAt,
      storeId: input.storeId,
      externalId: input.externalId ?? null,
      channel: input.channel ?? null,
      currency: input.currency,
      totalMinor: input.totalMinor,
      items,
      memberId,
      redemptionIds,
      pointsSpent,
      cardCode,
    };
  }

  /** Gives back budget points reserved by a `recordInSession` whose transaction did not commit. */
  releaseBudget(reservations: BudgetReservation[]): void {
    this.deps.earning.release(reservations);
  }

  /** Whether the store may record sales (and the caller is not bound to another one). */
  async assertStore(storeId: string, principal: Principal): Promise<void> {
    await this.checkStore(storeId, principal);
  }

  /**
   * Records a checked purchase in the caller's transaction: the rules earn points on what was paid,
   * the redemptions are linked, the member's stats, limits and tags change with their balance, and
   * the purchase with its events goes on `batch` (flushed by the caller, with its own writes).
   */
  async recordInSession(
    session: ClientSession,
    batch: WriteBatch,
    prepared: PreparedPurchase,
    ctx: { principal: Principal; requestKey: string | null; reservations: BudgetReservation[] },
  ): Promise<{ purchase: Purchase; balance: Balance; stamps: StampsAddedSummary[] }> {
    const { program, now, occurredAt, items, memberId, redemptionIds, pointsSpent } = prepared;
    const id = new Types.ObjectId();
    const dates = lotDates(program, occurredAt);
    let pointsEarned = 0;
    let breakdown: Purchase['breakdown'] = [];
    let ruleConsumption: Purchase['ruleConsumption'] = [];
    let lotId: Types.ObjectId | null = null;
    let status: 'active' | 'pending' = dates.availableAt > now ? 'pending' : 'active';
    let balance: Balance = { available: 0, pending: 0 };
    let tagChange: TagChange | null = null;
    let stamps: StampsAddedSummary[] = [];
    const member = memberId
      ? await nativeCollection<Member>(MemberModel).findOne({ _id: memberId }, { session })
      : null;
    if (memberId && !member) throw new NotFoundError('Member', memberId.toHexString());
    if (member) {
      if (member.isBlocked) {
        throw new ConflictError(
          'MEMBER_BLOCKED',
          `Member ${member._id.toHexString()} is blocked and cannot earn points`,
        );
      }
      const result = await this.deps.earning.earn(
        {
          member,
          occurredAt,
          timeZone: program.timeZone,
          purchase: purchaseFacts(id.toHexString(), prepared),
        },
        ctx.reservations,
      );
      pointsEarned = result.points;
      breakdown = result.breakdown.map((b) => ({ ...b }));
      ruleConsumption = recordedConsumption(result.consumption, occurredAt, program.timeZone);
      stamps = await this.deps.stamps.applyEffectsInSession(session, batch, {
        memberId: member._id,
        purchaseId: id,
        storeId: new Types.ObjectId(prepared.storeId),
        effects: result.effects,
        now,
      });
      await this.deps.coupons?.issueForPurchaseInSession(session, batch, {
        memberId: member._id,
        purchaseId: id,
        storeId: new Types.ObjectId(prepared.storeId),
        effects: result.effects,
        now,
      });
      await this.deps.tiers?.recordPurchaseInSession(session, batch, {
        memberId: member._id,
        purchaseId: id,
        storeId: new Types.ObjectId(prepared.storeId),
        occurredAt,
        points: pointsEarned,
        spendMinor: prepared.totalMinor - giftCertificatesSoldMinor(items),
        timeZone: program.timeZone,
        now,
      });
      for (const redemptionId of redemptionIds) {
        // Guarded, with the purchase's other writes: a redemption cancelled or linked meanwhile fails it.
        batch.updateOne(
          RedemptionModel,
          { _id: redemptionId, status: 'completed', purchaseId: null },
          { $set: { purchaseId: id } },
          () =>
            new ConflictError(
              'REDEMPTION_ALREADY_APPLIED',
              `Redemption ${redemptionId.toHexString()} was cancelled or applied to another purchase meanwhile`,
            ),
        );
      }
      const stats = member.stats;
      const { usageUpdate } = result;
      tagChange = applyTagEffects(member.tags ?? [], result.effects);
      // The member's stats, rule limits and tags, written with its balance in one update.
      const memberUpdate: MemberUpdate = {
        ...usageUpdate,
        ...(tagChange
          ? {
              // The tags are set from those read in this transaction: guarded by them, so that a
              // concurrent change of the tags retries this purchase instead of being overwritten.
              match: { ...usageUpdate.match, tags: member.tags ?? { $exists: false } },
              onMiss: usageUpdate.onMiss ?? (() => new RetryTransaction('member tags changed concurrently')),
            }
          : {}),
        $inc: {
          ...usageUpdate.$inc,
          'stats.purchaseCount': 1,
          // The member's spend is on goods: gift certificates sold are stored value (spent later).
          'stats.totalSpentMinor': prepared.totalMinor - giftCertificatesSoldMinor(items),
        },
        $set: {
          ...usageUpdate.$set,
          'stats.firstPurchaseAt':
            stats.firstPurchaseAt && stats.firstPurchaseAt < occurredAt ? stats.firstPurchaseAt : occurredAt,
          'stats.lastPurchaseAt':
            stats.lastPurchaseAt && stats.lastPurchaseAt > occurredAt ? stats.lastPurchaseAt : occurredAt,
          ...(tagChange ? { tags: tagChange.tags } : {}),
        },
      };
      if (pointsEarned > 0) {
        const credit = await this.deps.ledger.creditInSession(session, {
          memberId: member._id,
          type: 'earn',
          actor: actorOf(ctx.principal),
          points: pointsEarned,
          reason: `Purchase ${prepared.externalId ?? id.toHexString()}`,
          source: { type: 'purchase', id: id.toHexString() },
          rules: breakdown,
          at: occurredAt,
          now,
          availableAt: dates.availableAt,
          expiresAt: dates.expiresAt,
          lotSource: { type: 'purchase', id: id.toHexString() },
          dedupeKey: `earn:${id.toHexString()}`,
          memberPoints: member.points,
          alsoUpdate: memberUpdate,
          batch,
        });
        lotId = credit.lot?._id ?? null;
        status = credit.status;
        balance = credit.balance;
      } else {
        queueMemberUpdate(batch, member._id, now, memberUpdate);
        balance = toBalance(member.points);
      }
    }
    const purchase: Purchase = {
      _id: id,
      memberId: member?._id ?? null,
      storeId: new Types.ObjectId(prepared.storeId),
      externalId: prepared.externalId,
      channel: prepared.channel,
      currency: prepared.currency,
      totalMinor: prepared.totalMinor,
      refundedMinor: 0,
      items,
      occurredAt,
      pointsEarned,
      pointsReversed: 0,
      pointsSpent,
      pointsRestored: 0,
      breakdown,
      ...(ruleConsumption.length > 0 ? { ruleConsumption } : {}),
      lotId,
      pointsStatus: status,
      availableAt: dates.availableAt,
      redemptionIds,
      ...(prepared.tenders?.length ? { tenders: prepared.tenders } : {}),
      isFullyRefunded: false,
      requestKey: ctx.requestKey,
      createdAt: now,
    };
    // The lot, the member, the ledger entry, the purchase and its events: one round trip where the
    // server can.
    batch.insertOne(PurchaseModel, purchase);
    await this.queueEvents(batch, purchase, prepared.currency);
    if (tagChange) {
      await this.deps.events.append(batch, {
        type: 'member.tags_changed',
        occurredAt: purchase.occurredAt,
        memberId: purchase.memberId,
        storeId: purchase.storeId,
        subject: { purchaseId: purchase._id },
        payload: {
          purchaseId: purchase._id.toHexString(),
          added: tagChange.added,
          removed: tagChange.removed,
          tags: tagChange.tags,
          rules: tagChange.rules,
        },
      });
    }
    return { purchase, balance, stamps };
  }

  /** What the published rules would earn on a basket, writing nothing and reserving no budget. */
  async preview(member: Member, prepared: PreparedPurchase) {
    return this.deps.earning.preview({
      member,
      occurredAt: prepared.occurredAt,
      timeZone: prepared.program.timeZone,
      purchase: purchaseFacts(new Types.ObjectId().toHexString(), prepared),
    });
  }

  /** `purchase.recorded`, and `points.earned` when the purchase credited points, on the purchase's batch. */
  private async queueEvents(batch: WriteBatch, purchase: Purchase, currency: string): Promise<void> {
    const common = {
      occurredAt: purchase.occurredAt,
      memberId: purchase.memberId,
      storeId: purchase.storeId,
    };
    await this.deps.events.append(batch, {
      ...common,
      type: 'purchase.recorded',
      subject: { purchaseId: purchase._id },
      payload: {
        purchaseId: purchase._id.toHexString(),
        externalId: purchase.externalId,
        channel: purchase.channel,
        currency,
        totalMinor: purchase.totalMinor,
        itemCount: purchase.items.reduce((sum, i) => sum + i.quantity, 0),
        pointsEarned: purchase.pointsEarned,
        pointsSpent: purchase.pointsSpent,
        redemptionIds: purchase.redemptionIds.map((id) => id.toHexString()),
      },
    });
    if (purchase.pointsEarned <= 0 || !purchase.memberId) return;
    await this.deps.events.append(batch, {
      ...common,
      type: 'points.earned',
      subject: { purchaseId: purchase._id, ...(purchase.lotId ? { lotId: purchase.lotId } : {}) },
      payload: {
        purchaseId: purchase._id.toHexString(),
        lotId: purchase.lotId?.toHexString() ?? null,
        points: purchase.pointsEarned,
        status: purchase.pointsStatus,
        availableAt: purchase.availableAt.toISOString(),
        rules: purchase.breakdown.map((b) => ({
          ruleId: b.ruleId,
          ruleVersion: b.ruleVersion,
          points: b.points,
        })),
      },
    });
  }

  /**
   * A purchase already recorded for this request (its Idempotency-Key, when a crash lost the stored
   * answer: replayed) or for this receipt under another key (a conflict: never earn twice).
   */
  private async findExisting(
    input: Pick<PreparedPurchase, 'storeId' | 'externalId'>,
    requestKey: string | null,
  ): Promise<{ purchase: Purchase; isSameRequest: boolean } | null> {
    if (requestKey) {
      const byKey = await PurchaseModel.findOne({ requestKey }).lean();
      if (byKey) return { purchase: byKey, isSameRequest: true };
    }
    if (input.externalId) {
      const byReceipt = await PurchaseModel.findOne({
        storeId: new Types.ObjectId(input.storeId),
        externalId: input.externalId,
      }).lean();
      if (byReceipt) return { purchase: byReceipt, isSameRequest: false };
    }
    return null;
  }

  private async replay(existing: { purchase: Purchase; isSameRequest: boolean }): Promise<PurchaseResult> {
    const purchase = existing.purchase;
    if (!existing.isSameRequest) {
      throw new ConflictError(
        'PURCHASE_EXISTS',
        `Receipt ${purchase.externalId ?? ''} of this store was already recorded as purchase ${purchase._id.toHexString()}`,
        { purchaseId: purchase._id.toHexString() },
      );
    }
    const balance = purchase.memberId
      ? await this.deps.ledger.balance(purchase.memberId)
      : { available: 0, pending: 0 };
    return toResult(purchase, balance);
  }

  private async checkStore(storeId: string, principal: Principal): Promise<void> {
    const boundStore = principal.kind === 'staff' || principal.kind === 'apiKey' ? principal.storeId : null;
    if (boundStore && boundStore !== storeId) {
      throw new ForbiddenError(
        `You are bound to store ${boundStore} and cannot record sales of store ${storeId}`,
        'STORE_MISMATCH',
      );
    }
    const store = await this.stores.get(storeId, () => StoreModel.findById(storeId, { isActive: 1 }).lean());
    if (!store) throw new NotFoundError('Store', storeId);
    if (!store.isActive) throw new ConflictError('STORE_INACTIVE', `Store ${storeId} is closed (inactive)`);
  }
}

function toResult(purchase: Purchase, balance: Balance, isDryRun = false): PurchaseResult {
  return {
    ...(isDryRun ? { dryRun: true } : {}),
    id: purchase._id.toHexString(),
    memberId: purchase.memberId?.toHexString() ?? null,
    pointsEarned: purchase.pointsEarned,
    status: purchase.pointsStatus,
    availableAt: purchase.availableAt.toISOString(),
    breakdown: purchase.breakdown.map((b) => ({
      ruleId: b.ruleId,
      ruleVersion: b.ruleVersion,
      ruleName: b.ruleName,
      points: b.points,
    })),
    balance,
  };
}

export function toPurchaseDetail(p: Purchase) {
  return {
    id: p._id.toHexString(),
    memberId: p.memberId?.toHexString() ?? null,
    storeId: p.storeId.toHexString(),
    externalId: p.externalId,
    currency: p.currency,
    totalMinor: p.totalMinor,
    refundedMinor: p.refundedMinor,
    items: p.items.map((i) => ({
      sku: i.sku,
      name: i.name,
      category: i.category,
      quantity: i.quantity,
      unitPriceMinor: i.unitPriceMinor,
      discountMinor: i.discountMinor,
      refundedQuantity: i.refundedQuantity,
    })),
    pointsEarned: p.pointsEarned,
    pointsReversed: p.pointsReversed,
    breakdown: p.breakdown.map((b) => ({
      ruleId: b.ruleId,
      ruleVersion: b.ruleVersion,
      ruleName: b.ruleName,
      points: b.points,
    })),
    redemptionIds: p.redemptionIds.map(String),
    isFullyRefunded: p.isFullyRefunded,
    occurredAt: p.occurredAt.toISOString(),
    createdAt: p.createdAt.toISOString(),
  };
}
