import { Types, type ClientSession } from 'mongoose';
import type { CouponTerms } from '@regulars/contracts';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import { principalKey } from '../../platform/principal.js';
import type { RateLimiter, RateLimitRule } from '../../platform/rate-limit.js';
import { ForgedCodeError, type SignedCodes } from '../../platform/signed-code.js';
import type { EventService } from '../events/event.service.js';
import type {
  CheckoutInstrumentPort,
  HoldContext,
  HoldRequest,
  InstrumentTerms,
  WalletCandidate,
} from '../checkouts/instrument-port.js';
import { MemberModel } from '../members/member.model.js';
import { normaliseCode } from './coupon-code.js';
import type { CouponTemplateService } from './coupon-template.service.js';
import { giveBackLimits } from './coupon.service.js';
import { CouponMemberUsageModel, CouponModel, CouponTemplateModel, type CouponDoc } from './coupon.model.js';

/**
 * The coupon at the till, lent to the checkout through its instrument port: validate (precise reasons),
 * hold one use (a conditional update, so of 20 tills holding the last use exactly one wins), commit it
 * to the purchase, or release it. Wrong codes count against a per-credential and a per-address limit; a
 * code assigned to another member answers exactly as a code that does not exist.
 */
export class CouponInstrument implements CheckoutInstrumentPort {
  readonly type = 'coupon' as const;
  readonly walletKind = 'coupons' as const;

  constructor(
    private readonly deps: {
      templates: CouponTemplateService;
      events: EventService;
      signedCodes: SignedCodes;
      rateLimiter: RateLimiter;
      missesPerMin: number;
    },
  ) {}

  async holdInSession(
    session: ClientSession,
    request: HoldRequest,
    context: HoldContext,
  ): Promise<InstrumentTerms> {
    const coupon = await this.find(session, request, context);
    const checkoutId = context.checkout._id;
    const terms = await this.deps.templates.termsOf(coupon.templateId, coupon.templateVersion, session);
    // Applied again to the checkout that holds it: the same hold, nothing more taken.
    if (coupon.holds?.some((h) => h.checkoutId.equals(checkoutId))) return toInstrumentTerms(coupon, terms);
    await this.check(session, coupon, terms, context);
    const memberId = context.memberId;
    const held = await nativeCollection<CouponDoc>(CouponModel).findOneAndUpdate(
      { _id: coupon._id, status: 'active', remaining: { $gte: 1 }, 'holds.checkoutId': { $ne: checkoutId } },
      {
        $inc: { remaining: -1, held: 1 },
        $push: { holds: { checkoutId, memberId, heldAt: context.now } },
      },
      { returnDocument: 'after', session },
    );
    if (!held) throw alreadyUsed(coupon);
    await this.takeLimits(session, coupon, terms, memberId);
    return toInstrumentTerms(held, terms);
  }

  async releaseInSession(
    session: ClientSession,
    input: Parameters<CheckoutInstrumentPort['releaseInSession']>[1],
  ): Promise<void> {
    const before = await nativeCollection<CouponDoc>(CouponModel).findOneAndUpdate(
      { _id: input.refId, 'holds.checkoutId': input.checkoutId },
      { $inc: { remaining: 1, held: -1 }, $pull: { holds: { checkoutId: input.checkoutId } } },
      { returnDocument: 'before', session },
    );
    if (!before) return;
    const hold = before.holds?.find((h) => h.checkoutId.equals(input.checkoutId));
    const terms = await this.deps.templates.termsOf(before.templateId, before.templateVersion, session);
    await giveBackLimits(session, { coupon: before, terms, memberId: hold?.memberId ?? null });
  }

