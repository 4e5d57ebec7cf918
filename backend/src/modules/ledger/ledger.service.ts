import { Types, type ClientSession } from 'mongoose';
import type { LedgerEntryType } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { paginate, type PageRequest } from '../../platform/pagination.js';
import type { Principal } from '../../platform/principal.js';
import { nativeCollection } from '../../platform/mongo.js';
import { WriteBatch } from '../../platform/write-batch.js';
import type { EventService } from '../events/event.service.js';
import { MemberModel, type Member, type MemberPoints } from '../members/member.model.js';
import type { ProgramSettings } from '../program/program.service.js';
import {
  LedgerEntryModel,
  type EntrySourceType,
  type LedgerEntryDoc,
  type LotChange,
  type RuleCredit,
} from './ledger-entry.model.js';
import { LotModel, type Lot } from './lot.model.js';
import { RetryTransaction, runInTransaction } from './transaction.js';

export type Balance = { available: number; pending: number };

/**
 * Changes to the member document that ride along with a balance change: `match` guards the update (a
 * rule's limit not used up meanwhile) and `onMiss` is what to throw when the guard fails.
 */
export type MemberUpdate = {
  match?: Record<string, unknown>;
  $inc?: Record<string, number>;
  $set?: Record<string, unknown>;
  onMiss?: () => Error;
};

/**
 * Queues an update of the member, guarded by `update.match`. Written with the driver (every accrual
 * passes here): mongoose would only cast what is already typed and add the timestamp, set here instead.
 */
export function queueMemberUpdate(
  batch: WriteBatch,
  memberId: Types.ObjectId,
  now: Date,
  update: MemberUpdate,
): void {
  batch.updateOne(
    MemberModel,
    { ...update.match, _id: memberId },
    { ...(update.$inc ? { $inc: update.$inc } : {}), $set: { ...update.$set, updatedAt: now } },
    update.onMiss,
  );
}

export type Allocation = { lotId: Types.ObjectId; points: number };
export type EntryActor = LedgerEntryDoc['actor'];

type EntryInput = {
  memberId: Types.ObjectId;
  type: LedgerEntryType;
  points: number;
  reason: string;
  source: { type: EntrySourceType; id: string };
  rules?: RuleCredit[];
  lotChanges: LotChange[];
  debtDelta?: number;
  writtenOff?: number;
  actor: EntryActor;
  at: Date;
  dedupeKey: string;
};

const DAY_MS = 24 * 3600_000;
/** How far ahead `expiringSoon` looks. */
export const EXPIRING_SOON_DAYS = 30;

/** Adds calendar months in UTC, clamping the day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** When points earned at `earnedAt` become spendable and when they expire (null: never, expiryMonths 0). */
export function lotDates(
  program: Pick<ProgramSettings, 'pendingDays' | 'expiryMonths'>,
  earnedAt: Date,
): { availableAt: Date; expiresAt: Date | null } {
  return {
    availableAt: new Date(earnedAt.getTime() + program.pendingDays * DAY_MS),
    expiresAt: program.expiryMonths > 0 ? addMonths(earnedAt, program.expiryMonths) : null,
  };
}

/** The actor of entries that a job writes on its own (expiry), named like every other actor. */
export const EXPIRY_ACTOR: EntryActor = { kind: 'system', id: null, label: 'points expiry' };

export function actorOf(principal: Principal): EntryActor {
  if (principal.kind === 'anonymous') return { kind: 'system', id: null, label: null };
  return {
    kind: principal.kind,
    id: principal.id,
    label: principal.kind === 'staff' ? principal.email : principal.kind === 'apiKey' ? principal.name : null,
  };
}

const byExpiry = (a: Lot, b: Lot) =>
  (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) -
    (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) ||
  (a._id.toHexString() < b._id.toHexString() ? -1 : 1);

/**
 * The points ledger: lots, append-only entries and the member's cached balance, always written
 * together inside one transaction by the `*InSession` methods (callers own the transaction so that a
 * purchase or redemption lands with its ledger writes). Spends are gated by one conditional update of
 * the cached balance (`available >= n`), and lots by conditional decrements, so nothing overdraws.
 */
export class LedgerService {
  constructor(private readonly deps: { clock: Clock; events: EventService }) {}

  async balance(memberId: string | Types.ObjectId, session?: ClientSession): Promise<Balance> {
    const member = await MemberModel.findById(memberId, { points: 1 })
      .session(session ?? null)
      .lean();
    if (!member) throw new NotFoundError('Member', String(memberId));
    return toBalance(member.points);
  }

