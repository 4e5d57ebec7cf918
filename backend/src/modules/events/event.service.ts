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
import { encodeCursor, paginate } from '../../platform/pagination.js';
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
      _id: new Types.ObjectId(),
      type: input.type,
      occurredAt: input.occurredAt ?? this.deps.clock.now(),
      memberId: toObjectId(input.memberId),
      storeId: toObjectId(input.storeId),
      subject,
      payloadVersion: EVENT_CATALOGUE[input.type].version,
      payload: input.payload,
      fanout: 'pending',
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
   * The pull feed, oldest first, after the cursor. `storeId` is the store the caller is bound to
   * (already checked by the route): such a caller sees that store's events only.
   */
  async feed(query: EventFeedQuery & { storeId?: string | null }): Promise<EventFeedPage> {
    const types = parseEventFilter(query.type);
    const filter = {
      ...(types ? { type: { $in: types } } : {}),
      ...(query.memberId ? { memberId: new Types.ObjectId(query.memberId) } : {}),
      ...(query.storeId ? { storeId: new Types.ObjectId(query.storeId) } : {}),
    };
    const page = await paginate(
      EventModel,
      filter,
      { limit: query.limit, cursor: query.after, order: 'oldest', list: EVENT_FEED_LIST },
      toEventResponse,
    );
    const last = page.items[page.items.length - 1];
    return { ...page, lastCursor: last ? encodeCursor(last.id, EVENT_FEED_LIST) : (query.after ?? null) };
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
