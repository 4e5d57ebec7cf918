import { Types, type ClientSession } from 'mongoose';
import type { StampsAddedSummary, StampsRemovedSummary, WalletStampCard } from '@regulars/contracts';
import type { EmittedEffect } from '@regulars/rules';
import type { Clock } from '../../platform/clock.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import { TtlCache } from '../../platform/ttl-cache.js';
import type { WriteBatch } from '../../platform/write-batch.js';
import type { EventService } from '../events/event.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import { RewardModel, type Reward } from '../rewards/reward.model.js';
import type { StampCardService } from './stamp-card.service.js';
import { markWallet } from '../members/wallet-kinds.js';
import {
  MemberStampCardModel,
  StampAwardModel,
  StampCardDefinitionModel,
  StampRewardModel,
  type MemberStampCard,
  type StampAward,
  type StampCardDefinition,
  type StampReward,
} from './stamp.model.js';

const DAY_MS = 24 * 3600_000;
const DEFINITION_CACHE_MS = 5_000;

/** What the rules read about stamp cards: the member's stamps and each card's threshold, by definition id. */
export type StampFacts = { balances: Record<string, number>; thresholds: Record<string, number> };

/** A usable unlocked reward (its id), the card it came from, what it gives (the catalogue reward) and until when. */
export type UnlockedStampReward = { id: Types.ObjectId; cardName: string; reward: Reward; expiresAt: Date };

/** Checkouts name themselves by id; the reward keeps it as a string. */
type CheckoutId = Types.ObjectId | string;

type StampsAddedEffect = Extract<EmittedEffect, { type: 'stampsAdded' }>;

const isStampsAdded = (effect: EmittedEffect): effect is StampsAddedEffect => effect.type === 'stampsAdded';

/**
 * Members' stamp cards and the rewards full cards unlock. Stamps are added with `$inc` inside the
 * purchase's transaction (a concurrent purchase of the same member conflicts and retries: no stamp is
 * lost); a full card is taken off in the same transaction and unlocks one reward in the wallet. Refunds
 * take stamps back in proportion; rewards follow the protocol unlocked → held → used (checkout), or
 * expire (sweep on the injected clock), or are locked again by a refund.
 */
export class StampService {
  /**
   * The definitions the published rules name, read once per few seconds per process for the facts of
   * every accrual (what the purchase then adds is decided on the definitions read in its transaction).
   */
  private readonly ruleCards = new TtlCache<string, StampCardDefinition[]>(DEFINITION_CACHE_MS);

  constructor(private readonly deps: { clock: Clock; events: EventService; cards: StampCardService }) {}

  /**
   * The member's stamps and the thresholds of the active definitions among `cardIds` (the accrual path,
   * cached briefly), or of all active definitions (`null`: simulations, read fresh).
   */
  async factsFor(memberId: Types.ObjectId | null, cardIds: readonly string[] | null): Promise<StampFacts> {
    const definitions = cardIds
      ? await this.ruleCards.get([...cardIds].sort().join(','), () => this.deps.cards.activeByIds(cardIds))
      : await StampCardDefinitionModel.find({ status: 'active' }).lean();
    const thresholds: Record<string, number> = {};
    for (const d of definitions) thresholds[d._id.toHexString()] = d.threshold;
    const balances: Record<string, number> = {};
    if (memberId && definitions.length > 0) {
      const cards = await MemberStampCardModel.find(
        { memberId, definitionId: { $in: definitions.map((d) => d._id) } },
        { definitionId: 1, stamps: 1 },
      ).lean();
      for (const card of cards) balances[card.definitionId.toHexString()] = card.stamps;
    }
    return { balances, thresholds };
  }

  /** Refuses a rule whose `addStamps` names no active definition (422 STAMP_CARD_NOT_AVAILABLE). */
  assertRuleCardsActive(
    rule: { effects: readonly { type: string; cardId?: string }[] },
    prefix: string,
  ): Promise<void> {
    return this.deps.cards.assertRuleCardsActive(rule, prefix);
  }