  /** Points expiring within the next 30 days, grouped by instant, soonest first. */
  expiringSoon(memberId: Types.ObjectId): Promise<{ points: number; expiresAt: string }[]> {
    const now = this.deps.clock.now();
    return this.lotsByInstant(
      {
        memberId,
        status: 'active',
        expiresAt: { $gt: now, $lte: new Date(now.getTime() + EXPIRING_SOON_DAYS * DAY_MS) },
      },
      'expiresAt',
    ).then((groups) => groups.map(({ points, at }) => ({ points, expiresAt: at })));
  }

  /** Pending points and the moment each batch becomes available, soonest first. */
  pendingLots(memberId: Types.ObjectId): Promise<{ points: number; availableAt: string }[]> {
    return this.lotsByInstant({ memberId, status: 'pending' }, 'availableAt').then((groups) =>
      groups.map(({ points, at }) => ({ points, availableAt: at })),
    );
  }

  /** Sums the remaining points of the matching lots per instant of `field`, soonest first. */
  private async lotsByInstant(
    filter: Record<string, unknown>,
    field: 'expiresAt' | 'availableAt',
  ): Promise<{ points: number; at: string }[]> {
    const lots = await LotModel.find(
      { ...filter, remaining: { $gt: 0 } },
      { remaining: 1, [field]: 1 },
    ).lean();
    const byInstant = new Map<number, number>();
    for (const lot of lots) {
      const at = lot[field]?.getTime() ?? 0;
      byInstant.set(at, (byInstant.get(at) ?? 0) + lot.remaining);
    }
    return [...byInstant.entries()]
      .sort(([a], [b]) => a - b)
      .map(([at, points]) => ({ points, at: new Date(at).toISOString() }));
  }

  async listEntries(memberId: string, page: PageRequest) {
    return paginate(LedgerEntryModel, { memberId: new Types.ObjectId(memberId) }, page, toEntryResponse);
  }

  /**
   * Credits points as a new lot (pending until `availableAt`). Debt from an earlier clawback is paid
   * first. Returns the lot (null when the whole credit went to the debt).
   */
  async creditInSession(
    session: ClientSession,
    input: Omit<EntryInput, 'lotChanges' | 'debtDelta' | 'writtenOff'> & {
      availableAt: Date;
      expiresAt: Date | null;
      lotSource: Lot['source'];
      now: Date;
      /** The member's points as read in this transaction (saves a read when the caller has them). */
      memberPoints?: MemberPoints;
      /** More changes to the member document, written with the balance in one update. */
      alsoUpdate?: MemberUpdate;
      /**
       * Where the writes go: the caller's batch, which it sends with its own writes (one round trip);
       * without one they are sent before this returns.
       */
      batch?: WriteBatch;
    },
  ): Promise<{ lot: Lot | null; status: 'active' | 'pending'; balance: Balance }> {
    const { memberPoints: known, alsoUpdate, batch: callerBatch, ...entry } = input;
    const current =
      known ?? (await MemberModel.findById(input.memberId, { points: 1 }).session(session).lean())?.points;
    if (!current) throw new NotFoundError('Member', String(input.memberId));
    const batch = callerBatch ?? new WriteBatch();
    const payoff = Math.min(current.debt, input.points);
    const remaining = input.points - payoff;
    const isPending = input.availableAt.getTime() > input.now.getTime();
    let lot: Lot | null = null;
    if (remaining > 0) {
      lot = {
        _id: new Types.ObjectId(),
        memberId: input.memberId,
        points: remaining,
        remaining,
        status: isPending ? 'pending' : 'active',
        source: input.lotSource,
        earnedAt: input.at,
        availableAt: input.availableAt,
        expiresAt: input.expiresAt,
        expiredPoints: 0,
      };
      batch.insertOne(LotModel, lot);
    }
    const availableDelta = payoff + (isPending ? 0 : remaining);
    const pendingDelta = isPending ? remaining : 0;
    queueMemberUpdate(batch, input.memberId, input.now, {
      ...alsoUpdate,
      $inc: {
        ...alsoUpdate?.$inc,
        'points.available': availableDelta,
        'points.pending': pendingDelta,
        'points.debt': -payoff,
      },
    });
    batch.insertOne(
      LedgerEntryModel,
      entryDocument({
        ...entry,
        lotChanges: lot ? [{ lotId: lot._id, delta: remaining }] : [],
        debtDelta: -payoff,
      }),
    );
    if (!callerBatch) await batch.flush(session);
    return {
      lot,
      status: isPending ? 'pending' : 'active',
      balance: { available: current.available + availableDelta, pending: current.pending + pendingDelta },
    };
  }

