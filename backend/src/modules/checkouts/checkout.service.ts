import { Types, type ClientSession } from 'mongoose';
import type {
  ApplyToCheckoutBody,
  Checkout as CheckoutView,
  CheckoutItemInput,
  CheckoutOffer,
  CheckoutReceipt,
  CompleteCheckoutBody,
  OpenCheckoutBody,
  SoldGiftCertificate,
  StampsAddedSummary,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { storeScopeOf, type Principal } from '../../platform/principal.js';
import { claimedKind } from '../../platform/signed-code.js';
import { TtlCache } from '../../platform/ttl-cache.js';
import { WriteBatch } from '../../platform/write-batch.js';
import type { EventService } from '../events/event.service.js';
import {
  actorOf,
  toBalance,
  type Balance,
  type EntryActor,
  type LedgerService,
} from '../ledger/ledger.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import { MemberModel, type Member } from '../members/member.model.js';
import type { MemberService } from '../members/member.service.js';
import type { ProgramService, ProgramSettings } from '../program/program.service.js';
import type { BudgetReservation } from '../purchases/earning.service.js';
import {
  currencyNotSupported,
  type PreparedPurchase,
  type PurchaseService,
} from '../purchases/purchase.service.js';
import { PurchaseModel, type Purchase } from '../purchases/purchase.model.js';
import { RedemptionModel } from '../redemptions/redemption.model.js';
import { RefundModel } from '../refunds/refund.model.js';
import type { RefundService } from '../refunds/refund.service.js';
import type { RedemptionService } from '../redemptions/redemption.service.js';
import { RewardModel, type Reward } from '../rewards/reward.model.js';
import { unavailableReason, type RewardService } from '../rewards/reward.service.js';
import { certificateOffers } from './certificate-offers.js';
import {
  CheckoutModel,
  type AppliedInstrument,
  type Checkout,
  type CheckoutItem,
  type DroppedInstrument,
} from './checkout.model.js';
import type {
  CheckoutInstrumentPort,
  MemberPricingSource,
  GiftCertificateSalePort,
  InstrumentTerms,
  PortInstrumentType,
  SoldCertificate,
  WalletCandidate,
} from './instrument-port.js';
import { mayHold, type WalletKind } from '../members/wallet-kinds.js';
import {
  priceBasket,
  recordedLines,
  type DropReason,
  type PricedBasket,
  type PricingInstrument,
} from './pricing.js';

/** An unlocked stamp-card reward, as the stamp cards module lends it to a checkout. */
export type UnlockedStampReward = { id: Types.ObjectId; cardName: string; reward: Reward; expiresAt: Date };

/** What a checkout needs of the stamp cards module: its unlocked rewards, held like any instrument. */
export type StampRewardPort = {
  unlockedFor(memberId: Types.ObjectId, now: Date): Promise<UnlockedStampReward[]>;
  holdInSession(
    session: ClientSession,
    input: { id: Types.ObjectId; memberId: Types.ObjectId; checkoutId: Types.ObjectId; now: Date },
  ): Promise<UnlockedStampReward>;
  releaseInSession(
    session: ClientSession,
    input: { id: Types.ObjectId; checkoutId: Types.ObjectId },
  ): Promise<void>;
  commitInSession(
    session: ClientSession,
    input: { id: Types.ObjectId; checkoutId: Types.ObjectId; purchaseId: Types.ObjectId; now: Date },
  ): Promise<void>;
};

/** How long after completion the till may undo a sale itself. */
const UNDO_WINDOW_MS = 10 * 60_000;

const SYSTEM_ACTOR: EntryActor = { kind: 'system', id: null, label: 'checkout expiry' };
const SALE_ACTOR: NonNullable<EntryActor> = { kind: 'system', id: null, label: 'checkout' };

/**
 * The checkout: the one flow at the till. A basket is opened with the member, instruments are applied
 * (each one a hold: a conditional spend that two tills cannot both win), the basket is priced again
 * after every change, and completion records the purchase with its discount lines, turns the holds into
 * redemptions and earns on what was paid, in one transaction. Cancel and expiry give the holds back.
 */
export class CheckoutService {
  /** The active rewards, read at most once per two seconds per process (every checkout answer lists offers). */
  private readonly rewardsCache = new TtlCache<'active', Reward[]>(2_000);

  constructor(
    private readonly deps: {
      clock: Clock;
      program: ProgramService;
      members: MemberService;
      ledger: LedgerService;
      purchases: PurchaseService;
      redemptions: RedemptionService;
      rewards: RewardService;
      events: EventService;
      refunds: RefundService;
      stamps?: StampRewardPort | undefined;
      /** Coupons and gift certificates, each through its module's port. */
      instruments?: readonly CheckoutInstrumentPort[] | undefined;
      /** Issues the gift certificates a basket sells (its `giftCertificate` lines) on completion. */
      giftCertificateSales?: GiftCertificateSalePort | undefined;
      /** Member pricing (the tier discount; a paid club's prices next), applied when the checkout opens. */
      memberPricing?: readonly MemberPricingSource[] | undefined;
    },
  ) {}

  /** The discounts the member gets by who they are, as applied instruments (first: before any other discount). */
  private async memberPrices(memberId: Types.ObjectId | null, now: Date): Promise<AppliedInstrument[]> {
    if (!memberId) return [];
    const applied: AppliedInstrument[] = [];
    for (const source of this.deps.memberPricing ?? []) {
      for (const price of await source.pricesFor(memberId, now)) {
        applied.push({
          _id: new Types.ObjectId(),
          type: source.type,
          kind: 'percent_discount',
          label: price.label,
          rewardId: null,
          stampRewardId: null,
          redemptionId: null,
          points: 0,
          valueMinor: null,
          percent: price.percent,
          sku: null,
          appliesTo: price.appliesTo,
          minBasketMinor: null,
          stacking: null,
          appliedAt: now,
        });
      }
    }
    return applied;
  }

  private port(type: PortInstrumentType): CheckoutInstrumentPort {
    const port = this.deps.instruments?.find((p) => p.type === type);
    if (!port) throw new Error(`no ${type} module is wired to the checkout`);
    return port;
  }

  async open(input: OpenCheckoutBody, principal: Principal): Promise<CheckoutView> {
    const program = await this.deps.program.get();
    if (input.currency !== program.currency) throw currencyNotSupported(program.currency, input.currency);
    assertSellable(input.items, program);
    await this.deps.purchases.assertStore(input.storeId, principal);
    const verified =
      input.member && 'cardCode' in input.member
        ? await this.deps.members.verifyCardCode(input.member.cardCode)
        : null;
    const member =
      verified?.member ??
      (input.member && 'memberId' in input.member
        ? await this.deps.members.get(input.member.memberId)
        : null);
    if (member?.isBlocked) {
      throw new ConflictError('MEMBER_BLOCKED', `Member ${member._id.toHexString()} is blocked`);
    }
    const now = this.deps.clock.now();
    const memberPrices = await this.memberPrices(member?._id ?? null, now);
    const items = input.items.map(toItem);
    // A member price the basket cannot carry (nothing but gift certificates sold) is not applied.
    const fitting = price(items, memberPrices);
    const checkout: Checkout = {
      _id: new Types.ObjectId(),
      status: 'open',
      storeId: new Types.ObjectId(input.storeId),
      memberId: member?._id ?? null,
      currency: input.currency,
      channel: input.channel ?? null,
      items,
      applied: memberPrices.filter((a) => !fitting.dropped.some((d) => d.id === a._id.toHexString())),
      dropped: [],
      version: 1,
      expiresAt: expiryFrom(now, program),
      createdAt: now,
      updatedAt: now,
      completeKey: null,
      purchaseId: null,
      receipt: null,
      closedAt: null,
    };
    await runInTransaction(async (session) => {
      // A scanned code opens one checkout: the sale and the redemptions it authorises are this one.
      if (verified) {
        await this.deps.members.consumeCardCode(session, verified, 'purchase');
        await this.deps.members.consumeCardCode(session, verified, 'redemption');
      }
      const batch = new WriteBatch().insertOne(CheckoutModel, checkout);
      await this.deps.events.append(batch, {
        type: 'checkout.opened',
        occurredAt: now,
        memberId: checkout.memberId,
        storeId: checkout.storeId,
        subject: { checkoutId: checkout._id },
        payload: { checkoutId: checkout._id.toHexString(), itemCount: countItems(checkout.items) },
      });
      await batch.flush(session);
    });
    return this.view(checkout, member);
  }

  async get(id: string, principal: Principal): Promise<CheckoutView> {
    return this.view(await this.find(id, principal));
  }

  /** Replaces the basket; instruments that no longer fit are released and listed in `dropped`. */
  async replaceItems(id: string, items: CheckoutItemInput[], principal: Principal): Promise<CheckoutView> {
    assertSellable(items, await this.deps.program.get());
    const updated = await this.change(id, principal, async (session, checkout, now) => {
      const nextItems = items.map(toItem);
      const settled = await this.settle(session, checkout, nextItems, checkout.applied, {
        actor: actorOf(principal),
        now,
        why: 'basket changed',
      });
      return { items: nextItems, ...settled };
    });
    return this.view(updated);
  }

  /**
   * Prices the basket with these instruments and releases those that no longer fit (listed in
   * `dropped` with the reason), so that what stays applied always prices without a drop.
   */
  private async settle(
    session: ClientSession,
    checkout: Checkout,
    items: readonly CheckoutItem[],
    applied: readonly AppliedInstrument[],
    release: { actor: EntryActor; now: Date; why: string },
  ): Promise<Pick<Checkout, 'applied' | 'dropped'>> {
    let kept = [...applied];
    const dropped: DroppedInstrument[] = [];
    // A drop can free what a later instrument needed (or not): price again until nothing drops.
    for (;;) {
      const priced = price(items, kept);
      if (priced.dropped.length === 0) return { applied: kept, dropped };
      const ids = new Set(priced.dropped.map((d) => d.id));
      for (const drop of priced.dropped) {
        const instrument = kept.find((a) => a._id.toHexString() === drop.id);
        if (!instrument) continue;
        await this.releaseInstrument(session, checkout, instrument, release.actor, release.now, release.why);
        dropped.push({
          _id: instrument._id,
          type: instrument.type,
          label: instrument.label,
          reason: drop.reason,
        });
      }
      kept = kept.filter((a) => !ids.has(a._id.toHexString()));
    }
  }

  /**
   * Holds an instrument for this checkout: a reward, points or an unlocked stamp reward (the member's),
   * a coupon or a gift certificate (through its module's port; a bearer coupon or a certificate needs no
   * member). It must combine with what is applied and fit the basket; a tender it leaves nothing to pay
   * for is released and listed in `dropped`.
   */
  async apply(
    id: string,
    body: ApplyToCheckoutBody,
    principal: Principal,
    options: { clientIp?: string | null } = {},
  ): Promise<CheckoutView> {
    const clientIp = options.clientIp ?? null;
    // The member as the hold left them (their balance after the debit): the answer needs no second read.
    let member: Member | null = null;
    const updated = await this.change(id, principal, async (session, checkout, now, batch) => {
      let instrument: AppliedInstrument;
      if (body.type === 'code') {
        instrument = await this.holdByCode(session, checkout, body.code, principal, now, clientIp);
      } else if (body.type === 'coupon' || body.type === 'giftCertificate') {
        instrument = await this.holdThroughPort(session, checkout, body, principal, now, clientIp);
      } else {
        const held = await this.holdForMember(session, checkout, body, principal, now, batch);
        instrument = held.instrument;
        member = held.member;
      }
      const clash = stackingProblem(checkout.applied, instrument);
      if (clash) {
        throw new ConflictError('COUPON_NOT_STACKABLE', clash.message, {
          conflictsWith: clash.conflictsWith,
        });
      }
      // It must fit the basket before anything is spent (a refusal rolls the hold back with the rest).
      const priced = price(checkout.items, [...checkout.applied, instrument]);
      const drop = priced.dropped.find((d) => d.id === instrument._id.toHexString());
      if (drop) throw misfit(drop.reason, instrument, price(checkout.items, checkout.applied));
      const settled = await this.settle(
        session,
        checkout,
        checkout.items,
        [...checkout.applied, instrument],
        {
          actor: actorOf(principal),
          now,
          why: `"${instrument.label}" applied`,
        },
      );
      // A tender released by this discount gave points back: the balance is no longer the debit's.
      if (settled.dropped.length > 0) member = null;
      return settled;
    });
    return this.view(updated, member);
  }

  /**
   * A code the till did not classify: a scanned QR says what it is; a typed one is looked for among the
   * coupons, then among the gift certificates.
   */
  private async holdByCode(
    session: ClientSession,
    checkout: Checkout,
    code: string,
    principal: Principal,
    now: Date,
    clientIp: string | null,
  ): Promise<AppliedInstrument> {
    const scanned = claimedKind(code);
    if (scanned === 'giftCertificate') {
      return this.holdThroughPort(
        session,
        checkout,
        { type: 'giftCertificate', code },
        principal,
        now,
        clientIp,
      );
    }
    if (scanned === 'coupon') {
      return this.holdThroughPort(session, checkout, { type: 'coupon', code }, principal, now, clientIp);
    }
    try {
      // Not a coupon's? It is tried as a certificate's next, and a miss there counts as the wrong code.
      return await this.holdThroughPort(
        session,
        checkout,
        { type: 'coupon', code },
        principal,
        now,
        clientIp,
        false,
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'COUPON_NOT_FOUND') throw error;
    }
    try {
      return await this.holdThroughPort(
        session,
        checkout,
        { type: 'giftCertificate', code },
        principal,
        now,
        clientIp,
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'GIFT_CERTIFICATE_NOT_FOUND') throw error;
      throw new AppError(
        'not_found',
        'CODE_NOT_FOUND',
        'No coupon or gift certificate has this code; check it for a typo',
      );
    }
  }

  /** A coupon or a gift certificate, validated and held by its module in this transaction. */
  private async holdThroughPort(
    session: ClientSession,
    checkout: Checkout,
    body: Extract<ApplyToCheckoutBody, { type: 'coupon' | 'giftCertificate' }>,
    principal: Principal,
    now: Date,
    clientIp: string | null,
    countsMiss = true,
  ): Promise<AppliedInstrument> {
    const before = price(checkout.items, checkout.applied);
    // Only certificates sold are left to pay: a certificate cannot pay for a certificate.
    if (
      body.type === 'giftCertificate' &&
      before.tenderableMinor === 0 &&
      before.giftCertificatesSoldMinor > 0
    )
      throw notPayable(before);
    const terms = await this.port(body.type).holdInSession(
      session,
      {
        countsMiss,
        code: body.code ?? null,
        refId: walletRefOf(body),
        amountMinor: body.type === 'giftCertificate' ? (body.amountMinor ?? null) : null,
      },
      {
        checkout,
        memberId: checkout.memberId,
        principal,
        actor: actorOf(principal),
        now,
        leftToPayMinor: before.tenderableMinor,
        clientIp,
      },
    );
    return fromTerms(body.type, terms, now);
  }

  /** A reward, points or an unlocked stamp reward: the member's, held in this transaction. */
  private async holdForMember(
    session: ClientSession,
    checkout: Checkout,
    body: Extract<ApplyToCheckoutBody, { type: 'reward' | 'points' | 'stampReward' }>,
    principal: Principal,
    now: Date,
    batch: WriteBatch,
  ): Promise<{ instrument: AppliedInstrument; member: Member }> {
    const program = await this.deps.program.get();
    const reward = body.type === 'reward' ? await this.deps.rewards.get(body.rewardId) : null;
    {
      if (!checkout.memberId) {
        throw new ConflictError(
          'CHECKOUT_MEMBER_REQUIRED',
          'This checkout has no member: open a checkout with the member’s card to use rewards or points',
        );
      }
      // Read in the transaction: the hold's conditional debit writes this member in it too.
      const member = await MemberModel.findById(checkout.memberId).session(session).lean();
      if (!member) throw new NotFoundError('Member', checkout.memberId.toHexString());
      if (member.isBlocked) {
        throw new ConflictError('MEMBER_BLOCKED', `Member ${member._id.toHexString()} is blocked`);
      }
      if (reward) this.deps.rewards.assertRedeemable(reward, member);
      const instrumentId = new Types.ObjectId();
      let instrument: AppliedInstrument;
      if (body.type === 'stampReward') {
        const stamps = this.deps.stamps;
        if (!stamps) throw new NotFoundError('Stamp reward', body.stampRewardId);
        const unlocked = await stamps.holdInSession(session, {
          id: new Types.ObjectId(body.stampRewardId),
          memberId: member._id,
          checkoutId: checkout._id,
          now,
        });
        instrument = {
          ...fromReward(instrumentId, 'stampReward', unlocked.reward, now),
          label: unlocked.reward.name,
          stampRewardId: unlocked.id,
          points: 0,
        };
      } else {
        instrument =
          body.type === 'reward' && reward
            ? fromReward(instrumentId, 'reward', reward, now)
            : {
                _id: instrumentId,
                type: 'points',
                kind: 'points_payment',
                label: 'Points',
                rewardId: null,
                stampRewardId: null,
                redemptionId: null,
                points: body.type === 'points' ? body.points : 0,
                valueMinor: (body.type === 'points' ? body.points : 0) * program.pointValueMinor,
                percent: null,
                sku: null,
                appliedAt: now,
              };
      }
      if (instrument.type !== 'stampReward') {
        const { redemption, memberPoints } = await this.deps.redemptions.spendInSession(session, {
          member,
          reward: instrument.type === 'reward' ? reward : null,
          points: instrument.points,
          apply:
            instrument.type === 'reward' && reward
              ? this.deps.redemptions.applyOf(reward)
              : { kind: 'points_payment', valueMinor: instrument.valueMinor ?? 0 },
          storeId: checkout.storeId.toHexString(),
          status: 'held',
          checkoutId: checkout._id,
          requestKey: null,
          actor: actorOf(principal),
          now,
          batch,
        });
        instrument.redemptionId = redemption._id;
        return { instrument, member: { ...member, points: memberPoints } };
      }
      return { instrument, member };
    }
  }

  /** Takes an applied instrument off and gives its hold back. */
  async remove(id: string, appliedId: string, principal: Principal): Promise<CheckoutView> {
    const updated = await this.change(id, principal, async (session, checkout, now) => {
      const instrument = checkout.applied.find((a) => a._id.toHexString() === appliedId);
      if (!instrument) {
        throw new AppError(
          'not_found',
          'CHECKOUT_INSTRUMENT_NOT_FOUND',
          `No instrument ${appliedId} is applied to this checkout`,
        );
      }
      await this.releaseInstrument(
        session,
        checkout,
        instrument,
        actorOf(principal),
        now,
        'removed from the sale',
      );
      return { applied: checkout.applied.filter((a) => a !== instrument), dropped: [] };
    });
    return this.view(updated);
  }

  /** Cancels an open checkout: every hold goes back. */
  async cancel(id: string, principal: Principal): Promise<CheckoutView> {
    const closed = await this.close(id, 'cancelled', actorOf(principal), principal);
    if (!closed) throw new Error('a cancellation closes the checkout or refuses');
    return this.view(closed);
  }

  /**
   * Completes the sale once: the purchase with its discount lines, the holds turned into redemptions,
   * points earned on what was paid, the receipt stored on the checkout. The same Idempotency-Key gets
   * the same receipt (the platform replays it; the stored key answers if a crash lost the reply);
   * another key gets 409 CHECKOUT_COMPLETED.
   */
  async complete(
    id: string,
    body: CompleteCheckoutBody,
    ctx: {
      principal: Principal;
      requestKey: string | null;
      recordAnswer?: ((batch: WriteBatch, answer: CheckoutReceipt) => void) | null;
    },
  ): Promise<CheckoutReceipt> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Checkout', id);
    const program = await this.deps.program.get();
    const reservations: BudgetReservation[] = [];
    try {
      return await runInTransaction(async (session) => {
        this.deps.purchases.releaseBudget(reservations.splice(0));
        const now = this.deps.clock.now();
        // Read once, in the transaction: the scope check, the replay and the completion use this copy.
        const checkout = await this.load(session, id);
        storeScopeOf(ctx.principal, checkout.storeId.toHexString());
        if (checkout.status === 'completed' && checkout.receipt) {
          if (ctx.requestKey && checkout.completeKey === ctx.requestKey)
            return storedReceipt(checkout.receipt);
          throw completed(checkout);
        }
        assertOpen(checkout, now);
        const priced = price(checkout.items, checkout.applied);
        if (priced.dropped.length > 0) throw new RetryTransaction('basket priced differently');
        const held = checkout.applied.flatMap((a) => (a.redemptionId ? [a.redemptionId] : []));
        const batch = new WriteBatch();
        await this.deps.redemptions.completeHeldInSession(session, {
          redemptionIds: held,
          checkoutId: checkout._id,
          now,
          batch,
        });
        const prepared = toPrepared(checkout, priced, program, now, {
          externalId: body.externalId ?? null,
          redemptionIds: held,
          pointsSpent: checkout.applied.reduce((sum, a) => sum + a.points, 0),
        });
        const { purchase, balance, stamps } = await this.deps.purchases.recordInSession(
          session,
          batch,
          prepared,
          {
            principal: ctx.principal,
            // One purchase per checkout, whatever the keys: a second completion fails on this key.
            requestKey: `checkout ${checkout._id.toHexString()}`,
            reservations,
          },
        );
        const amountOf = new Map(priced.applied.map((a) => [a.id, a.amountMinor]));
        for (const instrument of checkout.applied) {
          if (instrument.type === 'stampReward' && instrument.stampRewardId) {
            await this.deps.stamps?.commitInSession(session, {
              id: instrument.stampRewardId,
              checkoutId: checkout._id,
              purchaseId: purchase._id,
              now,
            });
          }
          if ((instrument.type === 'coupon' || instrument.type === 'giftCertificate') && instrument.refId) {
            await this.port(instrument.type).commitInSession(session, {
              refId: instrument.refId,
              checkoutId: checkout._id,
              purchaseId: purchase._id,
              memberId: checkout.memberId,
              amountMinor: amountOf.get(instrument._id.toHexString()) ?? 0,
              now,
            });
          }
        }
        const sold = await this.sellGiftCertificates(session, checkout, purchase, ctx.principal, now);
        // A sale of gift certificates alone was recorded without the member: their balance is read.
        const memberBalance =
          checkout.memberId && !purchase.memberId
            ? await this.deps.ledger.balance(checkout.memberId, session)
            : balance;
        // What is kept (the checkout, the idempotent replay) names each certificate by its last 4 only.
        const receipt = toReceipt(checkout, priced, purchase, {
          balance: checkout.memberId ? memberBalance : null,
          stamps,
          giftCertificates: sold.map((c) => soldCertificate(c, false)),
          now,
        });
        batch.updateOne(
          CheckoutModel,
          { _id: checkout._id, status: 'open', version: checkout.version },
          {
            $set: {
              status: 'completed',
              receipt,
              purchaseId: purchase._id,
              completeKey: ctx.requestKey,
              closedAt: now,
              updatedAt: now,
            },
            $inc: { version: 1 },
          },
          () => new RetryTransaction('checkout changed during completion'),
        );
        await this.deps.events.append(batch, {
          type: 'checkout.completed',
          occurredAt: now,
          memberId: checkout.memberId,
          storeId: checkout.storeId,
          subject: { checkoutId: checkout._id, purchaseId: purchase._id },
          payload: {
            checkoutId: checkout._id.toHexString(),
            purchaseId: purchase._id.toHexString(),
            redemptionIds: held.map((r) => r.toHexString()),
            ...receipt.totals,
            pointsSpent: receipt.pointsSpent,
            pointsEarned: receipt.pointsEarned,
          },
        });
        ctx.recordAnswer?.(batch, receipt);
        await batch.flush(session);
        // The codes are shown to this answer only (stored nowhere in clear): a replay gets `codeShown: false`.
        return sold.length === 0
          ? receipt
          : { ...receipt, giftCertificates: sold.map((c) => soldCertificate(c, true)) };
      });
    } catch (error) {
      this.deps.purchases.releaseBudget(reservations.splice(0));
      // A concurrent completion won: answer as it did for the same key, refuse any other.
      const current = await CheckoutModel.findById(id).lean();
      // Never more than the caller may see: a till of another store gets the scope's refusal.
      if (current) storeScopeOf(ctx.principal, current.storeId.toHexString());
      if (current?.status === 'completed' && current.receipt) {
        if (ctx.requestKey && current.completeKey === ctx.requestKey) return storedReceipt(current.receipt);
        throw completed(current);
      }
      // The receipt number was recorded already by another sale of this store: never record it twice.
      if ((error as { code?: number }).code === 11000 && body.externalId && current) {
        const existing = await PurchaseModel.findOne(
          { storeId: current.storeId, externalId: body.externalId },
          { _id: 1 },
        ).lean();
        if (existing) {
          throw new ConflictError(
            'PURCHASE_EXISTS',
            `Receipt ${body.externalId} of this store was already recorded as purchase ${existing._id.toHexString()}`,
            { purchaseId: existing._id.toHexString() },
          );
        }
      }
      throw error;
    }
  }

  /**
   * Issues the gift certificates the basket sells, one per unit of each `giftCertificate` line, in the
   * completion's transaction ("Sold at the till" by the caller, linked to the purchase and the checkout).
   */
  private async sellGiftCertificates(
    session: ClientSession,
    checkout: Checkout,
    purchase: Purchase,
    principal: Principal,
    now: Date,
  ): Promise<SoldCertificate[]> {
    const lines = checkout.items.filter((i) => i.kind === 'giftCertificate');
    if (lines.length === 0) return [];
    const sales = this.deps.giftCertificateSales;
    if (!sales) throw new Error('no gift certificates module is wired to the checkout');
    const sold: SoldCertificate[] = [];
    for (const line of lines) {
      sold.push(
        ...(await sales.sellInSession(session, {
          valueMinor: line.unitPriceMinor,
          count: line.quantity,
          currency: checkout.currency,
          purchaseId: purchase._id,
          checkoutId: checkout._id,
          actor: actorOf(principal) ?? SALE_ACTOR,
          now,
        })),
      );
    }
    return sold;
  }

  /**
   * Undoes a sale just completed at the till (the cashier's "Undo", until the next customer): a full
   * refund of its purchase — the points it spent come back, those it earned are taken back — allowed
   * for 10 minutes after completion and only while nothing of it was refunded. Later, a manager
   * refunds the purchase. The same Idempotency-Key replays the same refund.
   */
  async undo(id: string, ctx: { principal: Principal; requestKey: string | null }): Promise<CheckoutView> {
    const checkout = await this.find(id, ctx.principal);
    if (checkout.status === 'undone') return this.view(checkout);
    if (checkout.status !== 'completed' || !checkout.purchaseId) {
      throw new ConflictError(
        'CHECKOUT_NOT_COMPLETED',
        `Checkout ${id} is ${checkout.status}: only a completed sale can be undone`,
      );
    }
    const now = this.deps.clock.now();
    const purchase = await PurchaseModel.findById(checkout.purchaseId).lean();
    const isLate = !checkout.closedAt || now.getTime() - checkout.closedAt.getTime() > UNDO_WINDOW_MS;
    const existing = ctx.requestKey ? await RefundModel.exists({ requestKey: ctx.requestKey }) : null;
    if (!purchase || (!existing && (isLate || purchase.refundedMinor > 0 || purchase.isFullyRefunded))) {
      throw new ConflictError(
        'CHECKOUT_UNDO_CLOSED',
        isLate
          ? `The sale was completed more than 10 minutes ago: a manager can refund purchase ${checkout.purchaseId.toHexString()}`
          : `Purchase ${checkout.purchaseId.toHexString()} was refunded already`,
      );
    }
    const refund = await this.deps.refunds.create(
      checkout.purchaseId.toHexString(),
      {
        items: purchase.items
          .map((i) => ({ sku: i.sku, quantity: i.quantity }))
          .filter((i) => i.quantity > 0),
        reason: 'Sale undone at the till',
      },
      ctx,
    );
    const undone = await CheckoutModel.findOneAndUpdate(
      { _id: checkout._id, status: 'completed' },
      {
        $set: {
          status: 'undone',
          undo: {
            refundId: new Types.ObjectId(refund.id),
            pointsRestored: refund.pointsRestored,
            pointsReversed: refund.pointsReversed,
            undoneAt: now,
          },
          updatedAt: now,
        },
        $inc: { version: 1 },
      },
      { new: true, lean: true },
    );
    return this.view(undone ?? (await this.find(id, ctx.principal)));
  }

  /**
   * Expires open checkouts past `expiresAt` (the sweep, on the injected clock): each in its own
   * transaction, conditional on the version it read, so a rerun after a crash releases nothing twice.
   */
  async expireDue(
    options: { batchSize?: number; afterCheckout?: (checkoutId: string) => void } = {},
  ): Promise<{ expired: number }> {
    const batchSize = options.batchSize ?? 200;
    let expired = 0;
    let lastId: Types.ObjectId | null = null;
    for (;;) {
      const now = this.deps.clock.now();
      const due: Array<{ _id: Types.ObjectId }> = await CheckoutModel.find(
        { status: 'open', expiresAt: { $lte: now }, ...(lastId ? { _id: { $gt: lastId } } : {}) },
        { _id: 1 },
      )
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean();
      for (const { _id } of due) {
        if (await this.close(_id.toHexString(), 'expired', SYSTEM_ACTOR)) expired += 1;
        options.afterCheckout?.(_id.toHexString());
      }
      if (due.length < batchSize) return { expired };
      lastId = due[due.length - 1]?._id ?? null;
    }
  }

  /** Closes an open checkout as cancelled or expired, releasing its holds, in one transaction. */
  private async close(
    id: string,
    status: 'cancelled' | 'expired',
    actor: EntryActor,
    principal?: Principal,
  ): Promise<Checkout | null> {
    return runInTransaction(async (session) => {
      const now = this.deps.clock.now();
      const checkout = await this.load(session, id);
      if (principal) storeScopeOf(principal, checkout.storeId.toHexString());
      if (status === 'expired') {
        // Completed, cancelled or changed (its expiry pushed back) since the sweep read it.
        if (checkout.status !== 'open' || checkout.expiresAt > now) return null;
      } else {
        assertOpen(checkout, now);
      }
      const reason = status === 'expired' ? 'checkout expired' : 'checkout cancelled';
      for (const instrument of checkout.applied)
        await this.releaseInstrument(session, checkout, instrument, actor, now, reason);
      const closed = await CheckoutModel.findOneAndUpdate(
        { _id: checkout._id, status: 'open', version: checkout.version },
        { $set: { status, closedAt: now, updatedAt: now }, $inc: { version: 1 } },
        { session, new: true, lean: true },
      );
      if (!closed) throw new RetryTransaction('checkout changed while closing');
      await this.deps.events.append(session, {
        type: status === 'expired' ? 'checkout.expired' : 'checkout.cancelled',
        occurredAt: now,
        memberId: checkout.memberId,
        storeId: checkout.storeId,
        subject: { checkoutId: checkout._id },
        payload: {
          checkoutId: checkout._id.toHexString(),
          released: checkout.applied.map((a) => ({ type: a.type, points: a.points })),
        },
      });
      return closed;
    });
  }

  /**
   * Runs one change of an open checkout in a transaction, conditional on the version it read (two
   * changes of one checkout cannot interleave), and pushes its expiry back by the program's TTL.
   */
  private async change(
    id: string,
    principal: Principal,
    work: (
      session: ClientSession,
      checkout: Checkout,
      now: Date,
      batch: WriteBatch,
    ) => Promise<Pick<Checkout, 'applied' | 'dropped'> & Partial<Pick<Checkout, 'items'>>>,
  ): Promise<Checkout> {
    const program = await this.deps.program.get();
    return runInTransaction(async (session) => {
      const now = this.deps.clock.now();
      const checkout = await this.load(session, id);
      // A caller bound to a store changes that store's checkouts only.
      storeScopeOf(principal, checkout.storeId.toHexString());
      assertOpen(checkout, now);
      // The change's own writes after its guarded ones, and the checkout's: one round trip.
      const batch = new WriteBatch();
      const changes = await work(session, checkout, now, batch);
      const set = { ...changes, expiresAt: expiryFrom(now, program), updatedAt: now };
      batch.updateOne(
        CheckoutModel,
        { _id: checkout._id, status: 'open', version: checkout.version },
        { $set: set, $inc: { version: 1 } },
        () => new RetryTransaction('checkout changed concurrently'),
      );
      await batch.flush(session);
      return { ...checkout, ...set, version: checkout.version + 1 };
    });
  }

  private async releaseInstrument(
    session: ClientSession,
    checkout: Checkout,
    instrument: AppliedInstrument,
    actor: EntryActor,
    now: Date,
    why: string,
  ): Promise<void> {
    if (instrument.redemptionId) {
      await this.deps.redemptions.releaseHeldInSession(session, {
        redemptionId: instrument.redemptionId,
        reason: `Hold released: ${why}`,
        actor,
        now,
      });
    }
    if (instrument.stampRewardId) {
      await this.deps.stamps?.releaseInSession(session, {
        id: instrument.stampRewardId,
        checkoutId: checkout._id,
      });
    }
    if ((instrument.type === 'coupon' || instrument.type === 'giftCertificate') && instrument.refId) {
      await this.port(instrument.type).releaseInSession(session, {
        refId: instrument.refId,
        checkoutId: checkout._id,
        actor,
        now,
        reason: `Hold released: ${why}`,
      });
    }
  }

  private async load(session: ClientSession, id: string): Promise<Checkout> {
    const checkout = await CheckoutModel.findById(id).session(session).lean();
    if (!checkout) throw new NotFoundError('Checkout', id);
    return checkout;
  }

  /** The checkout, if the caller may see it (a caller bound to a store sees that store's only). */
  private async find(id: string, principal: Principal): Promise<Checkout> {
    const checkout = Types.ObjectId.isValid(id) ? await CheckoutModel.findById(id).lean() : null;
    if (!checkout) throw new NotFoundError('Checkout', id);
    storeScopeOf(principal, checkout.storeId.toHexString());
    return checkout;
  }

  /** The checkout as the till reads it: priced lines, holds, offers and what paying would earn. */
  async view(checkout: Checkout, known?: Member | null): Promise<CheckoutView> {
    const program = await this.deps.program.get();
    const priced = price(checkout.items, checkout.applied);
    const isOpen = checkout.status === 'open';
    const now = this.deps.clock.now();
    // What the offers need of the member is read at once, beside the member itself; a member already
    // read says which parts of the wallet it ever held, and the others are not read at all.
    const couponPort = this.deps.instruments?.find((p) => p.type === 'coupon');
    const certificatePort = this.deps.instruments?.find((p) => p.type === 'giftCertificate');
    const reads = (kind: WalletKind | undefined) => !known || kind === undefined || mayHold(known, kind);
    const candidatesOf = async (port: CheckoutInstrumentPort | undefined, memberId: Types.ObjectId) =>
      isOpen && port?.walletCandidates && reads(port.walletKind) ? port.walletCandidates(memberId, now) : [];
    const [member, usage, unlocked, coupons, certificates] = checkout.memberId
      ? await Promise.all([
          known ?? MemberModel.findById(checkout.memberId).lean(),
          isOpen ? this.rewardUsage(checkout.memberId) : new Map<string, number>(),
          isOpen && this.deps.stamps && reads('stampRewards')
            ? this.deps.stamps.unlockedFor(checkout.memberId, now)
            : [],
          candidatesOf(couponPort, checkout.memberId),
          candidatesOf(certificatePort, checkout.memberId),
        ])
      : [null, new Map<string, number>(), [], [], []];
    const offers =
      member && isOpen
        ? [
            ...(await this.offers(checkout, member, priced, program, usage, unlocked, coupons)),
            ...certificateOffers(checkout, priced.tenderableMinor, certificates),
          ]
        : [];
    const earnPreview =
      member && isOpen && hasGoods(checkout.items)
        ? await this.deps.purchases.preview(
            member,
            toPrepared(checkout, priced, program, now, {
              externalId: null,
              redemptionIds: [],
              pointsSpent: 0,
            }),
          )
        : { points: checkout.receipt?.pointsEarned ?? 0, breakdown: checkout.receipt?.breakdown ?? [] };
    const amountOf = new Map(priced.applied.map((a) => [a.id, a]));
    return {
      id: checkout._id.toHexString(),
      status: checkout.status,
      storeId: checkout.storeId.toHexString(),
      currency: checkout.currency,
      member: member
        ? {
            id: member._id.toHexString(),
            name: member.name,
            cardNumber: member.cardNumber,
            balance: toBalance(member.points),
          }
        : null,
      lines: checkout.items.map((item, index) => ({
        ...item,
        kind: item.kind ?? 'product',
        grossMinor: priced.lines[index]?.grossMinor ?? 0,
        discountMinor: priced.lines[index]?.discountMinor ?? 0,
        paidWithPointsMinor: priced.lines[index]?.paidWithPointsMinor ?? 0,
        paidWithGiftCertificatesMinor: priced.lines[index]?.paidWithGiftCertificatesMinor ?? 0,
        toPayMinor: priced.lines[index]?.toPayMinor ?? 0,
      })),
      applied: checkout.applied.map((a) => ({
        id: a._id.toHexString(),
        type: a.type,
        label: a.label,
        kind: a.kind,
        rewardId: a.rewardId?.toHexString() ?? null,
        stampRewardId: a.stampRewardId?.toHexString() ?? null,
        couponId: a.type === 'coupon' ? (a.refId?.toHexString() ?? null) : null,
        giftCertificateId: a.type === 'giftCertificate' ? (a.refId?.toHexString() ?? null) : null,
        points: a.points,
        amountMinor: amountOf.get(a._id.toHexString())?.amountMinor ?? 0,
        lines: amountOf.get(a._id.toHexString())?.lines ?? [],
      })),
      dropped: checkout.dropped.map((d) => ({
        id: d._id.toHexString(),
        type: d.type,
        label: d.label,
        reason: d.reason,
        message: droppedMessage(d),
      })),
      offers,
      totals: priced.totals,
      earnPreview: {
        points: earnPreview.points,
        breakdown: earnPreview.breakdown.map((b) => ({
          ruleId: b.ruleId,
          ruleVersion: b.ruleVersion,
          ruleName: b.ruleName,
          points: b.points,
        })),
      },
      expiresAt: checkout.expiresAt.toISOString(),
      createdAt: checkout.createdAt.toISOString(),
      receipt: checkout.receipt ? storedReceipt(checkout.receipt) : null,
      undo: checkout.undo
        ? {
            refundId: checkout.undo.refundId.toHexString(),
            pointsRestored: checkout.undo.pointsRestored,
            pointsReversed: checkout.undo.pointsReversed,
            undoneAt: checkout.undo.undoneAt.toISOString(),
          }
        : null,
    };
  }

  /** Everything the member could use on this basket now, and why (or what is missing). */
  /** How many times the member used each reward with a per-member limit (held or completed). */
  private async rewardUsage(memberId: Types.ObjectId): Promise<Map<string, number>> {
    const limited = (await this.activeRewards()).filter((r) => r.perMemberLimit);
    const used = new Map<string, number>();
    if (limited.length === 0) return used;
    const redemptions = await RedemptionModel.find(
      { memberId, rewardId: { $in: limited.map((r) => r._id) }, status: { $in: ['held', 'completed'] } },
      { rewardId: 1 },
    ).lean();
    for (const r of redemptions) {
      const key = r.rewardId?.toHexString() ?? '';
      used.set(key, (used.get(key) ?? 0) + 1);
    }
    return used;
  }

  private async offers(
    checkout: Checkout,
    member: Member,
    priced: PricedBasket,
    program: ProgramSettings,
    used: Map<string, number>,
    unlockedRewards: UnlockedStampReward[],
    coupons: WalletCandidate[],
  ): Promise<CheckoutOffer[]> {
    const now = this.deps.clock.now();
    const available = toBalance(member.points).available;
    const rewards = (await this.activeRewards()).filter((r) => unavailableReason(r, member, now) === null);
    const offers: CheckoutOffer[] = [];
    // An applied coupon that does not combine with rewards keeps every reward off the basket.
    const rewardsBlocked = checkout.applied.some((a) => a.type === 'coupon' && !a.stacking?.withRewards);
    const tryOn = (instrument: PricingInstrument) => {
      const result = price(checkout.items, checkout.applied, instrument);
      const mine = result.applied.find((a) => a.id === instrument.id);
      return {
        amountMinor: mine?.amountMinor ?? 0,
        fits: !result.dropped.some((d) => d.id === instrument.id),
      };
    };
    for (const reward of rewards) {
      const trial = tryOn({
        id: 'offer',
        kind: reward.kind,
        valueMinor: reward.valueMinor,
        percent: reward.percent,
        sku: reward.sku,
      });
      const reason: CheckoutOffer['reason'] = rewardsBlocked
        ? 'NOT_STACKABLE'
        : reward.stock !== null && reward.stock <= 0
          ? 'OUT_OF_STOCK'
          : reward.perMemberLimit && (used.get(reward._id.toHexString()) ?? 0) >= reward.perMemberLimit
            ? 'LIMIT_REACHED'
            : !trial.fits
              ? reward.kind === 'free_product'
                ? 'NEEDS_ITEM'
                : 'NOTHING_TO_PAY'
              : available < reward.pointsCost
                ? 'NEEDS_POINTS'
                : 'AFFORDABLE';
      offers.push({
        type: 'reward',
        rewardId: reward._id.toHexString(),
        stampRewardId: null,
        couponId: null,
        giftCertificate: null,
        minBasketMinor: null,
        label: reward.name,
        kind: reward.kind,
        points: reward.pointsCost,
        amountMinor: trial.amountMinor,
        isApplicable: reason === 'AFFORDABLE',
        reason,
        missingPoints: Math.max(0, reward.pointsCost - available),
        sku: reward.kind === 'free_product' ? reward.sku : null,
        expiresAt: null,
      });
    }
    for (const unlocked of unlockedRewards) {
      const reward = unlocked.reward;
      const trial = tryOn({
        id: 'offer',
        kind: reward.kind,
        valueMinor: reward.valueMinor,
        percent: reward.percent,
        sku: reward.sku,
      });
      const reason: CheckoutOffer['reason'] = rewardsBlocked
        ? 'NOT_STACKABLE'
        : trial.fits
          ? 'UNLOCKED'
          : reward.kind === 'free_product'
            ? 'NEEDS_ITEM'
            : 'NOTHING_TO_PAY';
      offers.push({
        type: 'stampReward',
        rewardId: reward._id.toHexString(),
        stampRewardId: unlocked.id.toHexString(),
        couponId: null,
        giftCertificate: null,
        minBasketMinor: null,
        label: reward.name,
        kind: reward.kind,
        points: 0,
        amountMinor: trial.amountMinor,
        isApplicable: reason === 'UNLOCKED',
        reason,
        missingPoints: 0,
        sku: reward.kind === 'free_product' ? reward.sku : null,
        expiresAt: unlocked.expiresAt.toISOString(),
      });
    }
    // Pay with points: as many as the member has, up to what is left to pay.
    // Points pay the goods only: they do not buy the gift certificates sold in the basket.
    const maxPoints = Math.min(
      Math.max(available, 0),
      Math.floor(priced.tenderableMinor / program.pointValueMinor),
    );
    for (const coupon of coupons) {
      if (checkout.applied.some((a) => a.type === 'coupon' && a.refId?.equals(coupon.refId))) continue;
      const candidate = fromTerms('coupon', coupon, now);
      const result = price(checkout.items, [...checkout.applied, candidate]);
      const mine = result.applied.find((a) => a.id === candidate._id.toHexString());
      const drop = result.dropped.find((d) => d.id === candidate._id.toHexString());
      const reason: CheckoutOffer['reason'] = stackingProblem(checkout.applied, candidate)
        ? 'NOT_STACKABLE'
        : !drop
          ? 'IN_WALLET'
          : drop.reason === 'NO_MATCHING_ITEM'
            ? 'NEEDS_ITEM'
            : drop.reason === 'EXCEEDS_TOTAL' || drop.reason === 'GIFT_CERTIFICATE_NOT_PAYABLE'
              ? 'NOTHING_TO_PAY'
              : drop.reason;
      offers.push({
        type: 'coupon',
        rewardId: null,
        stampRewardId: null,
        couponId: coupon.refId.toHexString(),
        giftCertificate: null,
        minBasketMinor: coupon.minBasketMinor,
        label: coupon.label,
        kind: coupon.kind,
        points: 0,
        amountMinor: mine?.amountMinor ?? 0,
        isApplicable: reason === 'IN_WALLET',
        reason,
        missingPoints: 0,
        sku: coupon.kind === 'free_product' ? coupon.sku : null,
        expiresAt: coupon.expiresAt?.toISOString() ?? null,
      });
    }
    offers.push({
      type: 'points',
      rewardId: null,
      stampRewardId: null,
      couponId: null,
      giftCertificate: null,
      minBasketMinor: null,
      label: 'Points',
      kind: 'points_payment',
      points: maxPoints,
      amountMinor: maxPoints * program.pointValueMinor,
      isApplicable: maxPoints > 0,
      reason: maxPoints > 0 ? 'AFFORDABLE' : priced.tenderableMinor === 0 ? 'NOTHING_TO_PAY' : 'NEEDS_POINTS',
      missingPoints: maxPoints > 0 ? 0 : 1,
      sku: null,
      expiresAt: null,
    });
    return offers;
  }

  private activeRewards(): Promise<Reward[]> {
    return this.rewardsCache.get('active', () =>
      RewardModel.find({ isActive: true }).sort({ pointsCost: 1 }).lean(),
    );
  }
}