  /**
   * Carries out a purchase's `stampsAdded` effects in its transaction: per card, `$inc` the stamps, pay
   * stamp debt first, take full cards off and unlock one reward per full card (expiring after the
   * definition's validity days), and record what the purchase added (for its refunds). The card update
   * is sent at once (it locks the card for the transaction); the rest is queued on `batch`. Effects on a
   * card that is not active (archived since the rule was published) add nothing.
   */
  async applyEffectsInSession(
    session: ClientSession,
    batch: WriteBatch,
    input: {
      memberId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      storeId: Types.ObjectId;
      effects: readonly EmittedEffect[];
      now: Date;
    },
  ): Promise<StampsAddedSummary[]> {
    const byCard = new Map<
      string,
      { stamps: number; rules: Array<{ ruleId: string; ruleVersion: number }> }
    >();
    for (const effect of input.effects.filter(isStampsAdded)) {
      const entry = byCard.get(effect.cardId) ?? { stamps: 0, rules: [] };
      entry.stamps += effect.stamps;
      entry.rules.push({ ruleId: effect.ruleId, ruleVersion: effect.ruleVersion });
      byCard.set(effect.cardId, entry);
    }
    if (byCard.size === 0) return [];
    const definitions = await this.deps.cards.activeByIds([...byCard.keys()]);
    const summaries: StampsAddedSummary[] = [];
    for (const definition of definitions) {
      const added = byCard.get(definition._id.toHexString());
      if (!added || added.stamps <= 0) continue;
      summaries.push(await this.addToCard(session, batch, { ...input, definition, ...added }));
    }
    return summaries;
  }

  private async addToCard(
    session: ClientSession,
    batch: WriteBatch,
    input: {
      memberId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      storeId: Types.ObjectId;
      definition: StampCardDefinition;
      stamps: number;
      rules: Array<{ ruleId: string; ruleVersion: number }>;
      now: Date;
    },
  ): Promise<StampsAddedSummary> {
    const { definition, memberId, now } = input;
    const card = await this.incrementCard(session, memberId, definition._id, input.stamps, now);
    const debtPaid = Math.min(card.debt, card.stamps);
    const fullCards = Math.floor((card.stamps - debtPaid) / definition.threshold);
    const balance = card.stamps - debtPaid - fullCards * definition.threshold;
    if (debtPaid > 0 || fullCards > 0) {
      batch.updateOne(
        MemberStampCardModel,
        { _id: card._id },
        {
          $inc: {
            debt: -debtPaid,
            stamps: -(debtPaid + fullCards * definition.threshold),
            completedCards: fullCards,
          },
        },
      );
    }
    const expiresAt = new Date(now.getTime() + definition.rewardValidityDays * DAY_MS);
    const rewards: StampReward[] = Array.from({ length: fullCards }, () => ({
      _id: new Types.ObjectId(),
      memberId,
      definitionId: definition._id,
      rewardId: definition.rewardId,
      status: 'unlocked',
      purchaseId: input.purchaseId,
      unlockedAt: now,
      expiresAt,
      checkoutId: null,
      heldAt: null,
      usedAt: null,
      usedPurchaseId: null,
      expiredAt: null,
      lockedAt: null,
      lockedByRefundId: null,
    }));
    for (const reward of rewards) batch.insertOne(StampRewardModel, reward);
    if (rewards.length > 0) await markWallet(batch, [memberId], 'stampRewards');
    const award: StampAward = {
      _id: new Types.ObjectId(),
      purchaseId: input.purchaseId,
      memberId,
      definitionId: definition._id,
      stamps: input.stamps,
      stampsRemoved: 0,
      rewardIds: rewards.map((r) => r._id),
      createdAt: now,
    };
    batch.insertOne(StampAwardModel, award);
    const common = { occurredAt: now, memberId, storeId: input.storeId };
    const definitionId = definition._id.toHexString();
    await this.deps.events.append(batch, {
      ...common,
      type: 'stamps.added',
      subject: { purchaseId: input.purchaseId, stampCardId: definition._id },
      payload: {
        purchaseId: input.purchaseId.toHexString(),
        stampCardId: definitionId,
        stamps: input.stamps,
        debtPaid,
        balance,
        threshold: definition.threshold,
        rewardsUnlocked: rewards.length,
        rules: input.rules,
      },
    });
    for (const reward of rewards) {
      await this.deps.events.append(batch, {
        ...common,
        type: 'stamp_reward.unlocked',
        subject: { stampRewardId: reward._id, stampCardId: definition._id, purchaseId: input.purchaseId },
        payload: {
          stampRewardId: reward._id.toHexString(),
          stampCardId: definitionId,
          rewardId: reward.rewardId.toHexString(),
          purchaseId: input.purchaseId.toHexString(),
          expiresAt: reward.expiresAt.toISOString(),
        },
      });
    }
    return {
      definitionId,
      name: definition.name,
      stamps: input.stamps,
      debtPaid,
      balance,
      threshold: definition.threshold,
      rewardsUnlocked: rewards.map((r) => ({
        id: r._id.toHexString(),
        expiresAt: r.expiresAt.toISOString(),
      })),
    };
  }