  /**
   * Spends points from the member's active lots, soonest-expiring first. The conditional update of the
   * cached balance is the gate: when it does not match, nothing was written and INSUFFICIENT_POINTS is
   * thrown with the balance.
   */
  /**
   * Spends points, soonest-expiring lots first, behind a guarded debit of the member's balance (two
   * concurrent spends cannot both pass it). With `batch`, the lot debits and the entry are queued on it
   * (the caller flushes it in this transaction): one round trip with the caller's other writes.
   * Answers the allocations and the member's points after the debit.
   */
  async debitInSession(
    session: ClientSession,
    input: Omit<EntryInput, 'lotChanges' | 'debtDelta' | 'writtenOff' | 'points'> & {
      points: number;
      now: Date;
      batch?: WriteBatch;
    },
  ): Promise<{ allocations: Allocation[]; memberPoints: MemberPoints }> {
    // One read finds both what is due (activations, expiries) and what can be spent; only when something
    // is due are the lots settled first and read again (the rare path: a spend right after a due date).
    let lots = await LotModel.find(spendOrDueFilter(input.memberId, input.now)).session(session).lean();
    const due = lots.filter((lot) => isDue(lot, input.now));
    if (due.length > 0) {
      await this.settleLotsInSession(session, due, input.now);
      lots = await LotModel.find(spendableFilter(input.memberId)).session(session).lean();
    }
    const gate = await nativeCollection<Member>(MemberModel).findOneAndUpdate(
      { _id: input.memberId, 'points.available': { $gte: input.points } },
      { $inc: { 'points.available': -input.points } },
      { session, returnDocument: 'after', projection: { points: 1 } },
    );
    if (!gate) {
      const balance = await this.balance(input.memberId, session);
      throw new ConflictError(
        'INSUFFICIENT_POINTS',
        `Not enough points: ${balance.available} of ${input.points}`,
        { available: balance.available, pending: balance.pending, required: input.points },
      );
    }
    lots = lots.filter((lot) => lot.status === 'active' && lot.remaining > 0).sort(byExpiry);
    const allocations: Allocation[] = [];
    let left = input.points;
    for (const lot of lots) {
      if (left === 0) break;
      const take = Math.min(lot.remaining, left);
      const filter = { _id: lot._id, status: 'active', remaining: { $gte: take } };
      const update = { $inc: { remaining: -take } };
      if (input.batch) {
        input.batch.updateOne(LotModel, filter, update, () => new RetryTransaction('lot spent concurrently'));
      } else {
        const taken = await LotModel.updateOne(filter, update, { session });
        if (taken.matchedCount !== 1) throw new RetryTransaction('lot spent concurrently');
      }
      allocations.push({ lotId: lot._id, points: take });
      left -= take;
    }
    if (left > 0) {
      // The cached balance said yes but the lots disagree: never spend points that do not exist.
      throw new Error(`ledger inconsistency: member ${String(input.memberId)} lots are short by ${left}`);
    }
    const { batch, ...entry } = input;
    const entryInput: EntryInput = {
      ...entry,
      points: -input.points,
      lotChanges: allocations.map((a) => ({ lotId: a.lotId, delta: -a.points })),
    };
    if (batch) batch.insertOne(LedgerEntryModel, entryDocument(entryInput));
    else await this.appendInSession(session, entryInput);
    return { allocations, memberPoints: gate.points };
  }