function toItem(item: CheckoutItemInput): CheckoutItem {
  return {
    sku: item.sku,
    name: item.name ?? null,
    category: item.category ?? null,
    quantity: item.quantity,
    unitPriceMinor: item.unitPriceMinor,
    ...(item.kind === 'giftCertificate' ? { kind: 'giftCertificate' as const } : {}),
  };
}

/**
 * Refuses a gift certificate line worth more than the program's cap on a balance (422
 * GIFT_CERTIFICATE_VALUE_CAP): the cap a reload may not pass holds for a certificate sold too.
 */
function assertSellable(items: readonly CheckoutItemInput[], program: ProgramSettings): void {
  const capMinor = program.giftCertificateReloadCapMinor;
  items.forEach((item, index) => {
    if (item.kind === 'giftCertificate' && item.unitPriceMinor > capMinor) {
      throw new AppError(
        'unprocessable',
        'GIFT_CERTIFICATE_VALUE_CAP',
        `items[${index}]: a gift certificate of ${item.unitPriceMinor} is above the program's cap of ${capMinor} on a balance`,
        { capMinor, valueMinor: item.unitPriceMinor, index },
      );
    }
  });
}

/** A basket with something besides gift certificates sold: only such a sale is a purchase of goods. */
function hasGoods(items: readonly CheckoutItem[]): boolean {
  return items.some((i) => i.kind !== 'giftCertificate');
}