  /** `$inc` on the member's card (created on first use), answering the card after it. */
  private async incrementCard(
    session: ClientSession,
    memberId: Types.ObjectId,
    definitionId: Types.ObjectId,
    stamps: number,
    now: Date,
  ): Promise<MemberStampCard> {
    try {
      const card = await nativeCollection<MemberStampCard>(MemberStampCardModel).findOneAndUpdate(
        { memberId, definitionId },
        {
          $inc: { stamps },
          $set: { updatedAt: now },
          $setOnInsert: { _id: new Types.ObjectId(), debt: 0, completedCards: 0 },
        },
        { upsert: true, returnDocument: 'after', session },
      );
      if (!card) throw new Error('stamp card upsert returned nothing');
      return card;
    } catch (error) {
      // Two first stamps of one member racing to create the card: the loser retries and finds it.
      if ((error as { code?: number }).code === 11000)
        throw new RetryTransaction('stamp card created concurrently');
      throw error;
    }
  }

  /**
   * Takes back, in the refund's transaction, the stamps the purchase added in proportion to what is
   * refunded: after refunds totalling R of a total T, floor(stamps × R / T) stamps are taken back (the
   * member keeps a partial stamp until the refund is complete; a full refund takes back all). Stamps come
   * off the current card first; when that is not enough, a completed card is broken: its reward is locked
   * again if still unlocked (this purchase's rewards first, then the newest), giving its stamps back to the
   * card; when no unlocked reward is left (used or held), what is still owed becomes stamp debt.
   */
  async removeForRefundInSession(
    session: ClientSession,
    input: {
      purchaseId: Types.ObjectId;
      refundId: Types.ObjectId;
      storeId: Types.ObjectId;
      refundedMinor: number;
      totalMinor: number;
      isFullyRefunded: boolean;
      now: Date;
    },
  ): Promise<StampsRemovedSummary[]> {
    const awards = await StampAwardModel.find({ purchaseId: input.purchaseId }).session(session).lean();
    const summaries: StampsRemovedSummary[] = [];
    for (const award of awards) {
      const target = input.isFullyRefunded
        ? award.stamps
        : input.totalMinor === 0
          ? 0
          : Math.floor((award.stamps * input.refundedMinor) / input.totalMinor);
      const toRemove = target - award.stampsRemoved;
      if (toRemove <= 0) continue;
      const marked = await StampAwardModel.updateOne(
        { _id: award._id, stampsRemoved: award.stampsRemoved },
        { $set: { stampsRemoved: target } },
        { session },
      );
      if (marked.matchedCount !== 1) throw new RetryTransaction('stamps refunded concurrently');
      summaries.push(await this.removeFromCard(session, { ...input, award, toRemove }));
    }
    return summaries;
  }