  /**
   * Takes back points after a refund: from the purchase's own lot first (pending or not), then other
   * active lots soonest-expiring first, then other pending lots. What is still missing becomes debt
   * (policy `allow`: the balance goes negative) or is written off (`floor_at_zero`).
   */
  async clawBackInSession(
    session: ClientSession,
    input: Omit<EntryInput, 'lotChanges' | 'debtDelta' | 'writtenOff'> & {
      preferredLotId: Types.ObjectId | null;
      policy: ProgramSettings['negativeBalancePolicy'];
    },
  ): Promise<{ taken: number; debtAdded: number; writtenOff: number }> {
    const lots = await LotModel.find({
      memberId: input.memberId,
      status: { $in: ['active', 'pending'] },
      remaining: { $gt: 0 },
    })
      .session(session)
      .lean();
    const preferred = lots.filter((l) => input.preferredLotId && l._id.equals(input.preferredLotId));
    const others = lots.filter((l) => !(input.preferredLotId && l._id.equals(input.preferredLotId)));
    const ordered = [
      ...preferred,
      ...others.filter((l) => l.status === 'active').sort(byExpiry),
      ...others.filter((l) => l.status === 'pending').sort(byExpiry),
    ];
    let left = input.points;
    const changes: LotChange[] = [];
    let availableDelta = 0;
    let pendingDelta = 0;
    for (const lot of ordered) {
      if (left === 0) break;
      const take = Math.min(lot.remaining, left);
      const taken = await LotModel.updateOne(
        { _id: lot._id, status: lot.status, remaining: { $gte: take } },
        { $inc: { remaining: -take } },
        { session },
      );
      if (taken.matchedCount !== 1) throw new RetryTransaction('lot changed during clawback');
      changes.push({ lotId: lot._id, delta: -take });
      if (lot.status === 'active') availableDelta -= take;
      else pendingDelta -= take;
      left -= take;
    }
    const taken = input.points - left;
    const debtAdded = input.policy === 'allow' ? left : 0;
    const writtenOff = input.policy === 'allow' ? 0 : left;
    const inc = {
      'points.available': availableDelta - debtAdded,
      'points.pending': pendingDelta,
      'points.debt': debtAdded,
      'points.writtenOff': writtenOff,
    };
    await MemberModel.updateOne({ _id: input.memberId }, { $inc: inc }, { session });
    if (input.points > 0) {
      await this.appendInSession(session, {
        ...input,
        points: -(taken + debtAdded),
        lotChanges: changes,
        debtDelta: debtAdded,
        writtenOff,
      });
    }
    return { taken, debtAdded, writtenOff };
  }

  /**
   * Gives spent points back to the lots they came from. Points whose lot has expired (or is past its
   * expiry and waiting for the job) stay expired. Returns what went back per allocation.
   */
  async restoreInSession(
    session: ClientSession,
    input: Omit<EntryInput, 'lotChanges' | 'debtDelta' | 'writtenOff' | 'points'> & {
      allocations: Allocation[];
      now: Date;
    },
  ): Promise<{ restored: number; expired: number; perAllocation: number[] }> {
    const ids = input.allocations.map((a) => a.lotId);
    const lots = await LotModel.find({ _id: { $in: ids } })
      .session(session)
      .lean();
    const byId = new Map(lots.map((l) => [l._id.toHexString(), l]));
    const changes = new Map<string, number>();
    let availableDelta = 0;
    let pendingDelta = 0;
    const perAllocation: number[] = [];
    let restored = 0;
    let expired = 0;
    for (const allocation of input.allocations) {
      const lot = byId.get(allocation.lotId.toHexString());
      const isGone =
        !lot || lot.status === 'expired' || (lot.expiresAt !== null && lot.expiresAt <= input.now);
      if (isGone || allocation.points === 0) {
        expired += allocation.points;
        perAllocation.push(0);
        continue;
      }
      const key = lot._id.toHexString();
      changes.set(key, (changes.get(key) ?? 0) + allocation.points);
      if (lot.status === 'active') availableDelta += allocation.points;
      else pendingDelta += allocation.points;
      restored += allocation.points;
      perAllocation.push(allocation.points);
    }
    for (const [lotId, delta] of changes) {
      const lot = byId.get(lotId);
      const updated = await LotModel.updateOne(
        { _id: new Types.ObjectId(lotId), status: lot?.status },
        { $inc: { remaining: delta } },
        { session },
      );
      if (updated.matchedCount !== 1) throw new RetryTransaction('lot changed during restore');
    }
    // The member document is written even when nothing comes back (every lot expired): the transactions
    // of one member then conflict, so the events they write (redemption.cancelled, refund.recorded)
    // commit in the order they happened.
    await MemberModel.updateOne(
      { _id: input.memberId },
      // mongoose's timestamps set updatedAt: a real write even when both deltas are 0.
      { $inc: { 'points.available': availableDelta, 'points.pending': pendingDelta } },
      { session },
    );
    await this.appendInSession(session, {
      ...input,
      points: restored,
      lotChanges: [...changes].map(([lotId, delta]) => ({ lotId: new Types.ObjectId(lotId), delta })),
    });
    return { restored, expired, perAllocation };
  }

  /**
   * Brings one member's lots up to the clock before their balance is shown, so a member whose points
   * became spendable (or expired) a second ago sees it without waiting for the next job run.
   */
  async settle(memberId: Types.ObjectId): Promise<void> {
    const now = this.deps.clock.now();
    const isDue = await LotModel.exists(dueFilter(memberId, now));
    if (isDue) await runInTransaction((session) => this.settleInSession(session, memberId, now));
  }

