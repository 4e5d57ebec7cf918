import type { Redis } from 'ioredis';
import {
  EVENT_LAG_COUNT_MAX,
  EVENT_TYPES,
  expandEventPattern,
  type DomainEvent,
  type EventSubscriberProgress,
  type EventType,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { RedisLock } from '../../platform/redis-lock.js';
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

const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 10 * 60_000;

/**
 * Fans the outbox out to the registered subscribers. Each run takes a Redis lock (one dispatcher at a
 * time keeps the order), numbers the events that have committed since the last run (`seq`, the commit
 * order), then for each subscriber reads the numbered events of its types after its cursor, in number
 * order, hands them over, and moves its cursor past them (one write, nothing on the events). The events
 * of one member are numbered in the order they committed, so each subscriber gets them in that order. A
 * subscriber that has never run starts at the first event. A crash between handing and recording hands
 * the batch again on the next run: at least once, nothing lost.
 */
export class EventDispatcher {
  private readonly subscribers: Array<{ subscriber: EventSubscriber; types: EventType[] | null }> = [];

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
    // Every type (`*`): its reads need no type filter.
    const isEverything = EVENT_TYPES.every((type) => types.has(type));
    this.subscribers.push({ subscriber, types: isEverything ? null : [...types] });
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
    const batchSize = options.batchSize ?? 500;
    const maxBatches = options.maxBatches ?? 20;
    const summary: DispatchSummary = { delivered: 0, failed: 0 };
    const lock = await RedisLock.acquire(this.deps.redis, this.deps.lockKey, this.deps.lockTtlMs ?? 15_000);
    if (!lock) return summary;
    try {
      for (let batch = 0; batch < maxBatches; batch += 1) {
        const top = await this.numberCommitted();
        const pass = await this.pass(lock, batchSize, top);
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
   * a numbered prefix: the next run goes on from the highest number. Returns the highest number.
   */
  private async numberCommitted(limit = 1000): Promise<number> {
    let top = await this.topSeq();
    for (;;) {
      const fresh = await EventModel.find({ seq: null }, { _id: 1 })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<Array<Pick<EventDoc, '_id'>>>();
      if (fresh.length === 0) return top;
      let next = top + 1;
      await EventModel.bulkWrite(
        fresh.map((event) => ({
          updateOne: { filter: { _id: event._id, seq: null }, update: { $set: { seq: next++ } } },
        })),
        { ordered: true },
      );
      top = next - 1;
      if (fresh.length < limit) return top;
    }
  }

  private async topSeq(): Promise<number> {
    const top = await EventModel.findOne({ seq: { $type: 'number' } }, { seq: 1 })
      .sort({ seq: -1 })
      .lean<Pick<EventDoc, 'seq'>>();
    return top?.seq ?? 0;
  }

  /** Hands each subscriber (not waiting for a retry) up to `batchSize` of its events numbered up to `top`. */
  private async pass(lock: RedisLock, batchSize: number, top: number) {
    const now = this.deps.clock.now();
    const cursors = await this.cursors();
    const result = { delivered: 0, failed: 0, hasMore: false, isLockLost: false };
    for (const { subscriber, types } of this.subscribers) {
      const cursor = cursors.get(subscriber.id);
      if (cursor?.retryAt && cursor.retryAt > now) continue;
      const from = await this.positionOf(subscriber.id, types, cursor);
      if (from >= top) continue;
      const events = await EventModel.find({ ...this.typeFilter(types), seq: { $gt: from, $lte: top } })
        .sort({ seq: 1 })
        .limit(batchSize)
        .lean<EventDoc[]>();
      // A short read has seen everything up to `top`: the cursor passes the other types' events too.
      const reached = events.length < batchSize ? top : (events[events.length - 1]?.seq ?? top);
      if (events.length === 0) {
        await this.recordDelivery(subscriber.id, [], reached, now);
        continue;
      }
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
      await this.recordDelivery(subscriber.id, events, reached, now);
      result.delivered += events.length;
      if (reached < top) result.hasMore = true;
    }
    return result;
  }

  private async cursors(): Promise<Map<string, SubscriberCursorDoc>> {
    const docs = await SubscriberCursorModel.find({ _id: { $in: this.subscriberIds() } }).lean<
      SubscriberCursorDoc[]
    >();
    return new Map(docs.map((cursor) => [cursor._id, cursor]));
  }

  private typeFilter(types: EventType[] | null) {
    return types ? { type: { $in: types } } : {};
  }

  /**
   * The number after which the subscriber's next read starts: its cursor's; 0 for a subscriber that has
   * never run (it starts at the first event); for a cursor from before subscribers followed `seq`, just
   * before the first numbered event of its types that the old bookkeeping had not marked handed to it.
   */
  private async positionOf(
    subscriberId: string,
    types: EventType[] | null,
    cursor: SubscriberCursorDoc | undefined,
  ): Promise<number> {
    if (!cursor) return 0;
    if (typeof cursor.lastSeq === 'number') return cursor.lastSeq;
    const first = await EventModel.findOne(
      {
        ...this.typeFilter(types),
        seq: { $type: 'number' },
        fanout: { $ne: 'done' },
        deliveredTo: { $ne: subscriberId },
      },
      { seq: 1 },
    )
      .sort({ seq: 1 })
      .lean<Pick<EventDoc, 'seq'>>();
    return first?.seq ? first.seq - 1 : this.topSeq();
  }

  /** Each registered subscriber's progress: its backlog, the last event it took, its last failure. */
  async progress(): Promise<EventSubscriberProgress[]> {
    const cursors = await this.cursors();
    return Promise.all(
      this.subscribers.map(async ({ subscriber, types }) => {
        const cursor = cursors.get(subscriber.id);
        const from = await this.positionOf(subscriber.id, types, cursor);
        // Its types after its cursor, and those committed but not numbered yet.
        const filter = { ...this.typeFilter(types), $or: [{ seq: { $gt: from } }, { seq: null }] };
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

  /**
   * The subscriber has these events (or there were none of its types): its cursor moves to `reached`
   * (never back: `$max`), and names the last event it was handed.
   */
  private async recordDelivery(
    subscriberId: string,
    events: EventDoc[],
    reached: number,
    now: Date,
  ): Promise<void> {
    const last = events[events.length - 1];
    await SubscriberCursorModel.updateOne(
      { _id: subscriberId },
      {
        $max: { lastSeq: reached },
        $set: {
          ...(last ? { lastEventId: last._id } : {}),
          lastError: null,
          lastErrorAt: null,
          failures: 0,
          retryAt: null,
          ...(events.length ? { updatedAt: now } : {}),
        },
        $inc: { handled: events.length },
        $setOnInsert: {
          ...(last ? {} : { lastEventId: null }),
          ...(events.length ? {} : { updatedAt: now }),
        },
      },
      { upsert: true },
    );
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
        $setOnInsert: { lastSeq: 0, lastEventId: null, handled: 0 },
      },
      { upsert: true },
    );
  }
}
