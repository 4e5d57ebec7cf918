import mongoose, { Schema, type Types } from 'mongoose';
import type { EventType } from '@regulars/contracts';

/**
 * A domain event in the transactional outbox. `_id` is generated inside the transaction that writes the
 * change (`eventId`: seconds, then milliseconds, then process bytes and a counter), so ids sort by the
 * time their transaction started, to the millisecond across processes. Events of one member also sort
 * in commit order, because every transaction that emits for a member writes the member document and
 * conflicting transactions retry (and generate their id again) until the other one has committed.
 * `seq` is the commit order the feed pages by: null when written, given by the dispatcher to committed
 * events in id order (an event whose transaction committed late gets a later number instead of being
 * passed over by a reader whose cursor is already beyond its id).
 * Subscribers follow `seq` too: each has a cursor (the last number it was handed), so handing an event
 * to a subscriber writes nothing on the event. `fanout` and `deliveredTo` are what the dispatcher wrote
 * on events before that (kept on old events; read once to place an old subscriber's cursor).
 */
export type EventDoc = {
  _id: Types.ObjectId;
  type: EventType;
  occurredAt: Date;
  memberId: Types.ObjectId | null;
  storeId: Types.ObjectId | null;
  /** Ids of the things the event is about: `{ purchaseId, ruleId, ... }`. */
  subject: Record<string, string>;
  payloadVersion: number;
  payload: Record<string, unknown>;
  /** Legacy (events written before subscribers followed `seq`). */
  fanout?: 'pending' | 'done';
  deliveredTo?: string[];
  seq: number | null;
};

const eventSchema = new Schema<EventDoc>(
  {
    type: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    memberId: { type: Schema.Types.ObjectId, default: null },
    storeId: { type: Schema.Types.ObjectId, default: null },
    subject: { type: Schema.Types.Mixed, default: {} },
    payloadVersion: { type: Number, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    fanout: { type: String, default: undefined },
    deliveredTo: { type: [String], default: undefined },
    seq: { type: Number, default: null },
  },
  { collection: 'events', versionKey: false, minimize: false },
);
// The events still to be numbered (seq null), in id order, and the subscribers' reads by number.
eventSchema.index({ seq: 1, _id: 1 });
eventSchema.index({ seq: 1 }, { unique: true, partialFilterExpression: { seq: { $type: 'number' } } });
// The pull feed filtered by member.
eventSchema.index({ memberId: 1, seq: 1 });

export const EventModel = mongoose.model<EventDoc>('Event', eventSchema);

/**
 * How far each subscriber has come: the number (`seq`) of the last event it was handed or passed over
 * (its next read starts after it), that event's id, how many it handled, and its failures: a subscriber that threw waits until `retryAt`
 * (business time, doubling with each failure in a row).
 */
export type SubscriberCursorDoc = {
  _id: string;
  /** Null on cursors written before subscribers followed `seq`: placed from the events' old marks. */
  lastSeq?: number | null;
  lastEventId: Types.ObjectId | null;
  handled: number;
  lastError: string | null;
  lastErrorAt?: Date | null;
  failures?: number;
  retryAt?: Date | null;
  updatedAt: Date;
};

const cursorSchema = new Schema<SubscriberCursorDoc>(
  {
    _id: { type: String, required: true },
    lastSeq: { type: Number, default: null },
    lastEventId: { type: Schema.Types.ObjectId, default: null },
    handled: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    lastErrorAt: { type: Date, default: null },
    failures: { type: Number, default: 0 },
    retryAt: { type: Date, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'event_subscriber_cursors', versionKey: false },
);

export const SubscriberCursorModel = mongoose.model<SubscriberCursorDoc>(
  'EventSubscriberCursor',
  cursorSchema,
);