  /** Catches one member's due activations and expiries up with the clock (the jobs do it for everyone). */
  async settleInSession(session: ClientSession, memberId: Types.ObjectId, now: Date): Promise<void> {
    const due = await LotModel.find(dueFilter(memberId, now)).session(session).lean();
    await this.settleLotsInSession(session, due, now);
  }

  private async settleLotsInSession(session: ClientSession, due: readonly Lot[], now: Date): Promise<void> {
    for (const lot of due) {
      if (lot.expiresAt !== null && lot.expiresAt <= now) await this.expireLotInSession(session, lot);
      else await this.activateLotInSession(session, lot);
    }
  }

  private async expireLotInSession(session: ClientSession, lot: Lot): Promise<void> {
    const updated = await LotModel.updateOne(
      { _id: lot._id, status: lot.status, remaining: lot.remaining },
      { $set: { status: 'expired', remaining: 0, expiredPoints: lot.remaining } },
      { session },
    );
    if (updated.matchedCount !== 1) throw new RetryTransaction('lot changed before expiry');
    if (lot.remaining === 0) return;
    const field = lot.status === 'active' ? 'points.available' : 'points.pending';
    await MemberModel.updateOne({ _id: lot.memberId }, { $inc: { [field]: -lot.remaining } }, { session });
    const at = lot.expiresAt ?? this.deps.clock.now();
    await this.deps.events.append(session, {
      type: 'points.expired',
      occurredAt: at,
      memberId: lot.memberId,
      subject: { lotId: lot._id },
      payload: {
        lotId: lot._id.toHexString(),
        points: lot.remaining,
        wasPending: lot.status === 'pending',
        earnedAt: lot.earnedAt.toISOString(),
        expiresAt: at.toISOString(),
        source: { type: lot.source.type, id: lot.source.id },
      },
    });
    await this.appendInSession(session, {
      memberId: lot.memberId,
      type: 'expire',
      actor: EXPIRY_ACTOR,
      points: -lot.remaining,
      reason: `Expired: ${lot.remaining} of ${lot.points} points earned on ${lot.earnedAt.toISOString().slice(0, 10)}`,
      source: { type: 'lot', id: lot._id.toHexString() },
      lotChanges: [{ lotId: lot._id, delta: -lot.remaining }],
      at,
      dedupeKey: `expire:${lot._id.toHexString()}`,
    });
  }

  private async activateLotInSession(session: ClientSession, lot: Lot): Promise<void> {
    const updated = await LotModel.updateOne(
      { _id: lot._id, status: 'pending' },
      { $set: { status: 'active' } },
      { session },
    );
    if (updated.matchedCount !== 1) throw new RetryTransaction('lot changed before activation');
    if (lot.remaining === 0) return;
    await MemberModel.updateOne(
      { _id: lot.memberId },
      { $inc: { 'points.pending': -lot.remaining, 'points.available': lot.remaining } },
      { session },
    );
    await this.deps.events.append(session, {
      type: 'points.activated',
      occurredAt: lot.availableAt,
      memberId: lot.memberId,
      subject: { lotId: lot._id },
      payload: {
        lotId: lot._id.toHexString(),
        points: lot.remaining,
        earnedAt: lot.earnedAt.toISOString(),
        availableAt: lot.availableAt.toISOString(),
        expiresAt: lot.expiresAt?.toISOString() ?? null,
        source: { type: lot.source.type, id: lot.source.id },
      },
    });
  }

  /**
   * Activates pending lots whose `availableAt` has come. Each lot moves in its own transaction, so a
   * crash loses nothing and a rerun continues where it stopped; the status condition makes a repeat a
   * no-op. `afterLot` lets tests interrupt a batch.
   */
  async activateDue(
    options: { batchSize?: number; maxBatches?: number; afterLot?: (lotId: string) => void } = {},
  ): Promise<{ activated: number }> {
    let activated = 0;
    await this.sweep(
      { status: 'pending', availableAt: { $lte: this.deps.clock.now() } },
      options,
      async (lot) => {
        const now = this.deps.clock.now();
        await runInTransaction(async (session) => {
          const fresh = await LotModel.findById(lot._id).session(session).lean();
          if (!fresh || fresh.status !== 'pending' || fresh.availableAt > now) return;
          if (fresh.expiresAt !== null && fresh.expiresAt <= now)
            await this.expireLotInSession(session, fresh);
          else await this.activateLotInSession(session, fresh);
          activated += 1;
        });
      },
    );
    return { activated };
  }

