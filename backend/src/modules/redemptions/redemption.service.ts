import { Types, type ClientSession } from 'mongoose';
import type { CreateRedemptionBody, RedemptionApply, RedemptionListQuery } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import { paginate, timeRange } from '../../platform/pagination.js';
import type { WriteBatch } from '../../platform/write-batch.js';
import { storeScopeOf, type Principal } from '../../platform/principal.js';
import { actorOf, type Balance, type EntryActor, type LedgerService } from '../ledger/ledger.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import type { EventService } from '../events/event.service.js';
import type { Member, MemberPoints } from '../members/member.model.js';
import type { MemberService, VerifiedCardCode } from '../members/member.service.js';
import type { ProgramService } from '../program/program.service.js';
import { RewardModel, type Reward } from '../rewards/reward.model.js';
import type { RewardService } from '../rewards/reward.service.js';
import { RedemptionModel, type Redemption } from './redemption.model.js';

/** Redemptions: rewards and pay-with-points, spent from the member's lots; cancellation gives them back. */
export class RedemptionService {
  constructor(
    private readonly deps: {
      clock: Clock;
      program: ProgramService;
      members: MemberService;
      rewards: RewardService;
      ledger: LedgerService;
      events: EventService;
    },
  ) {}

  async get(id: string): Promise<Redemption> {
    const redemption = Types.ObjectId.isValid(id) ? await RedemptionModel.findById(id).lean() : null;
    if (!redemption) throw new NotFoundError('Redemption', id);
    return redemption;
  }