function notPayable(before: PricedBasket): ConflictError {
  return new ConflictError(
    'GIFT_CERTIFICATE_NOT_PAYABLE',
    `A gift certificate sold in this basket is paid in money only: points and gift certificates pay the other lines, which leave ${before.tenderableMinor} (minor units) to pay`,
    { leftToPayMinor: before.tenderableMinor, giftCertificatesMinor: before.giftCertificatesSoldMinor },
  );
}

function countItems(items: CheckoutItem[]): number {
  return items.reduce((sum, i) => sum + i.quantity, 0);
}

function expiryFrom(now: Date, program: ProgramSettings): Date {
  return new Date(now.getTime() + program.checkoutTtlMinutes * 60_000);
}

function fromReward(
  id: Types.ObjectId,
  type: 'reward' | 'stampReward',
  reward: Reward,
  now: Date,
): AppliedInstrument {
  return {
    _id: id,
    type,
    kind: reward.kind,
    label: reward.name,
    rewardId: reward._id,
    stampRewardId: null,
    redemptionId: null,
    points: reward.pointsCost,
    valueMinor: reward.valueMinor,
    percent: reward.percent,
    sku: reward.sku,
    appliedAt: now,
  };
}

/** An instrument a module's port lends (a coupon, a gift certificate), as the checkout keeps it. */
function fromTerms(type: PortInstrumentType, terms: InstrumentTerms, now: Date): AppliedInstrument {
  return {
    _id: new Types.ObjectId(),
    type,
    kind: terms.kind,
    label: terms.label,
    rewardId: null,
    stampRewardId: null,
    redemptionId: null,
    points: 0,
    valueMinor: terms.valueMinor,
    percent: terms.percent,
    sku: terms.sku,
    refId: terms.refId,
    appliesTo: terms.appliesTo,
    minBasketMinor: terms.minBasketMinor,
    stacking: terms.stacking,
    appliedAt: now,
  };
}