  async commitInSession(
    session: ClientSession,
    input: {
      refId: Types.ObjectId;
      checkoutId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      memberId: Types.ObjectId | null;
      amountMinor: number;
      now: Date;
    },
  ): Promise<void> {
    const use = {
      checkoutId: input.checkoutId,
      purchaseId: input.purchaseId,
      memberId: input.memberId,
      amountMinor: input.amountMinor,
      usedAt: input.now,
      restoredAt: null,
    };
    const used = await nativeCollection<CouponDoc>(CouponModel).findOneAndUpdate(
      { _id: input.refId, 'holds.checkoutId': input.checkoutId },
      {
        $inc: { held: -1, uses: 1 },
        $pull: { holds: { checkoutId: input.checkoutId } },
        $push: { usesLog: use },
      },
      { returnDocument: 'after', session },
    );
    if (!used) {
      const current = await CouponModel.findById(input.refId).session(session).lean();
      if (current?.usesLog?.some((u) => u.checkoutId.equals(input.checkoutId))) return;
      throw new ConflictError('COUPON_ALREADY_USED', 'This checkout no longer holds the coupon', {
        uses: current?.uses ?? 0,
        maxUses: current?.maxUses ?? 0,
        held: current?.held ?? 0,
      });
    }
    if (used.remaining === 0 && used.held === 0) {
      await CouponModel.updateOne(
        { _id: used._id, status: 'active', remaining: 0, held: 0 },
        { $set: { status: 'used' } },
        { session },
      );
    }
    await this.deps.events.append(session, {
      type: 'coupon.redeemed',
      occurredAt: input.now,
      memberId: input.memberId ?? used.memberId,
      subject: { couponId: used._id, purchaseId: input.purchaseId, checkoutId: input.checkoutId },
      payload: {
        couponId: used._id.toHexString(),
        couponTemplateId: used.templateId.toHexString(),
        purchaseId: input.purchaseId.toHexString(),
        checkoutId: input.checkoutId.toHexString(),
        amountMinor: input.amountMinor,
        uses: used.uses,
        maxUses: used.maxUses,
      },
    });
  }

  async walletCandidates(memberId: Types.ObjectId, now: Date): Promise<WalletCandidate[]> {
    const coupons = await CouponModel.find({
      memberId,
      status: 'active',
      remaining: { $gte: 1 },
      validFrom: { $lte: now },
      validUntil: { $gt: now },
    })
      .sort({ validUntil: 1, _id: 1 })
      .limit(50)
      .lean();
    const out: WalletCandidate[] = [];
    for (const coupon of coupons) {
      const terms = await this.deps.templates.termsOf(coupon.templateId, coupon.templateVersion);
      out.push({ ...toInstrumentTerms(coupon, terms), expiresAt: coupon.validUntil });
    }
    return out;
  }

  /**
   * The coupon the request names: a coupon of the member's wallet by id, or a code typed or scanned (a
   * signed QR must check). A miss — no such code, or a coupon assigned to someone else, answered the
   * same way after the same one look-up — counts against the caller's and the address's limits.
   */
  private async find(session: ClientSession, request: HoldRequest, context: HoldContext): Promise<CouponDoc> {
    if (request.refId) {
      const coupon = await CouponModel.findOne({ _id: request.refId }).session(session).lean();
      if (!coupon || !context.memberId || !coupon.memberId?.equals(context.memberId))
        throw new NotFoundError('Coupon', request.refId.toHexString());
      return coupon;
    }
    const rules = this.missRules(context);
    await this.deps.rateLimiter.assertNoneExceeded(rules);
    const code = this.codeOf(request.code ?? '');
    const coupon = code ? await CouponModel.findOne({ code }).session(session).lean() : null;
    const isOthers =
      coupon?.kind === 'assigned' && !(context.memberId && coupon.memberId?.equals(context.memberId));
    if (coupon && !isOthers) return coupon;
    if (request.countsMiss !== false) await this.deps.rateLimiter.consumeAll(rules);
    throw new AppError(
      'not_found',
      'COUPON_NOT_FOUND',
      'No coupon has this code: check it and type it again',
    );
  }

  /** The normalised code of a typed code or a scanned QR payload (a forged QR is refused). */
  private codeOf(text: string): string | null {
    let read: ReturnType<SignedCodes['read']>;
    try {
      read = this.deps.signedCodes.read(text);
    } catch (error) {
      if (error instanceof ForgedCodeError)
        throw new AppError('unprocessable', 'QR_SIGNATURE_INVALID', error.message);
      throw error;
    }
    if (read) return read.kind === 'coupon' ? read.code : null;
    const code = normaliseCode(text);
    return code.length > 0 && code.length <= 40 ? code : null;
  }