  private async removeFromCard(
    session: ClientSession,
    input: {
      award: StampAward;
      toRemove: number;
      refundId: Types.ObjectId;
      storeId: Types.ObjectId;
      now: Date;
    },
  ): Promise<StampsRemovedSummary> {
    const { award, now } = input;
    const memberId = award.memberId;
    // A write first: it locks the card for this transaction, so a concurrent purchase retries after it.
    const card = await nativeCollection<MemberStampCard>(MemberStampCardModel).findOneAndUpdate(
      { memberId, definitionId: award.definitionId },
      { $set: { updatedAt: now } },
      { returnDocument: 'after', session },
    );
    if (!card) throw new Error(`stamp card of award ${award._id.toHexString()} is missing`);
    const definition = await StampCardDefinitionModel.findById(award.definitionId).session(session).lean();
    const threshold = definition?.threshold ?? 1;
    let left = input.toRemove;
    const fromCard = Math.min(card.stamps, left);
    left -= fromCard;
    let stampsDelta = -fromCard;
    const locked: Types.ObjectId[] = [];
    while (left > 0) {
      const reward = await this.lockOne(session, award, locked, input.refundId, now);
      if (!reward) break;
      locked.push(reward._id);
      const take = Math.min(threshold, left);
      left -= take;
      stampsDelta += threshold - take;
    }
    const debtAdded = left;
    await MemberStampCardModel.updateOne(
      { _id: card._id },
      { $inc: { stamps: stampsDelta, completedCards: -locked.length, debt: debtAdded } },
      { session },
    );
    const common = { occurredAt: now, memberId, storeId: input.storeId };
    const stampCardId = award.definitionId.toHexString();
    await this.deps.events.append(session, {
      ...common,
      type: 'stamps.removed',
      subject: { refundId: input.refundId, purchaseId: award.purchaseId, stampCardId: award.definitionId },
      payload: {
        refundId: input.refundId.toHexString(),
        purchaseId: award.purchaseId.toHexString(),
        stampCardId,
        stamps: input.toRemove,
        balance: card.stamps + stampsDelta,
        rewardsLocked: locked.map(String),
        debtAdded,
      },
    });
    for (const id of locked) {
      await this.deps.events.append(session, {
        ...common,
        type: 'stamp_reward.locked',
        subject: { stampRewardId: id, stampCardId: award.definitionId, refundId: input.refundId },
        payload: { stampRewardId: id.toHexString(), stampCardId, refundId: input.refundId.toHexString() },
      });
    }
    return {
      definitionId: stampCardId,
      stamps: input.toRemove,
      rewardsLocked: locked.map(String),
      debtAdded,
    };
  }

  /** Locks one unlocked reward of the award's card: the award's own first, then the newest. */
  private async lockOne(
    session: ClientSession,
    award: StampAward,
    exclude: readonly Types.ObjectId[],
    refundId: Types.ObjectId,
    now: Date,
  ): Promise<StampReward | null> {
    const base = { memberId: award.memberId, definitionId: award.definitionId, status: 'unlocked' as const };
    const set = { $set: { status: 'locked' as const, lockedAt: now, lockedByRefundId: refundId } };
    for (const filter of [
      { ...base, _id: { $in: award.rewardIds, $nin: exclude } },
      { ...base, _id: { $nin: exclude } },
    ]) {
      const reward = await nativeCollection<StampReward>(StampRewardModel).findOneAndUpdate(filter, set, {
        sort: { unlockedAt: -1, _id: -1 },
        returnDocument: 'after',
        session,
      });
      if (reward) return reward;
    }
    return null;
  }

  /** The member's stamp cards as the card and the desk show them: every active card, and any with usable rewards. */
  async wallet(memberId: Types.ObjectId, now: Date): Promise<WalletStampCard[]> {
    const [cards, usable, active] = await Promise.all([
      MemberStampCardModel.find({ memberId }).lean(),
      this.usableRewards(memberId, now),
      StampCardDefinitionModel.find({ status: 'active' }).sort({ _id: 1 }).lean(),
    ]);
    const wanted = new Set([
      ...active.map((d) => d._id.toHexString()),
      ...usable.map((r) => r.definitionId.toHexString()),
    ]);
    const extra = [...wanted].filter((id) => !active.some((d) => d._id.toHexString() === id));
    const definitions = [
      ...active,
      ...(extra.length ? await StampCardDefinitionModel.find({ _id: { $in: extra } }).lean() : []),
    ];
    const names = await rewardNames(usable.map((r) => r.rewardId));
    return definitions.map((definition) => {
      const id = definition._id.toHexString();
      const card = cards.find((c) => c.definitionId.equals(definition._id));
      return {
        definitionId: id,
        name: definition.name,
        threshold: definition.threshold,
        stamps: card?.stamps ?? 0,
        rewards: usable
          .filter((r) => r.definitionId.equals(definition._id))
          .map((r) => ({
            id: r._id.toHexString(),
            rewardName: names.get(r.rewardId.toHexString()) ?? definition.name,
            expiresAt: r.expiresAt.toISOString(),
          })),
      };
    });
  }