/** Prices the basket with the applied instruments (and one more on trial, for an offer). */
function price(
  items: readonly CheckoutItem[],
  applied: readonly AppliedInstrument[],
  trial?: PricingInstrument,
): PricedBasket {
  const instruments: PricingInstrument[] = applied.map((a) => ({
    id: a._id.toHexString(),
    kind: a.kind,
    valueMinor: a.valueMinor,
    percent: a.percent,
    sku: a.sku,
    isCoupon: a.type === 'coupon',
    appliesTo: a.appliesTo ?? null,
    minBasketMinor: a.minBasketMinor ?? null,
  }));
  return priceBasket(items, trial ? [...instruments, trial] : instruments);
}

function assertOpen(checkout: Checkout, now: Date): void {
  if (checkout.status === 'completed') throw completed(checkout);
  if (checkout.status === 'cancelled') {
    throw new ConflictError('CHECKOUT_CANCELLED', `Checkout ${checkout._id.toHexString()} was cancelled`);
  }
  if (checkout.status === 'expired' || checkout.expiresAt <= now) {
    throw new ConflictError(
      'CHECKOUT_EXPIRED',
      `Checkout ${checkout._id.toHexString()} expired at ${checkout.expiresAt.toISOString()}; its holds are released`,
    );
  }
}

