import { Types, type ClientSession } from 'mongoose';
import type { CreateRefundBody, RefundListQuery, StampsRemovedSummary } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { paginate, timeRange } from '../../platform/pagination.js';
import { storeScopeOf, type Principal } from '../../platform/principal.js';
import { actorOf, type Balance, type LedgerService } from '../ledger/ledger.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import type { EventService } from '../events/event.service.js';
import { MemberModel } from '../members/member.model.js';
import type { ProgramService } from '../program/program.service.js';
import { PurchaseModel, type Purchase } from '../purchases/purchase.model.js';
import { giveBackConsumptionInSession, type RuleConsumptionReturned } from '../purchases/rule-consumption.js';
import type { RedemptionService } from '../redemptions/redemption.service.js';
import type { TierService } from '../tiers/tier.service.js';
import type { StampService } from '../stamps/stamp.service.js';
import type {
  GiftCertificateRefundCredit,
  GiftCertificateService,
  GiftCertificateVoided,
} from '../gift-certificates/gift-certificate.service.js';
import { giftCertificatesSoldMinor } from '../purchases/purchase.service.js';
import type { CouponService } from '../coupons/coupon.service.js';
import { RefundModel, type Refund } from './refund.model.js';

export type RefundResult = {
  id: string;
  purchaseId: string;
  amountMinor: number;
  pointsReversed: number;
  pointsRestored: number;
  pointsWrittenOff: number;
  balance: Balance;
  stamps?: StampsRemovedSummary[];
  giftCertificates?: GiftCertificateRefundCredit[];
  giftCertificatesVoided?: GiftCertificateVoided[];
  purchase: { totalMinor: number; refundedMinor: number; isFullyRefunded: boolean };
};

/** `floor(total × part / whole)` without floating point surprises. */
const share = (total: number, part: number, whole: number) =>
  whole === 0 ? 0 : Math.floor((total * part) / whole);

/**
 * Refunds. Points follow the money in proportion, computed on the cumulative refunded amount so that
 * several partial refunds add up exactly to the full reversal: after refunds totalling R of a total T,
 * floor(earned × R / T) points have been taken back and floor(spent × R / T) given back.
 *
 * Gift certificates sold by the purchase (its `giftCertificate` lines) are stored value, not goods: the
 * proportions above count the goods only (R and T without them), and refunding such a line takes back
 * that many unspent certificates (voided; a spent one refuses the refund, see voidForRefundInSession).
 */
export class RefundService {
  constructor(
    private readonly deps: {
      clock: Clock;
      program: ProgramService;
      ledger: LedgerService;
      redemptions: RedemptionService;
      events: EventService;
      stamps: StampService;
      giftCertificates: GiftCertificateService;
      /** Voids the bounce-back coupons of a refunded sale and gives back the coupon uses it took. */
      coupons?: CouponService;
      /** Takes the refund's share off the member's tier activity and reverses an upgrade it un-qualifies. */
      tiers?: TierService;
    },
  ) {}

  async get(id: string): Promise<Refund> {
    const refund = Types.ObjectId.isValid(id) ? await RefundModel.findById(id).lean() : null;
    if (!refund) throw new NotFoundError('Refund', id);
    return refund;
  }

  /** The reconciliation list, newest first; `storeId` is already limited to the caller's store. */
  async list(query: RefundListQuery & { storeId?: string | undefined }) {
    const createdAt = timeRange(query);
    const filter = {
      ...(query.storeId ? { storeId: new Types.ObjectId(query.storeId) } : {}),
      ...(query.memberId ? { memberId: new Types.ObjectId(query.memberId) } : {}),
      ...(query.purchaseId ? { purchaseId: new Types.ObjectId(query.purchaseId) } : {}),
      ...(query.externalId ? { externalId: query.externalId } : {}),
      ...(createdAt ? { createdAt } : {}),
    };
    return paginate(
      RefundModel,
      filter,
      { limit: query.limit, cursor: query.cursor, list: 'refunds' },
      toRefundDetail,
    );
  }