  private missRules(context: HoldContext): RateLimitRule[] {
    const base = {
      bucket: 'coupon-misses',
      limit: this.deps.missesPerMin,
      windowSeconds: 60,
      message: 'Too many wrong coupon codes',
    };
    return [
      { ...base, key: principalKey(context.principal) },
      ...(context.clientIp ? [{ ...base, key: `ip:${context.clientIp}` }] : []),
    ];
  }

  /** Everything that must hold before a use is taken, each with its precise code. */
  private async check(
    session: ClientSession,
    coupon: CouponDoc,
    terms: CouponTerms,
    context: HoldContext,
  ): Promise<void> {
    const { now, checkout } = context;
    if (coupon.status === 'voided')
      throw new ConflictError('COUPON_VOIDED', 'This coupon was voided: its purchase was refunded');
    if (coupon.validUntil <= now) {
      throw new ConflictError('COUPON_EXPIRED', `This coupon expired on ${coupon.validUntil.toISOString()}`, {
        validUntil: coupon.validUntil.toISOString(),
      });
    }
    if (coupon.validFrom > now) {
      throw new ConflictError(
        'COUPON_NOT_YET_ACTIVE',
        `This coupon can be used from ${coupon.validFrom.toISOString()}`,
        { validFrom: coupon.validFrom.toISOString() },
      );
    }
    if (coupon.status === 'used' || coupon.remaining < 1) throw alreadyUsed(coupon);
    const { conditions } = terms;
    if (conditions.storeIds.length > 0 && !conditions.storeIds.includes(checkout.storeId.toHexString()))
      throw conditionNotMet('store', 'This coupon is not accepted in this store');
    const needsMember =
      conditions.tags.length > 0 || conditions.firstPurchaseOnly || terms.perMemberLimit !== null;
    if (needsMember && !context.memberId) {
      throw new ConflictError(
        'CHECKOUT_MEMBER_REQUIRED',
        'This coupon needs the member at the checkout (its conditions or limit are per member): scan the card first',
      );
    }
    if (context.memberId && (conditions.tags.length > 0 || conditions.firstPurchaseOnly)) {
      const member = await MemberModel.findById(context.memberId, { tags: 1, stats: 1 })
        .session(session)
        .lean();
      if (conditions.tags.length > 0 && !conditions.tags.some((t) => member?.tags?.includes(t)))
        throw conditionNotMet('tags', `This coupon is for members tagged ${conditions.tags.join(' or ')}`);
      if (conditions.firstPurchaseOnly && (member?.stats?.purchaseCount ?? 0) > 0)
        throw conditionNotMet('firstPurchase', 'This coupon is for a first purchase only');
    }
    if (terms.discount.kind === 'fixed' && terms.currency !== checkout.currency) {
      throw new AppError(
        'unprocessable',
        'COUPON_DISCOUNT_CURRENCY',
        `This coupon's discount is in ${terms.currency}; the sale is in ${checkout.currency}`,
        { expected: checkout.currency, given: terms.currency },
      );
    }
    const appliesTo = conditions.appliesTo;
    const matches = (item: { sku: string; category: string | null }) =>
      !appliesTo ||
      appliesTo.skus.includes(item.sku) ||
      (item.category !== null && appliesTo.categories.includes(item.category));
    const isFreeProduct = terms.discount.kind === 'free_product';
    const freeSku = terms.discount.kind === 'free_product' ? terms.discount.sku : null;
    if (!checkout.items.some((item) => matches(item) && (!isFreeProduct || item.sku === freeSku))) {
      throw new AppError(
        'unprocessable',
        'NOT_APPLICABLE_TO_ITEMS',
        freeSku
          ? `This coupon gives ${freeSku} free, and the basket has none`
          : 'No item of the basket is one this coupon applies to',
        { skus: freeSku ? [freeSku] : (appliesTo?.skus ?? []), categories: appliesTo?.categories ?? [] },
      );
    }
    if (conditions.minBasketMinor !== null && context.leftToPayMinor < conditions.minBasketMinor) {
      throw new AppError(
        'unprocessable',
        'MIN_BASKET_NOT_MET',
        `This coupon needs a basket of ${conditions.minBasketMinor}; this one is ${context.leftToPayMinor} (minor units, after the other discounts)`,
        { minBasketMinor: conditions.minBasketMinor, basketMinor: context.leftToPayMinor },
      );
    }
    const applied = checkout.applied.map((a) => String(a.type));
    if (!terms.stacking.withCoupons && applied.includes('coupon')) {
      throw new ConflictError('COUPON_NOT_STACKABLE', 'This coupon does not combine with another coupon', {
        conflictsWith: 'coupon',
      });
    }
    if (!terms.stacking.withRewards && applied.some((t) => t === 'reward' || t === 'stampReward')) {
      throw new ConflictError('COUPON_NOT_STACKABLE', 'This coupon does not combine with a reward', {
        conflictsWith: 'reward',
      });
    }
  }