  /** The member's usable unlocked rewards, each with the catalogue reward that says what it gives. */
  async unlockedFor(memberId: Types.ObjectId, now: Date): Promise<UnlockedStampReward[]> {
    const usable = await this.usableRewards(memberId, now);
    if (usable.length === 0) return [];
    const [rewards, definitions] = await Promise.all([
      RewardModel.find({ _id: { $in: usable.map((r) => r.rewardId) } }).lean(),
      StampCardDefinitionModel.find({ _id: { $in: usable.map((r) => r.definitionId) } }).lean(),
    ]);
    return usable.flatMap((stampReward) => {
      const reward = rewards.find((r) => r._id.equals(stampReward.rewardId));
      const definition = definitions.find((d) => d._id.equals(stampReward.definitionId));
      return reward && definition ? [toUnlocked(stampReward, reward, definition)] : [];
    });
  }

  /**
   * Holds an unlocked reward for a checkout: one conditional update unlocked → held, so that of two tills
   * holding the same reward exactly one wins. Holding it again for the same checkout answers it again.
   */
  async holdInSession(
    session: ClientSession,
    input: { id: Types.ObjectId; memberId: Types.ObjectId; checkoutId: CheckoutId; now: Date },
  ): Promise<UnlockedStampReward> {
    const checkoutId = String(input.checkoutId);
    const held = await nativeCollection<StampReward>(StampRewardModel).findOneAndUpdate(
      { _id: input.id, memberId: input.memberId, status: 'unlocked', expiresAt: { $gt: input.now } },
      { $set: { status: 'held', checkoutId, heldAt: input.now } },
      { returnDocument: 'after', session },
    );
    if (held) {
      await this.appendRewardEvent(session, 'stamp_reward.held', held, input.now, { checkoutId });
      return this.describe(session, held);
    }
    const current = await StampRewardModel.findById(input.id).session(session).lean();
    if (!current || !current.memberId.equals(input.memberId))
      throw new NotFoundError('Stamp reward', input.id.toHexString());
    if (current.status === 'held' && current.checkoutId === checkoutId)
      return this.describe(session, current);
    throw notAvailable(current, input.now);
  }

  /** A reward with its catalogue reward and card, for the checkout that holds it. */
  private async describe(session: ClientSession, stampReward: StampReward): Promise<UnlockedStampReward> {
    // One operation at a time: a session in a transaction is not for concurrent commands.
    const reward = await RewardModel.findById(stampReward.rewardId).session(session).lean();
    const definition = await StampCardDefinitionModel.findById(stampReward.definitionId)
      .session(session)
      .lean();
    if (!reward) throw new NotFoundError('Reward', stampReward.rewardId.toHexString());
    if (!definition) throw new NotFoundError('Stamp card', stampReward.definitionId.toHexString());
    return toUnlocked(stampReward, reward, definition);
  }

  /** Releases a reward held by `checkoutId` (held → unlocked); releasing twice, or what it no longer holds, does nothing. */
  async releaseInSession(
    session: ClientSession,
    input: { id: Types.ObjectId; checkoutId: CheckoutId },
  ): Promise<void> {
    const checkoutId = String(input.checkoutId);
    const released = await nativeCollection<StampReward>(StampRewardModel).findOneAndUpdate(
      { _id: input.id, status: 'held', checkoutId },
      { $set: { status: 'unlocked', checkoutId: null, heldAt: null } },
      { returnDocument: 'after', session },
    );
    if (released)
      await this.appendRewardEvent(session, 'stamp_reward.released', released, this.deps.clock.now(), {
        checkoutId,
      });
  }

  /** Uses a reward held by `checkoutId` on its purchase (held → used); committing it again answers it again. */
  async commitInSession(
    session: ClientSession,
    input: { id: Types.ObjectId; checkoutId: CheckoutId; purchaseId: Types.ObjectId; now: Date },
  ): Promise<void> {
    const checkoutId = String(input.checkoutId);
    const used = await nativeCollection<StampReward>(StampRewardModel).findOneAndUpdate(
      { _id: input.id, status: 'held', checkoutId },
      { $set: { status: 'used', usedAt: input.now, usedPurchaseId: input.purchaseId } },
      { returnDocument: 'after', session },
    );
    if (used) {
      await this.appendRewardEvent(session, 'stamp_reward.used', used, input.now, {
        checkoutId,
        purchaseId: input.purchaseId.toHexString(),
      });
      return;
    }
    const current = await StampRewardModel.findById(input.id).session(session).lean();
    if (!current) throw new NotFoundError('Stamp reward', input.id.toHexString());
    if (current.status === 'used' && current.checkoutId === checkoutId) return;
    throw notAvailable(current, input.now);
  }

