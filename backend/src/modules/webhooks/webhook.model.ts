import mongoose, { Schema, type Types } from 'mongoose';
import type { DomainEvent } from '@regulars/contracts';

/** A signing secret; the current one has no `expiresAt`, a rotated-out one signs until then (real time). */
export type WebhookSecret = { secret: string; expiresAt: Date | null };

/**
 * An endpoint a merchant registered. `eventTypes` keeps the patterns as given (checked against the
 * catalogue when registered); the subscriber matches on them, so a type added to the catalogue later
 * matches `group.*` too. The secrets are kept as such: signing needs them.
 */
export type WebhookEndpointDoc = {
  _id: Types.ObjectId;
  url: string;
  eventTypes: string[];
  description: string;
  active: boolean;
  secrets: WebhookSecret[];
  disabledAt: Date | null;
  disabledReason: 'gone' | 'failing' | null;
  failingSince: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
};

const endpointSchema = new Schema<WebhookEndpointDoc>(
  {
    url: { type: String, required: true },
    eventTypes: { type: [String], required: true },
    description: { type: String, default: '' },
    active: { type: Boolean, required: true },
    secrets: {
      type: [new Schema({ secret: String, expiresAt: Date }, { _id: false })],
      required: true,
    },
    disabledAt: { type: Date, default: null },
    disabledReason: { type: String, default: null },
    failingSince: { type: Date, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'webhook_endpoints', versionKey: false },
);

export const WebhookEndpointModel = mongoose.model<WebhookEndpointDoc>('WebhookEndpoint', endpointSchema);

export type WebhookDeliveryKind = 'event' | 'redelivery' | 'ping';
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** The event as sent: the feed's shape, or the ping's (whose type is not in the catalogue). */
export type WebhookPayload = Omit<DomainEvent, 'type'> & { type: string };

/**
 * One event to one endpoint. `dedupeKey` makes the subscriber's inserts idempotent (the dispatcher hands
 * events at least once). `orderKey` is the member id of an `event` delivery: such a delivery waits while
 * an earlier one of the same member to the same endpoint is pending. `nextAttemptAt` is business time
 * (the injected clock); `leaseUntil` is real time, while an attempt is in flight.
 */
export type WebhookDeliveryDoc = {
  _id: Types.ObjectId;
  endpointId: Types.ObjectId;
  dedupeKey: string;
  kind: WebhookDeliveryKind;
  eventId: string;
  eventType: string;
  orderKey: string | null;
  event: WebhookPayload;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  leaseToken: string | null;
  lastAttemptAt: Date | null;
  latencyMs: number | null;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
};

const deliverySchema = new Schema<WebhookDeliveryDoc>(
  {
    endpointId: { type: Schema.Types.ObjectId, required: true },
    dedupeKey: { type: String, required: true },
    kind: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    orderKey: { type: String, default: null },
    event: { type: Schema.Types.Mixed, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    leaseToken: { type: String, default: null },
    lastAttemptAt: { type: Date, default: null },
    latencyMs: { type: Number, default: null },
    responseStatus: { type: Number, default: null },
    responseBody: { type: String, default: null },
    error: { type: String, default: null },
    deliveredAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'webhook_deliveries', versionKey: false, minimize: false },
);
deliverySchema.index({ endpointId: 1, dedupeKey: 1 }, { unique: true });
// The delivery job: what is due, soonest first.
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
// A failing endpoint's due deliveries wait for its next retry.
deliverySchema.index({ endpointId: 1, status: 1, nextAttemptAt: 1 });
// The order per member: what is still pending before a delivery.
deliverySchema.index({ endpointId: 1, orderKey: 1, status: 1, eventId: 1 });
// The delivery log, newest first.
deliverySchema.index({ endpointId: 1, _id: -1 });

export const WebhookDeliveryModel = mongoose.model<WebhookDeliveryDoc>('WebhookDelivery', deliverySchema);