/** The purchase a checkout records (or previews): its lines as priced, a free unit on a line of its own. */
function toPrepared(
  checkout: Checkout,
  priced: PricedBasket,
  program: ProgramSettings,
  now: Date,
  spend: Pick<PreparedPurchase, 'externalId' | 'redemptionIds' | 'pointsSpent'>,
): PreparedPurchase {
  return {
    program,
    now,
    occurredAt: now,
    storeId: checkout.storeId.toHexString(),
    channel: checkout.channel,
    currency: checkout.currency,
    // A gift certificate is money paid earlier: what it pays counts (and earns) like cash.
    totalMinor: priced.totals.toPayMinor + priced.totals.paidWithGiftCertificatesMinor,
    items: recordedLines(checkout.items, priced).map((line) => ({ ...line, refundedQuantity: 0 })),
    // Gift certificates alone are no purchase of goods: recorded without the member (nothing earned, no stats).
    memberId: hasGoods(checkout.items) ? checkout.memberId : null,
    cardCode: null,
    tenders: checkout.applied.flatMap((a) =>
      a.type === 'giftCertificate' && a.refId
        ? [
            {
              type: 'giftCertificate' as const,
              refId: a.refId,
              amountMinor: priced.applied.find((p) => p.id === a._id.toHexString())?.amountMinor ?? 0,
            },
          ]
        : [],
    ),
    ...spend,
  };
}