  /** Expires lots past `expiresAt` (an entry for what was left). Idempotent and resumable like activateDue. */
  async expireDue(
    options: { batchSize?: number; maxBatches?: number; afterLot?: (lotId: string) => void } = {},
  ): Promise<{ expired: number; points: number }> {
    let expired = 0;
    let points = 0;
    await this.sweep(
      { status: { $in: ['active', 'pending'] }, expiresAt: { $lte: this.deps.clock.now() } },
      options,
      async (lot) => {
        const now = this.deps.clock.now();
        await runInTransaction(async (session) => {
          const fresh = await LotModel.findById(lot._id).session(session).lean();
          if (!fresh || fresh.status === 'expired' || fresh.expiresAt === null || fresh.expiresAt > now)
            return;
          await this.expireLotInSession(session, fresh);
          expired += 1;
          points += fresh.remaining;
        });
      },
    );
    return { expired, points };
  }

  private async sweep(
    filter: Record<string, unknown>,
    options: { batchSize?: number; maxBatches?: number; afterLot?: (lotId: string) => void },
    each: (lot: Lot) => Promise<void>,
  ): Promise<void> {
    const batchSize = options.batchSize ?? 500;
    const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
    let lastId: Types.ObjectId | null = null;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const query: Record<string, unknown> = lastId ? { ...filter, _id: { $gt: lastId } } : filter;
      const lots = await LotModel.find(query).sort({ _id: 1 }).limit(batchSize).lean();
      for (const lot of lots) {
        await each(lot);
        options.afterLot?.(lot._id.toHexString());
      }
      if (lots.length < batchSize) return;
      lastId = lots[lots.length - 1]?._id ?? null;
    }
  }

  async appendInSession(session: ClientSession, input: EntryInput): Promise<Types.ObjectId> {
    const doc = entryDocument(input);
    await nativeCollection<LedgerEntryDoc>(LedgerEntryModel).insertOne(doc, { session });
    return doc._id;
  }
}

function entryDocument(input: EntryInput): LedgerEntryDoc {
  return {
    _id: new Types.ObjectId(),
    memberId: input.memberId,
    type: input.type,
    points: input.points,
    reason: input.reason,
    source: input.source,
    rules: input.rules ?? [],
    lotChanges: input.lotChanges,
    debtDelta: input.debtDelta ?? 0,
    writtenOff: input.writtenOff ?? 0,
    actor: input.actor ?? null,
    at: input.at,
    dedupeKey: input.dedupeKey,
  };
}

const dueConditions = (now: Date) => [
  { status: 'pending', availableAt: { $lte: now } },
  { status: { $in: ['active', 'pending'] }, expiresAt: { $lte: now } },
];

function dueFilter(memberId: Types.ObjectId, now: Date) {
  return { memberId, $or: dueConditions(now) };
}

/** The member's lots points can be spent from (before any due date is settled). */
function spendableFilter(memberId: Types.ObjectId) {
  return { memberId, status: 'active', remaining: { $gt: 0 } };
}

/** Spendable and due lots in one read: `isDue` tells them apart. */
function spendOrDueFilter(memberId: Types.ObjectId, now: Date) {
  return { memberId, $or: [{ status: 'active', remaining: { $gt: 0 } }, ...dueConditions(now)] };
}

/** The lot matches `dueFilter` (kept beside it: the same conditions, in code). */
function isDue(lot: Pick<Lot, 'status' | 'availableAt' | 'expiresAt'>, now: Date): boolean {
  if (lot.status === 'pending' && lot.availableAt <= now) return true;
  return (
    (lot.status === 'active' || lot.status === 'pending') && lot.expiresAt !== null && lot.expiresAt <= now
  );
}

export function toBalance(points: MemberPoints | undefined): Balance {
  return { available: points?.available ?? 0, pending: points?.pending ?? 0 };
}

export function toEntryResponse(entry: LedgerEntryDoc) {
  return {
    id: entry._id.toHexString(),
    type: entry.type,
    points: entry.points,
    reason: entry.reason,
    source: entry.source,
    rules: entry.rules.map((r) => ({
      ruleId: r.ruleId,
      ruleVersion: r.ruleVersion,
      ruleName: r.ruleName,
      points: r.points,
    })),
    actor: entry.actor ?? null,
    at: entry.at.toISOString(),
  };
}
