import { Types, type ClientSession } from 'mongoose';
import {
  TIER_PREVIEW_SAMPLE_MAX,
  type ClearTierOverrideBody,
  type MemberTier,
  type PublishTierLadderBody,
  type SetTierOverrideBody,
  type TierLadder,
  type TierLadderDraft,
  type TierPreview,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, NotFoundError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import type { Principal } from '../../platform/principal.js';
import { TtlCache } from '../../platform/ttl-cache.js';
import { WriteBatch } from '../../platform/write-batch.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import { MemberModel } from '../members/member.model.js';
import type { ProgramService } from '../program/program.service.js';
import type { MemberPrice, MemberPricingSource } from '../checkouts/instrument-port.js';
import {
  afterLadderChange,
  afterPurchase,
  afterRefund,
  atDue,
  baseState,
  keepRequirement,
  monthOf,
  moveTo,
  movedRank,
  qualifiedRank,
  rankOf,
  windowStart,
  windowValue,
  withDueDates,
  type Bucket,
  type Ladder,
  type TierChange,
  type TierState,
} from './tier-evaluation.js';
import {
  MemberTierModel,
  TierActivityModel,
  TierChangeModel,
  TierLadderModel,
  type MemberTierDoc,
  type TierLadderVersion,
} from './tier.model.js';

const LADDER_CACHE_MS = 5_000;
const HISTORY_SHOWN = 50;
/** Members a preview reads at a time. */
const PREVIEW_PAGE = 2000;

/**
 * The tier ladder and members' places on it. Activity (points earned by purchases, spend on goods, net
 * of refunds) is `$inc`ed per month in the purchase's and refund's transactions, and an upgrade happens
 * in the same transaction; refunds reverse the upgrade they un-qualify; the sweep (on the injected
 * clock) moves members to a newly published ladder, downgrades after qualification and grace, and warns
 * before. Every change writes a history row and an event with it.
 */
export class TierService {
  private readonly ladders = new TtlCache<'current', TierLadderVersion | null>(LADDER_CACHE_MS);

  constructor(
    private readonly deps: {
      clock: Clock;
      audit: AuditService;
      events: EventService;
      program: ProgramService;
    },
  ) {}

  /** The published ladder (newest version), read once per few seconds per process; null before the first. */
  currentLadder(): Promise<TierLadderVersion | null> {
    return this.ladders.get('current', () => TierLadderModel.findOne().sort({ version: -1 }).lean());
  }

  async getLadder(): Promise<TierLadder> {
    const ladder = await TierLadderModel.findOne().sort({ version: -1 }).lean();
    if (!ladder) throw new NotFoundError('Tier ladder');
    return toLadderResponse(ladder);
  }

  /** Publishes a new version of the ladder (audited); the sweep moves members onto it. */
  async publish(body: PublishTierLadderBody, principal: Principal): Promise<TierLadder> {
    const { reason, ...draft } = body;
    assertLadderValid(draft);
    const now = this.deps.clock.now();
    const published = await runInTransaction(async (session) => {
      const last = await TierLadderModel.findOne().sort({ version: -1 }).session(session).lean();
      const doc: TierLadderVersion = {
        _id: new Types.ObjectId(),
        version: (last?.version ?? 0) + 1,
        ...normalise(draft),
        publishedAt: now,
        publishedBy: { kind: principal.kind, id: principal.kind === 'anonymous' ? null : principal.id },
      };
      await TierLadderModel.create([doc], { session });
      await this.deps.events.append(session, {
        type: 'tier_ladder.published',
        occurredAt: now,
        subject: { tierLadderId: doc._id },
        payload: { version: doc.version, tiers: doc.tiers.map((t) => t.code) },
      });
      await this.deps.audit.record({
        actor: principal,
        action: 'tier_ladder.publish',
        entity: { type: 'tier_ladder', id: String(doc.version) },
        before: last ? toLadderResponse(last) : null,
        after: toLadderResponse(doc),
        ...(reason ? { reason } : {}),
        session,
      });
      return doc;
    });
    this.ladders.clear();
    return toLadderResponse(published);
  }

  /**
   * What publishing `draft` now would do: per tier, how many members would be in it and how many would
   * come in from below or above, with a sample of movers. Reads every member's state and this window's
   * activity a page of members at a time (indexed reads), computes in memory.
   */
  async preview(draft: TierLadderDraft): Promise<TierPreview> {
    assertLadderValid(draft);
    const ladder = normalise(draft);
    const { timeZone } = await this.deps.program.get();
    const now = this.deps.clock.now();
    const counts = ladder.tiers.map((t) => ({
      code: t.code,
      name: t.name,
      members: 0,
      movedUp: 0,
      movedDown: 0,
    }));
    const sample: TierPreview['sample'] = [];
    const current = await this.currentLadder();
    let evaluated = 0;
    let movedUp = 0;
    let movedDown = 0;
    // States by `_id` a page at a time, each page's window activity by its members (the activity index).
    let lastId: Types.ObjectId | null = null;
    for (;;) {
      const filter = lastId ? { _id: { $gt: lastId } } : {};
      const page: Array<Pick<MemberTierDoc, '_id' | 'memberId' | 'tierCode' | 'override'>> =
        await MemberTierModel.find(filter, { memberId: 1, tierCode: 1, override: 1 })
          .sort({ _id: 1 })
          .limit(PREVIEW_PAGE)
          .lean();
      if (page.length === 0) break;
      lastId = page[page.length - 1]?._id ?? null;
      const values = await this.windowValues(
        ladder,
        page.map((state) => state.memberId),
        now,
        timeZone,
      );
      for (const state of page) {
        evaluated += 1;
        const value = values.get(state.memberId.toHexString()) ?? 0;
        const fixed =
          state.override?.kind === 'fixed_until' && state.override.until && state.override.until > now;
        const rank = fixed ? Math.max(0, rankOf(ladder, state.tierCode)) : movedRank(ladder, state, value);
        const to = ladder.tiers[rank]!;
        const entry = counts[rank]!;
        entry.members += 1;
        const from = state.tierCode || null;
        if (from === to.code) continue;
        // Up or down is read on the draft's order; a tier the draft removes counts by its old threshold.
        const fromThreshold = fromThresholdOf(ladder, current, from);
        const isUp = fromThreshold === null || to.threshold > fromThreshold;
        if (isUp) {
          movedUp += 1;
          entry.movedUp += 1;
        } else {
          movedDown += 1;
          entry.movedDown += 1;
        }
        if (sample.length < TIER_PREVIEW_SAMPLE_MAX)
          sample.push({ memberId: state.memberId.toHexString(), from, to: to.code, qualifyingValue: value });
      }
      if (page.length < PREVIEW_PAGE) break;
    }
    return { evaluated, movedUp, movedDown, perTier: counts, sample };
  }

  /** Each member's value in the ladder's window at `at`, from their monthly activity. */
  private async windowValues(
    ladder: Ladder,
    memberIds: Types.ObjectId[],
    at: Date,
    timeZone: string,
  ): Promise<Map<string, number>> {
    const from = windowStart(ladder.window, at, timeZone);
    const to = monthOf(at, timeZone);
    const field = ladder.basis === 'points_earned' ? 'points' : 'spendMinor';
    const values = new Map<string, number>();
    const rows = await TierActivityModel.find(
      { memberId: { $in: memberIds }, month: from === null ? { $lte: to } : { $gte: from, $lte: to } },
      { memberId: 1, [field]: 1 },
    ).lean();
    for (const bucket of rows) {
      const key = bucket.memberId.toHexString();
      values.set(key, (values.get(key) ?? 0) + (bucket[field] ?? 0));
    }
    return values;
  }

  /**
   * A purchase's activity, in its transaction: `$inc` of its month, then an upgrade at once if the
   * window now reaches a higher tier (history, `tier.upgraded`, the member's `tier` for the rules).
   */
  async recordPurchaseInSession(
    session: ClientSession,
    batch: WriteBatch,
    input: {
      memberId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      storeId: Types.ObjectId;
      occurredAt: Date;
      points: number;
      spendMinor: number;
      timeZone: string;
      now: Date;
    },
  ): Promise<void> {
    if (input.points === 0 && input.spendMinor === 0) return;
    const month = monthOf(input.occurredAt, input.timeZone);
    // The month's counter rides on the purchase's own bulkWrite: no round trip of its own.
    batch.upsertOne(
      TierActivityModel,
      { memberId: input.memberId, month },
      { $inc: { points: input.points, spendMinor: input.spendMinor } },
    );
    const ladder = await this.currentLadder();
    if (!ladder) {
      // No ladder yet: the state only has to exist for the first ladder's sweep to move the member on.
      batch.upsertOne(
        MemberTierModel,
        { memberId: input.memberId },
        { $setOnInsert: newStateDocument(input.memberId, null, input.now) },
      );
      return;
    }
    const state = await this.currentStateInSession(
      session,
      input.memberId,
      ladder,
      input.now,
      input.timeZone,
    );
    // The stored months, read before the batch adds this purchase's share, which is added here.
    const buckets = withIncrement(await this.bucketsInSession(session, input.memberId), {
      month,
      points: input.points,
      spendMinor: input.spendMinor,
    });
    const { state: next, change } = afterPurchase(ladder, state, {
      buckets,
      at: input.now,
      timeZone: input.timeZone,
      purchaseId: input.purchaseId.toHexString(),
    });
    if (!change) return;
    await this.writeState(batch, state, next, ladder, [change], {
      at: input.now,
      storeId: input.storeId,
      subject: { purchaseId: input.purchaseId },
    });
  }

  /** A refund's activity, in its transaction: its share comes off the purchase's month; an upgrade it un-qualifies is reversed. */
  async recordRefundInSession(
    session: ClientSession,
    input: {
      memberId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      refundId: Types.ObjectId;
      storeId: Types.ObjectId;
      purchaseOccurredAt: Date;
      points: number;
      spendMinor: number;
      timeZone: string;
      now: Date;
    },
  ): Promise<void> {
    if (input.points === 0 && input.spendMinor === 0) return;
    const month = monthOf(input.purchaseOccurredAt, input.timeZone);
    await TierActivityModel.updateOne(
      { memberId: input.memberId, month },
      { $inc: { points: -input.points, spendMinor: -input.spendMinor } },
      { upsert: true, session },
    );
    const ladder = await this.currentLadder();
    if (!ladder) return;
    const state = await this.currentStateInSession(
      session,
      input.memberId,
      ladder,
      input.now,
      input.timeZone,
    );
    const buckets = await this.bucketsInSession(session, input.memberId);
    const { state: next, change } = afterRefund(ladder, state, {
      buckets,
      at: input.now,
      timeZone: input.timeZone,
      purchaseId: input.purchaseId.toHexString(),
    });
    if (!change) return;
    const batch = new WriteBatch();
    await this.writeState(batch, state, next, ladder, [change], {
      at: input.now,
      storeId: input.storeId,
      subject: { purchaseId: input.purchaseId, refundId: input.refundId },
    });
    await batch.flush(session);
  }

  /**
   * The member's state, created on first activity. A member first seen under a published ladder starts
   * on it (at the base tier); one created before any ladder waits for the sweep to move it on.
   */
  private async stateInSession(
    session: ClientSession,
    memberId: Types.ObjectId,
    ladder: TierLadderVersion | null,
    now: Date,
  ): Promise<MemberTierDoc> {
    const state = await nativeCollection<MemberTierDoc>(MemberTierModel).findOneAndUpdate(
      { memberId },
      { $setOnInsert: newStateDocument(memberId, ladder, now) },
      { upsert: true, returnDocument: 'after', session },
    );
    if (!state) throw new Error(`tier state of member ${memberId.toHexString()} was not created`);
    if (
      ladder &&
      state.rev === 0 &&
      state.ladderVersion === ladder.version &&
      state.tierCode === ladder.tiers[0]?.code
    )
      await MemberModel.updateOne(
        { _id: memberId, tier: null },
        { $set: { tier: state.tierCode } },
        { session },
      );
    return state;
  }

  private async bucketsInSession(session: ClientSession, memberId: Types.ObjectId): Promise<Bucket[]> {
    return TierActivityModel.find({ memberId }, { month: 1, points: 1, spendMinor: 1 })
      .session(session)
      .lean();
  }

  /** Queues the new state (guarded by `rev`), its history rows, events and the member's `tier` on `batch`. */
  private async writeState(
    batch: WriteBatch,
    before: MemberTierDoc,
    next: TierState,
    ladder: TierLadderVersion,
    changes: TierChange[],
    context: { at: Date; storeId?: Types.ObjectId | null; subject?: Record<string, Types.ObjectId> },
  ): Promise<void> {
    batch.updateOne(
      MemberTierModel,
      { _id: before._id, rev: before.rev },
      {
        $set: {
          tierCode: next.tierCode,
          since: next.since,
          qualifiedUntil: next.qualifiedUntil,
          dueAt: next.dueAt,
          warnAt: next.warnAt,
          override: next.override,
          lastUpgrade: next.lastUpgrade,
          ladderVersion: ladder.version,
          updatedAt: context.at,
        },
        $inc: { rev: 1 },
      },
      () => new RetryTransaction('tier state changed concurrently'),
    );
    if (next.tierCode !== before.tierCode)
      batch.updateOne(MemberModel, { _id: before.memberId }, { $set: { tier: next.tierCode } });
    for (const change of changes) {
      batch.insertOne(TierChangeModel, {
        _id: new Types.ObjectId(),
        memberId: before.memberId,
        at: context.at,
        kind: change.kind,
        from: change.from || null,
        to: change.to,
        reason: change.reason,
        ladderVersion: ladder.version,
      });
      const fromRank = change.from ? rankOf(ladder, change.from) : -1;
      const toRank = rankOf(ladder, change.to);
      if (fromRank === toRank) continue;
      await this.deps.events.append(batch, {
        type: toRank > fromRank ? 'tier.upgraded' : 'tier.downgraded',
        occurredAt: context.at,
        memberId: before.memberId,
        storeId: context.storeId ?? null,
        subject: context.subject ?? {},
        payload: {
          from: change.from || null,
          to: change.to,
          kind: change.kind,
          reason: change.reason,
          ladderVersion: ladder.version,
          qualifiedUntil: next.qualifiedUntil?.toISOString() ?? null,
        },
      });
    }
  }

  /**
   * The tier sweep (daily in production, every pass of a sandbox advance): moves members onto a newly
   * published ladder, then acts on downgrades and fixed overrides due, then sends warnings due. Walks
   * by indexed cursor, `batchSize` members a transaction; every write is guarded by the state's `rev`,
   * so a rerun after a crash does nothing twice.
   */
  async sweep(
    options: { batchSize?: number } = {},
  ): Promise<{ moved: number; downgraded: number; kept: number; warned: number }> {
    const batchSize = options.batchSize ?? 500;
    const ladder = await TierLadderModel.findOne().sort({ version: -1 }).lean();
    const result = { moved: 0, downgraded: 0, kept: 0, warned: 0 };
    if (!ladder) return result;
    const { timeZone } = await this.deps.program.get();
    const now = this.deps.clock.now();
    // Each walk reads its index in order (a range on its first key, then `_id`); what a batch handles
    // leaves the range (moved onto the ladder, due again later, warned), so the next query starts from
    // the front again. Ids already seen end a walk that would otherwise find them again.
    const walks: Array<{
      field: 'ladderVersion' | 'dueAt' | 'warnAt';
      range: unknown;
      step: 'ladder' | 'due' | 'warn';
    }> = [
      { field: 'ladderVersion', range: { $lt: ladder.version }, step: 'ladder' },
      { field: 'dueAt', range: { $lte: now }, step: 'due' },
      { field: 'warnAt', range: { $lte: now }, step: 'warn' },
    ];
    for (const walk of walks) {
      const seen = new Set<string>();
      for (;;) {
        const states = await MemberTierModel.find({ [walk.field]: walk.range })
          .sort({ [walk.field]: 1, _id: 1 })
          .limit(batchSize)
          .lean();
        const fresh = states.filter((state) => !seen.has(state._id.toHexString()));
        if (fresh.length === 0) break;
        for (const state of fresh) seen.add(state._id.toHexString());
        await this.sweepBatch(fresh, walk.step, ladder, now, timeZone, result);
        if (states.length < batchSize) break;
      }
    }
    return result;
  }

  private async sweepBatch(
    found: MemberTierDoc[],
    step: 'ladder' | 'due' | 'warn',
    ladder: TierLadderVersion,
    now: Date,
    timeZone: string,
    result: { moved: number; downgraded: number; kept: number; warned: number },
  ): Promise<void> {
    const counts = { moved: 0, downgraded: 0, kept: 0, warned: 0 };
    await runInTransaction(async (session) => {
      Object.assign(counts, { moved: 0, downgraded: 0, kept: 0, warned: 0 });
      // Read again in the transaction: what a purchase changed since the walk read it is what counts.
      const states = await MemberTierModel.find({ _id: { $in: found.map((s) => s._id) } })
        .session(session)
        .lean();
      const activity = await TierActivityModel.find({ memberId: { $in: states.map((s) => s.memberId) } })
        .session(session)
        .lean();
      const byMember = new Map<string, Bucket[]>();
      for (const b of activity) {
        const key = b.memberId.toHexString();
        const list = byMember.get(key) ?? [];
        list.push(b);
        byMember.set(key, list);
      }
      const batch = new WriteBatch();
      for (const state of states) {
        const buckets = byMember.get(state.memberId.toHexString()) ?? [];
        if (step === 'ladder') {
          if (state.ladderVersion >= ladder.version) continue;
          const { state: next, change } = afterLadderChange(ladder, state, { buckets, now, timeZone });
          await this.writeState(batch, state, next, ladder, change ? [change] : [], { at: now });
          if (change) counts.moved += 1;
        } else if (step === 'due') {
          if (!state.dueAt || state.dueAt > now || state.ladderVersion !== ladder.version) continue;
          const { state: next, changes } = atDue(ladder, state, { buckets, now, timeZone });
          await this.writeState(batch, state, next, ladder, changes, { at: now });
          if (changes.some((c) => c.kind === 'downgrade')) counts.downgraded += 1;
          else counts.kept += 1;
        } else {
          if (!state.warnAt || state.warnAt > now || !state.dueAt) continue;
          batch.updateOne(
            MemberTierModel,
            { _id: state._id, rev: state.rev },
            { $set: { warnAt: null, updatedAt: now }, $inc: { rev: 1 } },
            () => new RetryTransaction('tier state changed concurrently'),
          );
          // Warned only if the downgrade would happen on today's activity.
          const outcome = atDue(ladder, state, { buckets, now: state.dueAt, timeZone });
          const down = outcome.changes.find((c) => c.kind === 'downgrade');
          if (!down) continue;
          const keep = keepRequirement(ladder, state, buckets, timeZone);
          await this.deps.events.append(batch, {
            type: 'tier.will_downgrade',
            occurredAt: now,
            memberId: state.memberId,
            payload: {
              tier: state.tierCode,
              to: down.to,
              downgradeAt: state.dueAt.toISOString(),
              basis: ladder.basis,
              remaining: keep?.remaining ?? 0,
            },
          });
          counts.warned += 1;
        }
      }
      await batch.flush(session);
    });
    result.moved += counts.moved;
    result.downgraded += counts.downgraded;
    result.kept += counts.kept;
    result.warned += counts.warned;
  }

  /** Sets a manual override (`floor` or `fixed_until`, with a reason), audited; the tier follows at once. */
  async setOverride(memberId: string, body: SetTierOverrideBody, principal: Principal): Promise<MemberTier> {
    const reason = requireReason(body.reason);
    const ladder = await this.requireLadder();
    if (rankOf(ladder, body.tier) < 0)
      throw new AppError('unprocessable', 'TIER_UNKNOWN', `The ladder has no tier "${body.tier}"`);
    const now = this.deps.clock.now();
    const until = body.until ? new Date(body.until) : null;
    if (body.kind === 'fixed_until' ? !until || until <= now : until !== null)
      throw new AppError(
        'unprocessable',
        'TIER_OVERRIDE_UNTIL_INVALID',
        body.kind === 'fixed_until'
          ? '`fixed_until` needs an `until` in the future'
          : '`floor` takes no `until`',
      );
    const id = await this.requireMember(memberId);
    const { timeZone } = await this.deps.program.get();
    await runInTransaction(async (session) => {
      const state = await this.currentStateInSession(session, id, ladder, now, timeZone);
      const override = { kind: body.kind, tierCode: body.tier, until, reason };
      const rank = rankOf(ladder, body.tier);
      const tierCode =
        body.kind === 'fixed_until'
          ? body.tier
          : ladder.tiers[Math.max(rank, rankOf(ladder, state.tierCode))]!.code;
      const moved: TierState = {
        ...state,
        override,
        tierCode,
        since: tierCode === state.tierCode ? state.since : now,
        qualifiedUntil: tierCode === state.tierCode ? state.qualifiedUntil : null,
        lastUpgrade: null,
      };
      const next = withDueDates(ladder, moved);
      const batch = new WriteBatch();
      const change: TierChange = {
        kind: 'override',
        from: state.tierCode,
        to: tierCode,
        reason: `${body.kind === 'floor' ? 'floor' : `fixed until ${body.until}`}: ${reason}`,
      };
      await this.writeState(batch, state, next, ladder, [change], { at: now });
      await this.deps.events.append(batch, {
        type: 'tier.override_changed',
        occurredAt: now,
        memberId: id,
        payload: { kind: body.kind, tier: body.tier, until: until?.toISOString() ?? null, reason },
      });
      await batch.flush(session);
      await this.deps.audit.record({
        actor: principal,
        action: 'member.tier_override',
        entity: { type: 'member', id: memberId },
        before: { tier: state.tierCode, override: state.override },
        after: { tier: tierCode, override },
        reason,
        session,
      });
    });
    return this.projectionUnderLadder(memberId);
  }

  /** Removes the override (with a reason): the ladder decides again from the member's activity now. */
  async clearOverride(
    memberId: string,
    body: ClearTierOverrideBody,
    principal: Principal,
  ): Promise<MemberTier> {
    const reason = requireReason(body.reason);
    const ladder = await this.requireLadder();
    const id = await this.requireMember(memberId);
    const now = this.deps.clock.now();
    const { timeZone } = await this.deps.program.get();
    await runInTransaction(async (session) => {
      const state = await this.currentStateInSession(session, id, ladder, now, timeZone);
      if (!state.override) return;
      const buckets = await this.bucketsInSession(session, id);
      const cleared: TierState = { ...state, override: null, lastUpgrade: null };
      // A tier still within its qualification is kept; one only the override gave goes to what the window reaches.
      const isQualified = state.qualifiedUntil !== null && state.qualifiedUntil > now;
      const rank = qualifiedRank(ladder, windowValue(ladder, buckets, now, timeZone));
      const moved = isQualified
        ? withDueDates(ladder, cleared)
        : moveTo(ladder, cleared, rank, now, now, timeZone);
      const fresh = moved.tierCode === state.tierCode ? { ...moved, since: state.since } : moved;
      const batch = new WriteBatch();
      await this.writeState(
        batch,
        state,
        fresh,
        ladder,
        [{ kind: 'override_cleared', from: state.tierCode, to: fresh.tierCode, reason }],
        { at: now },
      );
      await this.deps.events.append(batch, {
        type: 'tier.override_changed',
        occurredAt: now,
        memberId: id,
        payload: { kind: null, tier: null, until: null, reason },
      });
      await batch.flush(session);
      await this.deps.audit.record({
        actor: principal,
        action: 'member.tier_override_clear',
        entity: { type: 'member', id: memberId },
        before: { tier: state.tierCode, override: state.override },
        after: { tier: fresh.tierCode, override: null },
        reason,
        session,
      });
    });
    return this.projectionUnderLadder(memberId);
  }

  /** The member's state on the current ladder (a state of an older ladder is moved onto it first). */
  private async currentStateInSession(
    session: ClientSession,
    memberId: Types.ObjectId,
    ladder: TierLadderVersion,
    now: Date,
    timeZone: string,
  ): Promise<MemberTierDoc> {
    const state = await this.stateInSession(session, memberId, ladder, now);
    if (state.ladderVersion === ladder.version) return state;
    const buckets = await this.bucketsInSession(session, memberId);
    const { state: next, change } = afterLadderChange(ladder, state, { buckets, now, timeZone });
    const batch = new WriteBatch();
    await this.writeState(batch, state, next, ladder, change ? [change] : [], { at: now });
    await batch.flush(session);
    return { ...state, ...next, ladderVersion: ladder.version, rev: state.rev + 1 };
  }

  /** `GET /members/:id/tier`: the tier and since when, what it takes to reach the next and keep this one, the history. */
  /** Null while no ladder is published (after checking that the member exists). */
  async projection(memberId: string): Promise<MemberTier | null> {
    const id = await this.requireMember(memberId);
    const ladder = await TierLadderModel.findOne().sort({ version: -1 }).lean();
    if (!ladder) return null;
    const { timeZone } = await this.deps.program.get();
    const now = this.deps.clock.now();
    const [stored, buckets, history] = await Promise.all([
      MemberTierModel.findOne({ memberId: id }).lean(),
      TierActivityModel.find({ memberId: id }).lean(),
      TierChangeModel.find({ memberId: id }).sort({ at: -1, _id: -1 }).limit(HISTORY_SHOWN).lean(),
    ]);
    let state: TierState = stored ?? baseState(ladder, now);
    if (stored && stored.ladderVersion !== ladder.version)
      state = afterLadderChange(ladder, stored, { buckets, now, timeZone }).state;
    const rank = Math.max(0, rankOf(ladder, state.tierCode));
    const tier = ladder.tiers[rank]!;
    const value = windowValue(ladder, buckets, now, timeZone);
    const nextTier = ladder.tiers[rank + 1];
    const keep = keepRequirement(ladder, state, buckets, timeZone);
    return {
      ladderVersion: ladder.version,
      basis: ladder.basis,
      tier: { code: tier.code, name: tier.name, discountPercent: tier.discountPercent },
      since: stored ? state.since.toISOString() : null,
      qualifiedUntil: state.qualifiedUntil?.toISOString() ?? null,
      downgradeAt: state.dueAt && state.override?.kind !== 'fixed_until' ? state.dueAt.toISOString() : null,
      qualifyingValue: value,
      next: nextTier
        ? {
            code: nextTier.code,
            name: nextTier.name,
            threshold: nextTier.threshold,
            remaining: Math.max(0, nextTier.threshold - value),
          }
        : null,
      keep: keep && keep.remaining > 0 ? { remaining: keep.remaining, by: keep.by.toISOString() } : null,
      override: state.override
        ? {
            kind: state.override.kind,
            tier: state.override.tierCode,
            until: state.override.until?.toISOString() ?? null,
            reason: state.override.reason,
          }
        : null,
      history: history.map((h) => ({
        at: h.at.toISOString(),
        kind: h.kind,
        from: h.from,
        to: h.to,
        reason: h.reason,
      })),
    };
  }

  /** The discount card: the percent off the member's tier gives in the checkout (empty: none); the label names the tier and percent, the till words it. */
  readonly pricing: MemberPricingSource = {
    type: 'tierDiscount',
    pricesFor: async (memberId: Types.ObjectId): Promise<MemberPrice[]> => {
      const ladder = await this.currentLadder();
      if (!ladder) return [];
      const state = await MemberTierModel.findOne({ memberId }, { tierCode: 1 }).lean();
      const tier = ladder.tiers[Math.max(0, rankOf(ladder, state?.tierCode ?? ''))];
      if (!tier || tier.discountPercent <= 0) return [];
      return [
        {
          label: `${tier.name} ${tier.discountPercent}%`,
          percent: tier.discountPercent,
          appliesTo: null,
        },
      ];
    },
  };

  /** The projection where a ladder was required already (an override is set against one). */
  private async projectionUnderLadder(memberId: string): Promise<MemberTier> {
    const view = await this.projection(memberId);
    if (!view) throw new NotFoundError('Tier ladder');
    return view;
  }

  private async requireLadder(): Promise<TierLadderVersion> {
    const ladder = await TierLadderModel.findOne().sort({ version: -1 }).lean();
    if (!ladder) throw new NotFoundError('Tier ladder');
    return ladder;
  }

  private async requireMember(memberId: string): Promise<Types.ObjectId> {
    const member = Types.ObjectId.isValid(memberId)
      ? await MemberModel.findById(memberId, { _id: 1 }).lean()
      : null;
    if (!member) throw new NotFoundError('Member', memberId);
    return member._id;
  }
}

function requireReason(reason: string | undefined): string {
  const trimmed = reason?.trim() ?? '';
  if (!trimmed)
    throw new AppError(
      'unprocessable',
      'TIER_OVERRIDE_REASON_REQUIRED',
      'Say why the tier is set by hand (`reason`)',
    );
  return trimmed;
}

/** Refuses a ladder with no base tier, overlapping or non-increasing thresholds, or duplicate codes. */
export function assertLadderValid(draft: TierLadderDraft): void {
  const first = draft.tiers[0];
  if (!first || first.threshold !== 0)
    throw new AppError(
      'unprocessable',
      'TIER_LADDER_NO_BASE',
      'The first tier is the base tier and its threshold must be 0',
    );
  const seen = new Map<string, number>();
  const duplicates: Array<{ path: string; message: string }> = [];
  const notIncreasing: Array<{ path: string; message: string }> = [];
  draft.tiers.forEach((tier, index) => {
    const earlier = seen.get(tier.code);
    if (earlier !== undefined)
      duplicates.push({
        path: `tiers[${index}].code`,
        message: `"${tier.code}" is already tiers[${earlier}]`,
      });
    seen.set(tier.code, index);
    const previous = draft.tiers[index - 1];
    if (previous && tier.threshold <= previous.threshold)
      notIncreasing.push({
        path: `tiers[${index}].threshold`,
        message: `${tier.threshold} is not above ${previous.threshold} (tiers[${index - 1}])`,
      });
  });
  if (duplicates.length)
    throw new AppError('unprocessable', 'TIER_CODE_DUPLICATE', 'Two tiers have the same code', duplicates);
  if (notIncreasing.length)
    throw new AppError(
      'unprocessable',
      'TIER_THRESHOLDS_NOT_INCREASING',
      'Each tier needs a threshold above the one before it',
      notIncreasing,
    );
}

function normalise(
  draft: TierLadderDraft,
): Omit<TierLadderVersion, '_id' | 'version' | 'publishedAt' | 'publishedBy'> {
  return {
    basis: draft.basis,
    window: draft.window,
    retention: draft.retention,
    downgrade: {
      policy: draft.downgrade.policy,
      graceDays: draft.downgrade.graceDays,
      warnDaysBefore: draft.downgrade.warnDaysBefore,
    },
    tiers: draft.tiers.map((t) => ({
      code: t.code,
      name: t.name,
      threshold: t.threshold,
      neverDowngrade: t.neverDowngrade,
      discountPercent: t.discountPercent,
    })),
  };
}

function fromThresholdOf(draft: Ladder, current: Ladder | null, code: string | null): number | null {
  if (!code) return null;
  const inDraft = draft.tiers.find((t) => t.code === code);
  if (inDraft) return inDraft.threshold;
  return current?.tiers.find((t) => t.code === code)?.threshold ?? null;
}

export function toLadderResponse(ladder: TierLadderVersion): TierLadder {
  return {
    version: ladder.version,
    basis: ladder.basis,
    window: ladder.window,
    retention: ladder.retention,
    downgrade: ladder.downgrade,
    tiers: ladder.tiers,
    publishedAt: ladder.publishedAt.toISOString(),
  };
}

/**
 * A member's first tier state. Before any ladder it has no tier: the sweep puts the member on the first
 * ladder published; under a ladder it starts at the base tier.
 */
function newStateDocument(
  memberId: Types.ObjectId,
  ladder: TierLadderVersion | null,
  now: Date,
): MemberTierDoc {
  const initial: TierState = ladder
    ? baseState(ladder, now)
    : {
        tierCode: '',
        since: now,
        qualifiedUntil: null,
        dueAt: null,
        warnAt: null,
        override: null,
        lastUpgrade: null,
      };
  return {
    _id: new Types.ObjectId(),
    memberId,
    ladderVersion: ladder?.version ?? 0,
    rev: 0,
    ...initial,
    updatedAt: now,
  };
}

/** The stored months with one more purchase's share added to its month. */
function withIncrement(buckets: readonly Bucket[], add: Bucket): Bucket[] {
  const found = buckets.some((b) => b.month === add.month);
  const added = buckets.map((b) =>
    b.month === add.month
      ? { month: b.month, points: b.points + add.points, spendMinor: b.spendMinor + add.spendMinor }
      : b,
  );
  return found ? added : [...added, add];
}