function droppedMessage(d: DroppedInstrument): string {
  switch (d.reason) {
    case 'NO_MATCHING_ITEM':
      return `"${d.label}" was removed: its product is no longer in the basket`;
    case 'EXCEEDS_TOTAL':
      return `"${d.label}" was removed: it is worth more than what is left to pay`;
    case 'MIN_BASKET_NOT_MET':
      return `"${d.label}" was removed: the basket is now below the coupon's minimum`;
    case 'NOT_APPLICABLE_TO_ITEMS':
      return `"${d.label}" was removed: none of the products it applies to is left`;
    case 'GIFT_CERTIFICATE_NOT_PAYABLE':
      return `"${d.label}" was removed: what is left to pay is a gift certificate, which points and gift certificates do not pay`;
  }
}

function completed(checkout: Checkout): ConflictError {
  return new ConflictError(
    'CHECKOUT_COMPLETED',
    `Checkout ${checkout._id.toHexString()} was completed already`,
    { purchaseId: checkout.purchaseId?.toHexString() ?? null },
  );
}

/** Why an instrument cannot be applied to this basket (`before`: the basket priced without it). */
function misfit(reason: DropReason, instrument: AppliedInstrument, before: PricedBasket): AppError {
  const label = instrument.label;
  switch (reason) {
    case 'MIN_BASKET_NOT_MET': {
      const basketMinor = before.totals.subtotalMinor - before.totals.discountMinor;
      const minBasketMinor = instrument.minBasketMinor ?? 0;
      return new AppError(
        'unprocessable',
        'MIN_BASKET_NOT_MET',
        `"${label}" needs a basket of ${minBasketMinor} (minor units) after the other discounts; this one is ${basketMinor}`,
        { minBasketMinor, basketMinor },
      );
    }
    case 'NOT_APPLICABLE_TO_ITEMS':
      return new AppError(
        'unprocessable',
        'NOT_APPLICABLE_TO_ITEMS',
        `"${label}" applies to products that are not in the basket (or are discounted in full already)`,
        {
          skus: [...(instrument.appliesTo?.skus ?? [])],
          categories: [...(instrument.appliesTo?.categories ?? [])],
        },
      );
    case 'NO_MATCHING_ITEM':
      return new ConflictError(
        'INSTRUMENT_NOT_APPLICABLE',
        `"${label}" gives a product that is not in the basket`,
        {
          reason,
        },
      );
    case 'EXCEEDS_TOTAL':
      return new ConflictError(
        'INSTRUMENT_NOT_APPLICABLE',
        `"${label}" is worth more than what is left to pay`,
        {
          reason,
        },
      );
    case 'GIFT_CERTIFICATE_NOT_PAYABLE':
      return notPayable(before);
  }
}