  /**
   * Expires unlocked rewards past their `expiresAt` on the injected clock, walking them by `_id` in
   * batches; each is a conditional update, so a rerun after a crash expires nothing twice.
   */
  async expireDue(
    options: { batchSize?: number; maxBatches?: number; afterReward?: (id: string) => void } = {},
  ): Promise<{ expired: number }> {
    const batchSize = options.batchSize ?? 500;
    const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
    const due = this.deps.clock.now();
    let expired = 0;
    let lastId: Types.ObjectId | null = null;
    for (let pass = 0; pass < maxBatches; pass += 1) {
      const filter: Record<string, unknown> = { status: 'unlocked', expiresAt: { $lte: due } };
      if (lastId) filter._id = { $gt: lastId };
      const rewards = await StampRewardModel.find(filter).sort({ _id: 1 }).limit(batchSize).lean();
      for (const reward of rewards) {
        const now = this.deps.clock.now();
        await runInTransaction(async (session) => {
          const changed = await nativeCollection<StampReward>(StampRewardModel).findOneAndUpdate(
            { _id: reward._id, status: 'unlocked', expiresAt: { $lte: now } },
            { $set: { status: 'expired', expiredAt: now } },
            { returnDocument: 'after', session },
          );
          if (!changed) return;
          await this.appendRewardEvent(session, 'stamp_reward.expired', changed, changed.expiresAt, {});
          expired += 1;
        });
        options.afterReward?.(reward._id.toHexString());
      }
      if (rewards.length < batchSize) break;
      lastId = rewards[rewards.length - 1]?._id ?? null;
    }
    return { expired };
  }

  private async usableRewards(memberId: Types.ObjectId, now: Date): Promise<StampReward[]> {
    return StampRewardModel.find({ memberId, status: 'unlocked', expiresAt: { $gt: now } })
      .sort({ expiresAt: 1, _id: 1 })
      .lean();
  }

  private async appendRewardEvent(
    session: ClientSession,
    type: 'stamp_reward.held' | 'stamp_reward.released' | 'stamp_reward.used' | 'stamp_reward.expired',
    reward: StampReward,
    occurredAt: Date,
    extra: Record<string, string>,
  ): Promise<void> {
    await this.deps.events.append(session, {
      type,
      occurredAt,
      memberId: reward.memberId,
      subject: { stampRewardId: reward._id, stampCardId: reward.definitionId },
      payload: {
        stampRewardId: reward._id.toHexString(),
        stampCardId: reward.definitionId.toHexString(),
        rewardId: reward.rewardId.toHexString(),
        ...extra,
      },
    });
  }
}

function toUnlocked(
  stampReward: StampReward,
  reward: Reward,
  definition: StampCardDefinition,
): UnlockedStampReward {
  return { id: stampReward._id, cardName: definition.name, reward, expiresAt: stampReward.expiresAt };
}

function notAvailable(reward: StampReward, now: Date): ConflictError {
  const why =
    reward.status === 'unlocked' && reward.expiresAt <= now
      ? `it expired at ${reward.expiresAt.toISOString()}`
      : reward.status === 'held'
        ? 'another checkout holds it'
        : reward.status === 'used'
          ? 'it was already used'
          : reward.status === 'expired'
            ? `it expired at ${reward.expiresAt.toISOString()}`
            : 'a refund locked it again';
  return new ConflictError('STAMP_REWARD_NOT_AVAILABLE', `This stamp reward cannot be used: ${why}`, {
    status: reward.status,
  });
}

async function rewardNames(ids: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rewards = await RewardModel.find({ _id: { $in: ids } }, { name: 1 }).lean();
  return new Map(rewards.map((r) => [r._id.toHexString(), r.name]));
}