  /** The template's total cap and the member's limit, each a conditional `$inc` (only when the template has one). */
  private async takeLimits(
    session: ClientSession,
    coupon: CouponDoc,
    terms: CouponTerms,
    memberId: Types.ObjectId | null,
  ): Promise<void> {
    if (terms.totalCap !== null) {
      const taken = await CouponTemplateModel.updateOne(
        { _id: coupon.templateId, uses: { $lt: terms.totalCap } },
        { $inc: { uses: 1 } },
        { session },
      );
      if (taken.modifiedCount !== 1) {
        throw new ConflictError(
          'COUPON_LIMIT_REACHED',
          `This offer reached its cap of ${terms.totalCap} uses`,
          { scope: 'total', limit: terms.totalCap, used: terms.totalCap },
        );
      }
    }
    if (terms.perMemberLimit !== null && memberId) {
      const filter = { templateId: coupon.templateId, memberId };
      await CouponMemberUsageModel.updateOne(
        filter,
        { $setOnInsert: { _id: new Types.ObjectId(), count: 0 } },
        { upsert: true, session },
      );
      const taken = await CouponMemberUsageModel.updateOne(
        { ...filter, count: { $lt: terms.perMemberLimit } },
        { $inc: { count: 1 } },
        { session },
      );
      if (taken.modifiedCount !== 1) {
        throw new ConflictError(
          'COUPON_LIMIT_REACHED',
          `The member used this offer ${terms.perMemberLimit} time${terms.perMemberLimit > 1 ? 's' : ''} already (the limit)`,
          { scope: 'member', limit: terms.perMemberLimit, used: terms.perMemberLimit },
        );
      }
    }
  }
}

function alreadyUsed(coupon: CouponDoc): ConflictError {
  return new ConflictError(
    'COUPON_ALREADY_USED',
    coupon.held > 0 && coupon.remaining < 1
      ? 'This coupon is held by another checkout (its last use)'
      : 'This coupon was already used',
    { uses: coupon.uses, maxUses: coupon.maxUses, held: coupon.held },
  );
}

function conditionNotMet(condition: 'store' | 'tags' | 'firstPurchase', message: string): AppError {
  return new AppError('unprocessable', 'COUPON_CONDITIONS_NOT_MET', message, { condition });
}

/** What the checkout's pricing applies for a coupon of these terms. */
export function toInstrumentTerms(coupon: CouponDoc, terms: CouponTerms): InstrumentTerms {
  const { discount, conditions } = terms;
  return {
    refId: coupon._id,
    label: terms.name,
    kind:
      discount.kind === 'percent'
        ? 'percent_discount'
        : discount.kind === 'fixed'
          ? 'fixed_discount'
          : 'free_product',
    valueMinor: discount.kind === 'fixed' ? discount.amountMinor : null,
    percent: discount.kind === 'percent' ? discount.percent : null,
    sku: discount.kind === 'free_product' ? discount.sku : null,
    appliesTo: conditions.appliesTo,
    minBasketMinor: conditions.minBasketMinor,
    stacking: terms.stacking,
  };
}