/**
 * Why `next` cannot join what is applied, or null: a coupon combines with another coupon only when both
 * allow it, and with a reward (or stamp reward) only when the coupon allows it. Tenders always combine.
 */
export function stackingProblem(
  applied: readonly AppliedInstrument[],
  next: AppliedInstrument,
): { message: string; conflictsWith: 'coupon' | 'reward' } | null {
  const isReward = (a: AppliedInstrument) => a.type === 'reward' || a.type === 'stampReward';
  for (const other of applied) {
    const [coupon, partner] =
      next.type === 'coupon' ? [next, other] : other.type === 'coupon' ? [other, next] : [null, null];
    if (!coupon || !partner) continue;
    const rules = coupon.stacking ?? { withCoupons: false, withRewards: false };
    if (partner.type === 'coupon') {
      const theirs = partner.stacking ?? { withCoupons: false, withRewards: false };
      if (!rules.withCoupons || !theirs.withCoupons) {
        return {
          message: `"${next.label}" does not combine with "${other.label}": only one of these coupons can be used in a sale`,
          conflictsWith: 'coupon',
        };
      }
    } else if (isReward(partner) && !rules.withRewards) {
      return {
        message: `"${next.label}" does not combine with "${other.label}": the coupon cannot be used with rewards`,
        conflictsWith: next.type === 'coupon' ? 'reward' : 'coupon',
      };
    }
  }
  return null;
}

