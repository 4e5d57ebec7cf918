import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import {
  EVENT_LAG_COUNT_MAX,
  expandEventPattern,
  type DomainEvent,
  type EventSubscriberProgress,
  type EventType,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { RedisLock } from '../../platform/redis-lock.js';
import { runInTransaction } from '../ledger/transaction.js';
import { toEventResponse } from './event.service.js';
import { EventModel, SubscriberCursorModel, type EventDoc, type SubscriberCursorDoc } from './event.model.js';

/**
 * Something in this process that reacts to domain events (webhooks, segments, report pre-aggregates).
 * `handle` gets the events of its `types` (types or patterns such as `points.*`), oldest first and in
 * order per member, at least once: it must be idempotent (dedupe by event id). Throwing means none of
 * the batch was handled: the whole batch comes again after a backoff, the other subscribers go on.
 */
export type EventSubscriber = {
  /** Stable across restarts: progress is recorded under it. */
  id: string;
  types: readonly string[];
  handle(events: DomainEvent[]): Promise<void>;
};

export type DispatchSummary = { delivered: number; failed: number };

/**
 * How far before a subscriber's last event its next read starts. An event's id is taken when its
 * transaction starts, so an event can commit after a later-numbered one was handed out; a transaction
 * gives up after about 20 s, and the overlap also covers clock skew between processes.
 */
const RESUME_OVERLAP_SECONDS = 300;
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 10 * 60_000;

/**
 * Fans the outbox out to the registered subscribers. Each run takes a Redis lock (one dispatcher at a
 * time keeps the order per member), then for each subscriber reads the pending events it has not got,
 * oldest first, hands them over, and records in one transaction that it has them (`deliveredTo` on the
 * events, its cursor). An event is `done` once every subscriber of its type has it. A crash between
 * handing and recording hands the batch again on the next run: at least once, nothing lost.
 */
export class EventDispatcher {
  private readonly subscribers: Array<{ subscriber: EventSubscriber; types: EventType[] }> = [];

  constructor(
    private readonly deps: {
      clock: Clock;
      redis: Redis;
      /** Redis key of the lock (per deployment: the Redis prefix is in it). */
      lockKey: string;
      logger: Logger;
      /**
       * Real time a killed dispatcher keeps the others out (and a subscriber may take per batch): 15 s by
       * default, so that events flow again within seconds of a crash.
       */
      lockTtlMs?: number;
    },
  ) {}

  /** Adds a subscriber; `types` are checked against the catalogue now, so a typo fails at startup. */
  register(subscriber: EventSubscriber): void {
    if (this.subscribers.some((s) => s.subscriber.id === subscriber.id))
      throw new Error(`event subscriber ${subscriber.id} is registered twice`);
    const types = new Set<EventType>();
    for (const pattern of subscriber.types) {
      const expanded = expandEventPattern(pattern);
      if (!expanded) throw new Error(`event subscriber ${subscriber.id}: unknown event type ${pattern}`);
      for (const type of expanded) types.add(type);
    }
    this.subscribers.push({ subscriber, types: [...types] });
  }

  /** Ids of the registered subscribers, in registration order. */
  subscriberIds(): string[] {
    return this.subscribers.map((s) => s.subscriber.id);
  }

  /**
   * One run: batches until every subscriber is through (or `maxBatches`). Returns what it handed out;
   * nothing when another dispatcher holds the lock.
   */
  async dispatch(options: { batchSize?: number; maxBatches?: number } = {}): Promise<DispatchSummary> {
    const batchSize = options.batchSize ?? 200;
    const maxBatches = options.maxBatches ?? 20;
    const summary: DispatchSummary = { delivered: 0, failed: 0 };
    const lock = await RedisLock.acquire(this.deps.redis, this.deps.lockKey, this.deps.lockTtlMs ?? 15_000);
    if (!lock) return summary;
    try {
      await this.settleUnsubscribed();
      for (let batch = 0; batch < maxBatches; batch += 1) {
        await this.numberCommitted();
        const pass = await this.pass(lock, batchSize);
        summary.delivered += pass.delivered;
        summary.failed += pass.failed;
        if (!pass.hasMore || pass.isLockLost) break;
      }
    } finally {
      await lock.release();
    }
    return summary;
  }

  /**
   * Numbers the committed events that have no `seq` yet (the feed's order), when no dispatcher is busy:
   * the feed calls it so that a reader sees what has committed without waiting for the worker's next run.
   */
  async numberNow(): Promise<void> {
    const lock = await RedisLock.acquire(this.deps.redis, this.deps.lockKey, 10_000);
    if (!lock) return;
    try {
      await this.numberCommitted();
    } finally {
      await lock.release();
    }
  }

  /**
   * Gives committed events without a number the next numbers, in id order (the caller holds the lock, so
   * one process numbers at a time; a unique index refuses a number given twice). A crash half-way leaves
   * a numbered prefix: the next run goes on from the highest number.
   */
  private async numberCommitted(limit = 1000): Promise<void> {
    for (;;) {
      const fresh = await EventModel.find({ seq: null }, { _id: 1 })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<Array<Pick<EventDoc, '_id'>>>();
      if (fresh.length === 0) return;
      const top = await EventModel.findOne({ seq: { $type: 'number' } }, { seq: 1 })
        .sort({ seq: -1 })
        .lean<Pick<EventDoc, 'seq'>>();
      let next = (top?.seq ?? 0) + 1;
      await EventModel.bulkWrite(
        fresh.map((event) => ({
          updateOne: { filter: { _id: event._id, seq: null }, update: { $set: { seq: next++ } } },
        })),
        { ordered: true },
      );
      if (fresh.length < limit) return;
    }
  }

  /** Hands each subscriber (not waiting for a retry) up to `batchSize` events. */
  private async pass(lock: RedisLock, batchSize: number) {
    const now = this.deps.clock.now();
    const cursors = new Map(
      (
        await SubscriberCursorModel.find({ _id: { $in: this.subscriberIds() } }).lean<SubscriberCursorDoc[]>()
      ).map((cursor) => [cursor._id, cursor]),
    );
    const result = { delivered: 0, failed: 0, hasMore: false, isLockLost: false };
    for (const { subscriber, types } of this.subscribers) {
      const cursor = cursors.get(subscriber.id);
      if (cursor?.retryAt && cursor.retryAt > now) continue;
      const events = await this.undelivered(subscriber.id, types, cursor?.lastEventId ?? null, batchSize);
      if (events.length === 0) continue;
      // A subscriber slower than the lock's lifetime could overlap a second dispatcher: stop instead.
      if (!(await lock.extend())) {
        result.isLockLost = true;
        this.deps.logger.warn({ subscriber: subscriber.id }, 'event dispatcher lost its lock; stopping');
        return result;
      }
      try {
        await subscriber.handle(events.map(toEventResponse));
      } catch (error) {
        result.failed += 1;
        await this.recordFailure(subscriber.id, cursor, error, now);
        continue;
      }
      await this.recordDelivery(subscriber.id, events, now);
      result.delivered += events.length;
      if (events.length === batchSize) result.hasMore = true;
    }
    return result;
  }

  /** Each registered subscriber's progress: its backlog, the last event it took, its last failure. */
  async progress(): Promise<EventSubscriberProgress[]> {
    const cursors = new Map(
      (
        await SubscriberCursorModel.find({ _id: { $in: this.subscriberIds() } }).lean<SubscriberCursorDoc[]>()
      ).map((cursor) => [cursor._id, cursor]),
    );
    return Promise.all(
      this.subscribers.map(async ({ subscriber, types }) => {
        const cursor = cursors.get(subscriber.id);
        const filter = this.undeliveredFilter(subscriber.id, types, cursor?.lastEventId ?? null);
        const [pending, oldest] = await Promise.all([
          EventModel.countDocuments(filter).limit(EVENT_LAG_COUNT_MAX),
          EventModel.findOne(filter, { occurredAt: 1 }).sort({ _id: 1 }).lean<Pick<EventDoc, 'occurredAt'>>(),
        ]);
        const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
        return {
          id: subscriber.id,
          types: [...subscriber.types],
          pending,
          oldestPendingAt: iso(oldest?.occurredAt),
          handled: cursor?.handled ?? 0,
          lastEventId: cursor?.lastEventId ? cursor.lastEventId.toHexString() : null,
          lastError: cursor?.lastError ?? null,
          lastErrorAt: iso(cursor?.lastErrorAt),
          failures: cursor?.failures ?? 0,
          retryAt: iso(cursor?.retryAt),
          updatedAt: iso(cursor?.updatedAt),
        };
      }),
    );
  }

  /** Pending events of these types the subscriber has not got, oldest first, from its cursor less the overlap. */
  private async undelivered(
    subscriberId: string,
    types: EventType[],
    lastEventId: Types.ObjectId | null,
    limit: number,
  ): Promise<EventDoc[]> {
    return EventModel.find(this.undeliveredFilter(subscriberId, types, lastEventId))
      .sort({ _id: 1 })
      .limit(limit)
      .lean<EventDoc[]>();
  }

  private undeliveredFilter(subscriberId: string, types: EventType[], lastEventId: Types.ObjectId | null) {
    const from = lastEventId
      ? Types.ObjectId.createFromTime(
          Math.max(0, Math.floor(lastEventId.getTimestamp().getTime() / 1000) - RESUME_OVERLAP_SECONDS),
        )
      : null;
    return {
      fanout: 'pending',
      ...(from ? { _id: { $gte: from } } : {}),
      type: { $in: types },
      deliveredTo: { $ne: subscriberId },
    };
  }

  /** The subscriber has these events: marks them, moves its cursor, and finishes the events everyone has. */
  private async recordDelivery(subscriberId: string, events: EventDoc[], now: Date): Promise<void> {
    const ids = events.map((event) => event._id);
    const last = ids.reduce((max, id) => (id.toHexString() > max.toHexString() ? id : max));
    await runInTransaction(async (session) => {
      await EventModel.updateMany(
        { _id: { $in: ids } },
        { $addToSet: { deliveredTo: subscriberId } },
        { session },
      );
      const cursor = await SubscriberCursorModel.findById(
        subscriberId,
        { lastEventId: 1 },
        { session },
      ).lean();
      const lastEventId =
        cursor?.lastEventId && cursor.lastEventId.toHexString() > last.toHexString()
          ? cursor.lastEventId
          : last;
      await SubscriberCursorModel.updateOne(
        { _id: subscriberId },
        {
          $set: {
            lastEventId,
            lastError: null,
            lastErrorAt: null,
            failures: 0,
            retryAt: null,
            updatedAt: now,
          },
          $inc: { handled: events.length },
        },
        { upsert: true, session },
      );
    });
    const byType = new Map<EventType, Types.ObjectId[]>();
    for (const event of events) byType.set(event.type, [...(byType.get(event.type) ?? []), event._id]);
    for (const [type, typeIds] of byType) {
      const required = this.subscribers.filter((s) => s.types.includes(type)).map((s) => s.subscriber.id);
      await EventModel.updateMany(
        { _id: { $in: typeIds }, fanout: 'pending', deliveredTo: { $all: required } },
        { $set: { fanout: 'done' } },
      );
    }
  }

  /** The subscriber threw: it waits (doubling each time in a row), the others go on. */
  private async recordFailure(
    subscriberId: string,
    cursor: SubscriberCursorDoc | undefined,
    error: unknown,
    now: Date,
  ): Promise<void> {
    const failures = (cursor?.failures ?? 0) + 1;
    const waitMs = Math.min(BACKOFF_FIRST_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    this.deps.logger.warn(
      { subscriber: subscriberId, failures, err: error },
      'event subscriber failed; retrying later',
    );
    await SubscriberCursorModel.updateOne(
      { _id: subscriberId },
      {
        $set: {
          lastError: message,
          lastErrorAt: now,
          failures,
          retryAt: new Date(now.getTime() + waitMs),
          updatedAt: now,
        },
        $setOnInsert: { lastEventId: null, handled: 0 },
      },
      { upsert: true },
    );
  }

  /** Events of a type nobody subscribes to have nobody to wait for. */
  private async settleUnsubscribed(): Promise<void> {
    const subscribed = new Set(this.subscribers.flatMap((s) => s.types));
    await EventModel.updateMany(
      { fanout: 'pending', type: { $nin: [...subscribed] } },
      { $set: { fanout: 'done' } },
    );
  }
}