  async create(
    purchaseId: string,
    input: CreateRefundBody,
    ctx: { principal: Principal; requestKey: string | null },
  ): Promise<RefundResult> {
    const found = Types.ObjectId.isValid(purchaseId) ? await PurchaseModel.findById(purchaseId).lean() : null;
    if (!found) throw new NotFoundError('Purchase', purchaseId);
    // A caller bound to a store refunds that store's sales only, as it records only them.
    storeScopeOf(ctx.principal, found.storeId.toHexString());
    if (ctx.requestKey) {
      const existing = await RefundModel.findOne({ requestKey: ctx.requestKey }).lean();
      if (existing) return this.toResult(existing, found);
    }
    const program = await this.deps.program.get();
    const now = this.deps.clock.now();
    try {
      return await runInTransaction(async (session) => {
        const purchase = await PurchaseModel.findById(purchaseId).session(session).lean();
        if (!purchase) throw new NotFoundError('Purchase', purchaseId);
        if (purchase.isFullyRefunded) {
          throw new ConflictError(
            'PURCHASE_ALREADY_REFUNDED',
            `Purchase ${purchaseId} was already refunded in full`,
          );
        }
        const { amountMinor, items } = amountOf(purchase, input);
        const refundedMinor = purchase.refundedMinor + amountMinor;
        if (refundedMinor > purchase.totalMinor) {
          throw new AppError(
            'unprocessable',
            'REFUND_EXCEEDS_PURCHASE',
            `Refunding ${amountMinor} would bring the refunds to ${refundedMinor} of a purchase of ${purchase.totalMinor}; at most ${purchase.totalMinor - purchase.refundedMinor} can still be refunded`,
            {
              totalMinor: purchase.totalMinor,
              refundedMinor: purchase.refundedMinor,
              refundableMinor: purchase.totalMinor - purchase.refundedMinor,
            },
          );
        }
        const isFullyRefunded = refundedMinor === purchase.totalMinor;
        const goods = goodsShare(purchase, { items, refundedMinor, isFullyRefunded, input });
        const reversedTotal = goods.isFullyRefunded
          ? purchase.pointsEarned
          : share(purchase.pointsEarned, goods.refundedMinor, goods.totalMinor);
        const restoredTotal = goods.isFullyRefunded
          ? purchase.pointsSpent
          : share(purchase.pointsSpent, goods.refundedMinor, goods.totalMinor);
        const toReverse = reversedTotal - purchase.pointsReversed;
        const toRestore = restoredTotal - purchase.pointsRestored;
        const id = new Types.ObjectId();
        const updated = await PurchaseModel.updateOne(
          { _id: purchase._id, refundedMinor: purchase.refundedMinor },
          {
            $set: {
              refundedMinor,
              isFullyRefunded,
              pointsReversed: reversedTotal,
              pointsRestored: restoredTotal,
              items,
            },
          },
          { session },
        );
        if (updated.matchedCount !== 1) throw new RetryTransaction('purchase refunded concurrently');

        let writtenOff = 0;
        let restored = 0;
        let ruleUsageReturned: RuleConsumptionReturned[] = [];
        let stamps: StampsRemovedSummary[] = [];
        if (purchase.memberId) {
          // Lots past their expiry are expired first: a clawback never takes points that are already gone.
          await this.deps.ledger.settleInSession(session, purchase.memberId, now);
          if (toReverse > 0) {
            const clawback = await this.deps.ledger.clawBackInSession(session, {
              memberId: purchase.memberId,
              type: 'refund_reversal',
              points: toReverse,
              preferredLotId: purchase.lotId,
              policy: program.negativeBalancePolicy,
              reason: `Refund of ${amountMinor} on purchase ${purchase.externalId ?? purchaseId}`,
              source: { type: 'refund', id: id.toHexString() },
              actor: actorOf(ctx.principal),
              at: now,
              dedupeKey: `refund_reversal:${id.toHexString()}`,
            });
            writtenOff = clawback.writtenOff;
          }
          if (toRestore > 0) {
            restored = (
              await this.deps.redemptions.restoreForRefundInSession(session, {
                redemptionIds: purchase.redemptionIds,
                points: toRestore,
                refundId: id.toHexString(),
                memberId: purchase.memberId,
                actor: actorOf(ctx.principal),
                now,
              })
            ).restored;
          }
          stamps = await this.deps.stamps.removeForRefundInSession(session, {
            purchaseId: purchase._id,
            refundId: id,
            storeId: purchase.storeId,
            refundedMinor: goods.refundedMinor,
            totalMinor: goods.totalMinor,
            isFullyRefunded: goods.isFullyRefunded,
            now,
          });
          await this.deps.tiers?.recordRefundInSession(session, {
            memberId: purchase.memberId,
            purchaseId: purchase._id,
            refundId: id,
            storeId: purchase.storeId,
            purchaseOccurredAt: purchase.occurredAt,
            points: toReverse,
            spendMinor: goods.refundedMinor - goods.refundedMinorBefore,
            timeZone: program.timeZone,
            now,
          });
          await this.correctStats(
            session,
            purchase,
            goods.refundedMinor - goods.refundedMinorBefore,
            goods.becameFullyRefunded,
          );
          // A refunded sale no longer counts against "max 1 a day" nor against the campaign budget.
          ruleUsageReturned = await giveBackConsumptionInSession(session, {
            memberId: purchase.memberId,
            consumption: purchase.ruleConsumption ?? [],
            totalMinor: goods.totalMinor,
            refundedMinorBefore: goods.refundedMinorBefore,
            refundedMinorAfter: goods.refundedMinor,
            isFullyRefunded: goods.becameFullyRefunded,
          });
        }
        // Coupons follow the sale whoever bought it (a bearer coupon may pay for an anonymous sale).
        await this.deps.coupons?.onRefundInSession(session, {
          purchaseId: purchase._id,
          refundId: id,
          storeId: purchase.storeId,
          isFullyRefunded: goods.becameFullyRefunded,
          now,
        });
        // Gift certificates get their share back whether or not the sale had a member (it is their money).
        // They paid the goods only (never a certificate sold), so their share is of the goods refunded.
        const giftCertificates = await this.deps.giftCertificates.creditForRefundInSession(session, {
          purchaseId: purchase._id,
          refundId: id,
          refundedMinor: goods.refundedMinor,
          totalMinor: goods.totalMinor,
          isFullyRefunded: goods.isFullyRefunded,
          actor: actorOf(ctx.principal),
          now,
        });
        // Certificates the sale sold, returned with their lines: voided if unspent, else the refund is refused.
        const giftCertificatesVoided = await this.deps.giftCertificates.voidForRefundInSession(session, {
          purchaseId: purchase._id,
          refundId: id,
          lines: goods.certificatesReturned,
          actor: actorOf(ctx.principal),
          now,
        });
        const refund: Refund = {
          _id: id,
          purchaseId: purchase._id,
          memberId: purchase.memberId,
          storeId: purchase.storeId,
          externalId: purchase.externalId,
          amountMinor,
          goodsMinor: goods.refundedMinor - goods.refundedMinorBefore,
          items: 'items' in input ? input.items : null,
          reason: input.reason ?? null,
          pointsReversed: toReverse,
          pointsRestored: restored,
          pointsWrittenOff: writtenOff,
          requestKey: ctx.requestKey,
          actor: actorOf(ctx.principal),
          createdAt: now,
        };
        await RefundModel.collection.insertOne(refund, { session });
        await this.deps.events.append(session, {
          type: 'refund.recorded',
          occurredAt: now,
          memberId: refund.memberId,
          storeId: refund.storeId,
          subject: { refundId: id, purchaseId: purchase._id },
          payload: {
            refundId: id.toHexString(),
            purchaseId: purchase._id.toHexString(),
            externalId: refund.externalId,
            currency: purchase.currency,
            amountMinor,
            refundedMinor,
            isFullyRefunded,
            pointsReversed: toReverse,
            pointsRestored: restored,
            pointsWrittenOff: writtenOff,
            ruleUsageReturned,
          },
        });
        const balance = purchase.memberId
          ? await this.deps.ledger.balance(purchase.memberId, session)
          : { available: 0, pending: 0 };
        return {
          ...toRefundFields(refund),
          balance,
          ...(stamps.length ? { stamps } : {}),
          ...(giftCertificates.length ? { giftCertificates } : {}),
          ...(giftCertificatesVoided.length ? { giftCertificatesVoided } : {}),
          purchase: { totalMinor: purchase.totalMinor, refundedMinor, isFullyRefunded },
        };
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000 && ctx.requestKey) {
        const existing = await RefundModel.findOne({ requestKey: ctx.requestKey }).lean();
        if (existing) return this.toResult(existing, found);
      }
      throw error;
    }
  }

  /**
   * Spend drops by the refunded amount; a purchase refunded in full no longer counts as a purchase, and
   * the first/last purchase dates are taken again from the purchases that still count.
   */
  private async correctStats(
    session: ClientSession,
    purchase: Purchase,
    amountMinor: number,
    isFullyRefunded: boolean,
  ): Promise<void> {
    const set: Record<string, Date | null> = {};
    if (isFullyRefunded) {
      const counted = { memberId: purchase.memberId, isFullyRefunded: false, _id: { $ne: purchase._id } };
      const first = await PurchaseModel.findOne(counted, { occurredAt: 1 })
        .sort({ occurredAt: 1 })
        .session(session)
        .lean();
      const last = await PurchaseModel.findOne(counted, { occurredAt: 1 })
        .sort({ occurredAt: -1 })
        .session(session)
        .lean();
      set['stats.firstPurchaseAt'] = first?.occurredAt ?? null;
      set['stats.lastPurchaseAt'] = last?.occurredAt ?? null;
    }
    await MemberModel.updateOne(
      { _id: purchase.memberId },
      {
        $inc: { 'stats.totalSpentMinor': -amountMinor, 'stats.purchaseCount': isFullyRefunded ? -1 : 0 },
        ...(isFullyRefunded ? { $set: set } : {}),
      },
      { session },
    );
  }

  private async toResult(refund: Refund, purchase: Purchase): Promise<RefundResult> {
    const latest = (await PurchaseModel.findById(purchase._id).lean()) ?? purchase;
    const balance = refund.memberId
      ? await this.deps.ledger.balance(refund.memberId)
      : { available: 0, pending: 0 };
    return {
      ...toRefundFields(refund),
      balance,
      purchase: {
        totalMinor: latest.totalMinor,
        refundedMinor: latest.refundedMinor,
        isFullyRefunded: latest.isFullyRefunded,
      },
    };
  }
}

export function toRefundDetail(refund: Refund) {
  return {
    ...toRefundFields(refund),
    memberId: refund.memberId?.toHexString() ?? null,
    storeId: refund.storeId.toHexString(),
    externalId: refund.externalId,
    items: refund.items,
    reason: refund.reason,
    actor: refund.actor,
    createdAt: refund.createdAt.toISOString(),
  };
}

function toRefundFields(refund: Refund) {
  return {
    id: refund._id.toHexString(),
    purchaseId: refund.purchaseId.toHexString(),
    amountMinor: refund.amountMinor,
    pointsReversed: refund.pointsReversed,
    pointsRestored: refund.pointsRestored,
    pointsWrittenOff: refund.pointsWrittenOff,
  };
}

/**
 * What a refund does to the goods of a purchase that sold gift certificates (for any other purchase the
 * goods are the whole purchase): the goods' total and refunded amounts before and after it, and how many
 * certificates of each value it returns. A full refund returns every certificate still sold; a partial
 * refund by amount refunds goods only — one that would reach the certificates is refused with 422
 * GIFT_CERTIFICATE_REFUND_BY_ITEM (a certificate is returned by its line, or with the whole sale).
 * Updates `items` (the certificates' lines) in place for a full refund by amount.
 */
function goodsShare(
  purchase: Purchase,
  after: {
    items: Purchase['items'];
    refundedMinor: number;
    isFullyRefunded: boolean;
    input: CreateRefundBody;
  },
): {
  totalMinor: number;
  refundedMinorBefore: number;
  refundedMinor: number;
  isFullyRefunded: boolean;
  becameFullyRefunded: boolean;
  certificatesReturned: Array<{ valueMinor: number; count: number }>;
} {
  const soldMinor = giftCertificatesSoldMinor(purchase.items);
  if (soldMinor === 0) {
    return {
      totalMinor: purchase.totalMinor,
      refundedMinorBefore: purchase.refundedMinor,
      refundedMinor: after.refundedMinor,
      isFullyRefunded: after.isFullyRefunded,
      becameFullyRefunded: after.isFullyRefunded,
      certificatesReturned: [],
    };
  }
  const returnedMinor = (items: Purchase['items']) =>
    items.reduce(
      (sum, i) => sum + (i.kind === 'giftCertificate' ? i.refundedQuantity * i.unitPriceMinor : 0),
      0,
    );
  const totalMinor = purchase.totalMinor - soldMinor;
  const refundedMinorBefore = purchase.refundedMinor - returnedMinor(purchase.items);
  if (after.isFullyRefunded) {
    for (const line of after.items)
      if (line.kind === 'giftCertificate') line.refundedQuantity = line.quantity;
  } else if ('amountMinor' in after.input) {
    const refundableGoodsMinor = totalMinor - refundedMinorBefore;
    if (after.refundedMinor - returnedMinor(after.items) > totalMinor) {
      throw new AppError(
        'unprocessable',
        'GIFT_CERTIFICATE_REFUND_BY_ITEM',
        `This sale sold gift certificates: an amount refund gives back goods only (at most ${refundableGoodsMinor}); refund a certificate by its line (items) or the whole sale`,
        { refundableGoodsMinor, giftCertificatesMinor: soldMinor - returnedMinor(purchase.items) },
      );
    }
  }
  const refundedMinor = after.refundedMinor - returnedMinor(after.items);
  const isFullyRefunded = refundedMinor >= totalMinor;
  const byValue = new Map<number, number>();
  after.items.forEach((line, index) => {
    if (line.kind !== 'giftCertificate') return;
    const count = line.refundedQuantity - (purchase.items[index]?.refundedQuantity ?? 0);
    if (count > 0) byValue.set(line.unitPriceMinor, (byValue.get(line.unitPriceMinor) ?? 0) + count);
  });
  return {
    totalMinor,
    refundedMinorBefore,
    refundedMinor,
    isFullyRefunded,
    becameFullyRefunded: isFullyRefunded && refundedMinorBefore < totalMinor,
    certificatesReturned: [...byValue].map(([valueMinor, count]) => ({ valueMinor, count })),
  };
}

/**
 * The money a refund gives back: the amount given, or the returned units' share of what their lines
 * cost (cumulative per line, so returning a line unit by unit adds up to the line exactly).
 */
function amountOf(
  purchase: Purchase,
  input: CreateRefundBody,
): { amountMinor: number; items: Purchase['items'] } {
  const items = purchase.items.map((i) => ({ ...i }));
  if ('amountMinor' in input) return { amountMinor: input.amountMinor, items };
  let amountMinor = 0;
  for (const wanted of input.items) {
    let left = wanted.quantity;
    const lines = items.filter((i) => i.sku === wanted.sku);
    if (lines.length === 0) {
      throw new AppError(
        'unprocessable',
        'REFUND_ITEM_NOT_FOUND',
        `The purchase has no line with the SKU ${wanted.sku}`,
        { sku: wanted.sku },
      );
    }
    for (const line of lines) {
      const take = Math.min(left, line.quantity - line.refundedQuantity);
      if (take <= 0) continue;
      const paid = line.quantity * line.unitPriceMinor - line.discountMinor - line.paidWithPointsMinor;
      amountMinor +=
        share(paid, line.refundedQuantity + take, line.quantity) -
        share(paid, line.refundedQuantity, line.quantity);
      line.refundedQuantity += take;
      left -= take;
    }
    if (left > 0) {
      const original = purchase.items.filter((i) => i.sku === wanted.sku);
      const bought = original.reduce((sum, l) => sum + l.quantity, 0);
      const returned = original.reduce((sum, l) => sum + l.refundedQuantity, 0);
      throw new AppError(
        'unprocessable',
        'REFUND_EXCEEDS_PURCHASE',
        `${wanted.quantity} × ${wanted.sku} cannot be returned: ${bought} were bought and ${returned} already returned`,
        { sku: wanted.sku, bought, returned },
      );
    }
  }
  return { amountMinor, items };
}