  /** Newest first; `storeId` is already limited to the caller's store. */
  async list(query: RedemptionListQuery & { storeId?: string | undefined }) {
    const createdAt = timeRange(query);
    const filter = {
      ...(query.memberId ? { memberId: new Types.ObjectId(query.memberId) } : {}),
      ...(query.storeId ? { storeId: new Types.ObjectId(query.storeId) } : {}),
      ...(query.purchaseId ? { purchaseId: new Types.ObjectId(query.purchaseId) } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(createdAt ? { createdAt } : {}),
    };
    return paginate(
      RedemptionModel,
      filter,
      { limit: query.limit, cursor: query.cursor, list: 'redemptions' },
      (r: Redemption) => r,
    );
  }

  async create(
    input: CreateRedemptionBody,
    ctx: { principal: Principal; requestKey: string | null },
  ): Promise<{ redemption: Redemption; balance: Balance; isDryRun: boolean }> {
    const isDryRun = input.dryRun === true;
    const storeId = storeScopeOf(ctx.principal, input.storeId);
    const member = await this.deps.members.get(input.memberId);
    if (member.isBlocked) {
      throw new ConflictError('MEMBER_BLOCKED', `Member ${input.memberId} is blocked and cannot redeem`);
    }
    let verified: VerifiedCardCode | null = null;
    if (input.cardCode) {
      verified = await this.deps.members.verifyCardCode(input.cardCode);
      if (!verified.member._id.equals(member._id)) {
        throw new AppError(
          'unprocessable',
          'CARD_CODE_MEMBER_MISMATCH',
          'The card code belongs to another member than memberId; scan the card of the member who redeems',
        );
      }
    }
    let reward: Reward | null = null;
    let points: number;
    let apply: RedemptionApply;
    if ('rewardId' in input) {
      reward = await this.deps.rewards.get(input.rewardId);
      this.deps.rewards.assertRedeemable(reward, member);
      points = reward.pointsCost;
      apply = this.applyOf(reward);
    } else {
      const program = await this.deps.program.get();
      points = input.points;
      apply = { kind: 'points_payment', valueMinor: input.points * program.pointValueMinor };
    }
    if (ctx.requestKey && !isDryRun) {
      const existing = await RedemptionModel.findOne({ requestKey: ctx.requestKey }).lean();
      if (existing) return this.answer(existing, isDryRun);
    }
    const now = this.deps.clock.now();
    try {
      return await runInTransaction(
        async (session) => {
          if (verified) await this.deps.members.consumeCardCode(session, verified, 'redemption');
          const { redemption } = await this.spendInSession(session, {
            member,
            reward,
            points,
            apply,
            storeId,
            status: 'completed',
            checkoutId: null,
            requestKey: ctx.requestKey,
            actor: actorOf(ctx.principal),
            now,
          });
          return { redemption, balance: await this.deps.ledger.balance(member._id, session), isDryRun };
        },
        { isDryRun },
      );
    } catch (error) {
      if ((error as { code?: number }).code === 11000 && ctx.requestKey && !isDryRun) {
        const existing = await RedemptionModel.findOne({ requestKey: ctx.requestKey }).lean();
        if (existing) return this.answer(existing, isDryRun);
      }
      throw error;
    }
  }

  /** What a reward gives at the till. */
  applyOf(reward: Reward): RedemptionApply {
    return {
      kind: reward.kind,
      ...(reward.valueMinor !== null ? { valueMinor: reward.valueMinor } : {}),
      ...(reward.percent !== null ? { percent: reward.percent } : {}),
      ...(reward.sku !== null ? { sku: reward.sku } : {}),
    };
  }

  /**
   * Spends the points of a redemption in the caller's transaction: the per-member limit, a unit of a
   * limited stock and the conditional debit of the member's balance (409 INSUFFICIENT_POINTS). A
   * `held` redemption (a checkout's hold) is the same spend, completed or given back when its checkout
   * closes; only a completed one is announced (`redemption.created`).
   */
  async spendInSession(
    session: ClientSession,
    input: {
      member: Member;
      reward: Reward | null;
      points: number;
      apply: RedemptionApply;
      storeId: string | null;
      status: 'held' | 'completed';
      checkoutId: Types.ObjectId | null;
      requestKey: string | null;
      actor: EntryActor;
      now: Date;
      /** Queue the writes after the guarded debit on the caller's batch (flushed by the caller). */
      batch?: WriteBatch;
    },
  ): Promise<{ redemption: Redemption; memberPoints: MemberPoints }> {
    const { member, reward, points, apply, now } = input;
    const id = new Types.ObjectId();
    if (reward?.perMemberLimit) {
      // Every redemption of the member writes the member's balance in its transaction, so two
      // concurrent ones conflict and this count cannot be stale when the transaction commits.
      const used = await RedemptionModel.countDocuments({
        rewardId: reward._id,
        memberId: member._id,
        status: { $in: ['held', 'completed'] },
      }).session(session);
      if (used >= reward.perMemberLimit) {
        throw new ConflictError(
          'LIMIT_REACHED',
          `The reward "${reward.name}" can be redeemed ${reward.perMemberLimit} time(s) per member; this member has used it ${used} time(s)`,
          { limit: reward.perMemberLimit, used },
        );
      }
    }
    if (reward && reward.stock !== null) {
      const taken = await RewardModel.updateOne(
        { _id: reward._id, stock: { $gte: 1 } },
        { $inc: { stock: -1 } },
        { session },
      );
      if (taken.matchedCount !== 1) {
        throw new ConflictError('OUT_OF_STOCK', `The reward "${reward.name}" is out of stock`);
      }
    }
    const { allocations, memberPoints } = await this.deps.ledger.debitInSession(session, {
      memberId: member._id,
      type: 'redeem',
      points,
      reason: reward
        ? `${input.status === 'held' ? 'Held for a sale' : 'Redeemed'}: "${reward.name}"`
        : `${input.status === 'held' ? 'Held for a sale' : 'Paid with points'} (${apply.valueMinor ?? 0} minor units)`,
      source: { type: 'redemption', id: id.toHexString() },
      actor: input.actor,
      at: now,
      now,
      dedupeKey: `redeem:${id.toHexString()}`,
      ...(input.batch ? { batch: input.batch } : {}),
    });
    const redemption: Redemption = {
      _id: id,
      memberId: member._id,
      rewardId: reward?._id ?? null,
      storeId: input.storeId ? new Types.ObjectId(input.storeId) : null,
      pointsSpent: points,
      apply,
      status: input.status,
      allocations: allocations.map((a) => ({ lotId: a.lotId, points: a.points, returned: 0 })),
      purchaseId: null,
      checkoutId: input.checkoutId,
      requestKey: input.requestKey,
      createdAt: now,
      cancelledAt: null,
    };
    if (input.batch) input.batch.insertOne(RedemptionModel, redemption);
    else await RedemptionModel.collection.insertOne(redemption, { session });
    if (input.status === 'completed') await this.announce(input.batch ?? session, redemption, now);
    return { redemption, memberPoints };
  }

  /** `redemption.created`, in the transaction that completes the redemption. */
  private async announce(
    target: ClientSession | WriteBatch,
    redemption: Redemption,
    now: Date,
  ): Promise<void> {
    await this.deps.events.append(target, {
      type: 'redemption.created',
      occurredAt: now,
      memberId: redemption.memberId,
      storeId: redemption.storeId,
      subject: {
        redemptionId: redemption._id,
        ...(redemption.rewardId ? { rewardId: redemption.rewardId } : {}),
      },
      payload: {
        redemptionId: redemption._id.toHexString(),
        rewardId: redemption.rewardId?.toHexString() ?? null,
        pointsSpent: redemption.pointsSpent,
        apply: redemption.apply,
        ...(redemption.checkoutId ? { checkoutId: redemption.checkoutId.toHexString() } : {}),
      },
    });
  }

  /**
   * Turns a checkout's held redemptions into completed ones (the purchase links them next, in the same
   * transaction). Conditional on `held`: a hold released meanwhile (expiry) fails the completion.
   */
  async completeHeldInSession(
    session: ClientSession,
    input: { redemptionIds: Types.ObjectId[]; checkoutId: Types.ObjectId; now: Date; batch: WriteBatch },
  ): Promise<void> {
    for (const id of input.redemptionIds) {
      const redemption = await nativeCollection<Redemption>(RedemptionModel).findOneAndUpdate(
        { _id: id, status: 'held', checkoutId: input.checkoutId },
        { $set: { status: 'completed' } },
        { session, returnDocument: 'after' },
      );
      if (!redemption) throw new RetryTransaction(`hold ${id.toHexString()} changed during completion`);
      // Its event goes with the purchase's writes, in the same round trip.
      await this.announce(input.batch, redemption, input.now);
    }
  }

  /**
   * Gives a held redemption's points back to their lots (points whose lot expired meanwhile stay
   * expired) and its unit back to stock. Idempotent: a hold already released is left alone.
   */
  async releaseHeldInSession(
    session: ClientSession,
    input: { redemptionId: Types.ObjectId; reason: string; actor: EntryActor; now: Date },
  ): Promise<{ restored: number; expired: number }> {
    const redemption = await RedemptionModel.findOneAndUpdate(
      { _id: input.redemptionId, status: 'held' },
      { $set: { status: 'cancelled', cancelledAt: input.now } },
      { session, new: false, lean: true },
    );
    if (!redemption) return { restored: 0, expired: 0 };
    const result = await this.giveBackInSession(session, redemption, input);
    await RedemptionModel.updateOne(
      { _id: redemption._id },
      { $set: { allocations: redemption.allocations.map((a) => ({ ...a, returned: a.points })) } },
      { session },
    );
    return result;
  }

  /**
   * What cancelling and releasing a redemption share: its outstanding points back to the lots they came
   * from (those whose lot expired meanwhile stay expired) and a limited reward's unit back to stock.
   * The caller changes the redemption's status under its own condition.
   */
  private async giveBackInSession(
    session: ClientSession,
    redemption: Redemption,
    input: { reason: string; actor: EntryActor; now: Date },
  ): Promise<{ restored: number; expired: number }> {
    const id = redemption._id.toHexString();
    const result = await this.deps.ledger.restoreInSession(session, {
      memberId: redemption.memberId,
      type: 'cancel',
      allocations: redemption.allocations.map((a) => ({ lotId: a.lotId, points: a.points - a.returned })),
      reason: input.reason,
      source: { type: 'redemption', id },
      actor: input.actor,
      at: input.now,
      now: input.now,
      dedupeKey: `cancel:${id}`,
    });
    if (redemption.rewardId) {
      await RewardModel.updateOne(
        { _id: redemption.rewardId, stock: { $ne: null } },
        { $inc: { stock: 1 } },
        { session },
      );
    }
    return result;
  }

  private async answer(redemption: Redemption, isDryRun: boolean) {
    return { redemption, balance: await this.deps.ledger.balance(redemption.memberId), isDryRun };
  }

  /**
   * Cancels a redemption that did not go through at the till: its points go back to the lots they came
   * from (those whose lot expired meanwhile stay expired) and a limited reward's unit goes back to stock.
   * A redemption that paid for a recorded purchase is settled: only a refund of that sale gives its
   * points back (409 `REDEMPTION_SETTLED`), so that the sale never keeps a discount nobody paid for.
   */
  async cancel(
    id: string,
    principal: Principal,
  ): Promise<{ redemption: Redemption; balance: Balance; pointsReturned: number; pointsExpired: number }> {
    const found = await this.get(id);
    // A caller bound to a store cancels what was redeemed there only.
    if (found.storeId) storeScopeOf(principal, found.storeId.toHexString());
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const redemption = await RedemptionModel.findById(id).session(session).lean();
      if (!redemption) throw new NotFoundError('Redemption', id);
      if (redemption.status === 'cancelled') {
        throw new ConflictError('REDEMPTION_ALREADY_CANCELLED', `Redemption ${id} was already cancelled`);
      }
      if (redemption.purchaseId) throw settled(id, redemption.purchaseId);
      if (redemption.status === 'held') {
        throw new ConflictError(
          'REDEMPTION_HELD',
          `Redemption ${id} is held by an open checkout; remove it from the checkout or cancel the checkout`,
          { checkoutId: redemption.checkoutId?.toHexString() ?? null },
        );
      }
      const result = await this.giveBackInSession(session, redemption, {
        reason: 'Redemption cancelled',
        actor: actorOf(principal),
        now,
      });
      // `purchaseId: null` in the condition: a purchase linking this redemption meanwhile wins.
      const updated = await RedemptionModel.findOneAndUpdate(
        { _id: redemption._id, status: 'completed', purchaseId: null },
        {
          $set: {
            status: 'cancelled',
            cancelledAt: now,
            allocations: redemption.allocations.map((a) => ({ ...a, returned: a.points })),
          },
        },
        { session, new: true, lean: true },
      );
      if (!updated) {
        const current = await RedemptionModel.findById(redemption._id).session(session).lean();
        if (current?.purchaseId) throw settled(id, current.purchaseId);
        throw new ConflictError('REDEMPTION_ALREADY_CANCELLED', `Redemption ${id} was already cancelled`);
      }
      await this.deps.events.append(session, {
        type: 'redemption.cancelled',
        occurredAt: now,
        memberId: redemption.memberId,
        storeId: redemption.storeId,
        subject: {
          redemptionId: redemption._id,
          ...(redemption.rewardId ? { rewardId: redemption.rewardId } : {}),
        },
        payload: {
          redemptionId: id,
          rewardId: redemption.rewardId?.toHexString() ?? null,
          pointsSpent: redemption.pointsSpent,
          pointsReturned: result.restored,
          pointsExpired: result.expired,
        },
      });
      return {
        redemption: updated,
        balance: await this.deps.ledger.balance(redemption.memberId, session),
        pointsReturned: result.restored,
        pointsExpired: result.expired,
      };
    });
  }

  /**
   * Gives back `points` spent on a purchase's redemptions (a refund restores them in proportion), to
   * their original lots, inside the refund's transaction.
   */
  async restoreForRefundInSession(
    session: ClientSession,
    input: {
      redemptionIds: Types.ObjectId[];
      points: number;
      refundId: string;
      memberId: Types.ObjectId;
      actor: EntryActor;
      now: Date;
    },
  ): Promise<{ restored: number; expired: number }> {
    let left = input.points;
    const plan: { redemption: Redemption; index: number; points: number }[] = [];
    const redemptions = await RedemptionModel.find({ _id: { $in: input.redemptionIds }, status: 'completed' })
      .session(session)
      .lean();
    for (const redemption of redemptions) {
      redemption.allocations.forEach((a, index) => {
        const give = Math.min(a.points - a.returned, left);
        if (give > 0) {
          plan.push({ redemption, index, points: give });
          left -= give;
        }
      });
    }
    if (plan.length === 0) return { restored: 0, expired: 0 };
    const result = await this.deps.ledger.restoreInSession(session, {
      memberId: input.memberId,
      type: 'refund_restore',
      actor: input.actor,
      allocations: plan.map((p) => ({
        lotId: p.redemption.allocations[p.index]?.lotId ?? new Types.ObjectId(),
        points: p.points,
      })),
      reason: 'Refund: points spent on the purchase given back',
      source: { type: 'refund', id: input.refundId },
      at: input.now,
      now: input.now,
      dedupeKey: `refund_restore:${input.refundId}`,
    });
    for (const p of plan) {
      const updated = await RedemptionModel.updateOne(
        {
          _id: p.redemption._id,
          [`allocations.${p.index}.returned`]: p.redemption.allocations[p.index]?.returned,
        },
        { $inc: { [`allocations.${p.index}.returned`]: p.points } },
        { session },
      );
      if (updated.matchedCount !== 1)
        throw new ConflictError('REDEMPTION_CHANGED', 'A redemption changed during the refund; retry');
    }
    return result;
  }
}

function settled(id: string, purchaseId: Types.ObjectId): ConflictError {
  return new ConflictError(
    'REDEMPTION_SETTLED',
    `Redemption ${id} paid for purchase ${purchaseId.toHexString()}; refund that purchase to give its points back`,
    { purchaseId: purchaseId.toHexString() },
  );
}

export function toRedemptionResponse(r: Redemption, balance: Balance, isDryRun = false) {
  return {
    ...(isDryRun ? { dryRun: true as const } : {}),
    id: r._id.toHexString(),
    memberId: r.memberId.toHexString(),
    rewardId: r.rewardId?.toHexString() ?? null,
    storeId: r.storeId?.toHexString() ?? null,
    pointsSpent: r.pointsSpent,
    apply: r.apply,
    status: r.status,
    purchaseId: r.purchaseId?.toHexString() ?? null,
    balance,
    createdAt: r.createdAt.toISOString(),
  };
}