function toReceipt(
  checkout: Checkout,
  priced: PricedBasket,
  purchase: Purchase,
  outcome: {
    balance: Balance | null;
    stamps: StampsAddedSummary[];
    giftCertificates: SoldGiftCertificate[];
    now: Date;
  },
): CheckoutReceipt {
  const amountOf = new Map(priced.applied.map((a) => [a.id, a.amountMinor]));
  return {
    checkoutId: checkout._id.toHexString(),
    purchaseId: purchase._id.toHexString(),
    externalId: purchase.externalId,
    currency: checkout.currency,
    lines: [
      ...checkout.items.map((item) => ({
        kind: item.kind === 'giftCertificate' ? ('gift_certificate_sale' as const) : ('item' as const),
        label: item.name ?? (item.kind === 'giftCertificate' ? 'Gift certificate' : item.sku),
        quantity: item.quantity,
        points: null,
        amountMinor: item.quantity * item.unitPriceMinor,
      })),
      ...checkout.applied.map((a) => ({
        kind:
          a.kind === 'points_payment'
            ? ('points_payment' as const)
            : a.kind === 'stored_value'
              ? ('gift_certificate' as const)
              : ('discount' as const),
        label: a.label,
        quantity: null,
        points: a.kind === 'points_payment' ? a.points : null,
        amountMinor: -(amountOf.get(a._id.toHexString()) ?? 0),
      })),
    ],
    totals: priced.totals,
    redemptionIds: purchase.redemptionIds.map((r) => r.toHexString()),
    pointsSpent: purchase.pointsSpent,
    pointsEarned: purchase.pointsEarned,
    pointsStatus: purchase.pointsStatus,
    breakdown: purchase.breakdown.map((b) => ({
      ruleId: b.ruleId,
      ruleVersion: b.ruleVersion,
      ruleName: b.ruleName,
      points: b.points,
    })),
    stamps: outcome.stamps,
    balance: outcome.balance,
    giftCertificates: outcome.giftCertificates,
    completedAt: outcome.now.toISOString(),
  };
}

/**
 * A certificate the sale issued, as a receipt names it: with its code (`isShown`: the completion's own
 * answer) or by its last 4 characters only (the stored receipt and every replay of it).
 */
function soldCertificate(c: SoldCertificate, isShown: boolean): SoldGiftCertificate {
  return {
    id: c.id.toHexString(),
    last4: c.last4,
    valueMinor: c.valueMinor,
    currency: c.currency,
    expiresAt: c.expiresAt?.toISOString() ?? null,
    codeShown: isShown,
    code: isShown ? c.code : null,
    displayCode: isShown ? c.displayCode : null,
    qrPayload: isShown ? c.qrPayload : null,
    print: isShown
      ? {
          method: 'POST',
          path: '/api/v1/gift-certificates/print',
          body: { codes: [c.code], layout: 'single' },
        }
      : null,
  };
}

/** A stored receipt as answered (receipts kept before gift certificates were sold had no such list). */
function storedReceipt(receipt: CheckoutReceipt): CheckoutReceipt {
  return { ...receipt, giftCertificates: receipt.giftCertificates ?? [] };
}

/** The wallet coupon or gift certificate the till picked from the offers (null: a code was given). */
function walletRefOf(
  body: Extract<ApplyToCheckoutBody, { type: 'coupon' | 'giftCertificate' }>,
): Types.ObjectId | null {
  const id = body.type === 'coupon' ? body.couponId : body.giftCertificateId;
  return id ? new Types.ObjectId(id) : null;
}
