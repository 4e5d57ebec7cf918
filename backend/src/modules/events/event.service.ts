import { randomBytes, randomInt } from 'node:crypto';
import { Types, type ClientSession } from 'mongoose';
import {
  EVENT_CATALOGUE,
  type DomainEvent,
  type EventFeedPage,
  type EventFeedQuery,
  type EventType,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { nativeCollection } from '../../platform/mongo.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursorValue, encodeCursor } from '../../platform/pagination.js';
import { WriteBatch } from '../../platform/write-batch.js';
import { parseEventFilter } from './event-filter.js';
import { EventModel, type EventDoc } from './event.model.js';

export { EVENT_CATALOGUE, EVENT_TYPES, type EventType } from '@regulars/contracts';

type Id = Types.ObjectId | string;

export type AppendInput = {
  type: EventType;
  memberId?: Id | null;
  storeId?: Id | null;
  /** Ids of what the event is about (`{ purchaseId }`); values are strings in the feed. */
  subject?: Record<string, Id>;
  payload: Record<string, unknown>;
  /** When it happened in business time; the injected clock's now by default. */
  occurredAt?: Date;
};

const toObjectId = (id: Id | null | undefined): Types.ObjectId | null =>
  id === null || id === undefined ? null : typeof id === 'string' ? new Types.ObjectId(id) : id;

/** The name of the feed in its cursors: a cursor of another list is refused, not misread. */
const EVENT_FEED_LIST = 'events';

const PROCESS_BYTES = randomBytes(3);
let idCounter = randomInt(0, 0x1000000);

/**
 * An ObjectId that sorts by real time to the millisecond: 4 bytes of seconds (as every ObjectId), 2 of
 * milliseconds, 3 random bytes of this process and a 3-byte counter. A plain ObjectId puts random process
 * bytes after the seconds, so two processes' events of one second sort by chance, not by time.
 */
export function eventId(nowMs = Date.now()): Types.ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(nowMs / 1000), 0);
  bytes.writeUInt16BE(nowMs % 1000, 4);
  PROCESS_BYTES.copy(bytes, 6);
  idCounter = (idCounter + 1) % 0x1000000;
  bytes.writeUIntBE(idCounter, 9, 3);
  return new Types.ObjectId(bytes);
}

/**
 * The transactional outbox. `append` writes an event with the change it describes: in the caller's
 * transaction (a ClientSession) or queued on the caller's WriteBatch (the accrual path, which sends all
 * its writes in one round trip). An aborted transaction therefore leaves no event behind.
 */
export class EventService {
  constructor(private readonly deps: { clock: Clock }) {}

  /** Builds the event document (exported for callers that batch writes themselves). */
  document(input: AppendInput): EventDoc {
    const subject: Record<string, string> = {};
    for (const [key, value] of Object.entries(input.subject ?? {})) subject[key] = String(value);
    return {
      _id: eventId(),
      type: input.type,
      occurredAt: input.occurredAt ?? this.deps.clock.now(),
      memberId: toObjectId(input.memberId),
      storeId: toObjectId(input.storeId),
      subject,
      payloadVersion: EVENT_CATALOGUE[input.type].version,
      payload: input.payload,
      seq: null,
    };
  }

  /** Writes the event in `target`'s transaction; returns its id. */
  async append(target: ClientSession | WriteBatch, input: AppendInput): Promise<Types.ObjectId> {
    const doc = this.document(input);
    if (target instanceof WriteBatch) target.insertOne(EventModel, doc);
    else await nativeCollection<EventDoc>(EventModel).insertOne(doc, { session: target });
    return doc._id;
  }

  /**
   * The pull feed in commit order (`seq`), after the cursor. Events appear once the dispatcher has
   * numbered them (within about a second of their commit; the feed route numbers what it can first).
   * `storeId` is the store the caller is bound to (already checked by the route): such a caller sees that
   * store's events only.
   */
  async feed(query: EventFeedQuery & { storeId?: string | null }): Promise<EventFeedPage> {
    const types = parseEventFilter(query.type);
    const after = query.after ? await this.seqOfCursor(query.after) : 0;
    const docs = await EventModel.find({
      seq: { $gt: after },
      ...(types ? { type: { $in: types } } : {}),
      ...(query.memberId ? { memberId: new Types.ObjectId(query.memberId) } : {}),
      ...(query.storeId ? { storeId: new Types.ObjectId(query.storeId) } : {}),
    })
      .sort({ seq: 1 })
      .limit(query.limit + 1)
      .lean<EventDoc[]>();
    const hasMore = docs.length > query.limit;
    const items = hasMore ? docs.slice(0, query.limit) : docs;
    const last = items[items.length - 1];
    const lastCursor = last?.seq ? encodeCursor(String(last.seq), EVENT_FEED_LIST) : (query.after ?? null);
    return { items: items.map(toEventResponse), nextCursor: hasMore ? lastCursor : null, lastCursor };
  }

  /**
   * The position a feed cursor names: a commit number, or (cursors handed out before events were
   * numbered) an event id, which stands for that event's number.
   */
  private async seqOfCursor(cursor: string): Promise<number> {
    const value = decodeCursorValue(cursor, EVENT_FEED_LIST);
    if (/^[1-9]\d{0,15}$/.test(value)) return Number(value);
    if (/^[0-9a-f]{24}$/.test(value)) {
      const event = await EventModel.findById(value, { seq: 1 }).lean<Pick<EventDoc, 'seq'>>();
      if (event?.seq) return event.seq;
    }
    throw new AppError('bad_request', 'INVALID_CURSOR', 'The cursor is not valid; start again without one');
  }
}

/** The event as the feed and webhooks show it. */
export function toEventResponse(doc: EventDoc): DomainEvent {
  return {
    id: doc._id.toHexString(),
    type: doc.type,
    occurredAt: doc.occurredAt.toISOString(),
    memberId: doc.memberId ? doc.memberId.toHexString() : null,
    storeId: doc.storeId ? doc.storeId.toHexString() : null,
    subject: doc.subject ?? {},
    payloadVersion: doc.payloadVersion,
    payload: doc.payload ?? {},
  };
}
