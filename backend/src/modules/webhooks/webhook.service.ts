import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import {
  EVENT_FILTER_MAX,
  WEBHOOK_PING_TYPE,
  type CreateWebhookBody,
  type CreatedWebhookEndpoint,
  type RotatedWebhookSecret,
  type UpdateWebhookBody,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookDeliveryQuery,
  type WebhookEndpoint,
} from '@regulars/contracts';
import { systemClock, type Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { paginate } from '../../platform/pagination.js';
import { principalKey, type Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { parseEventFilter } from '../events/event-filter.js';
import { cancelPending, newDelivery, type WebhookDeliveryService } from './webhook-delivery.service.js';
import { assertPublicTarget, parseWebhookUrl } from './webhook-target.js';
import {
  WebhookDeliveryModel,
  WebhookEndpointModel,
  type WebhookDeliveryDoc,
  type WebhookEndpointDoc,
} from './webhook.model.js';

/** How long a rotated-out secret still signs deliveries (real time: a security window). */
export const WEBHOOK_SECRET_OVERLAP_MS = 24 * 3600_000;
const SECRET_PREFIX = 'whsec_';
const DELIVERY_LIST = 'webhook-deliveries';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export function toWebhookEndpoint(doc: WebhookEndpointDoc): WebhookEndpoint {
  const now = systemClock.now();
  const previous = doc.secrets.find((s) => s.expiresAt !== null && s.expiresAt > now);
  return {
    id: String(doc._id),
    url: doc.url,
    eventTypes: doc.eventTypes,
    description: doc.description,
    active: doc.active,
    disabledAt: iso(doc.disabledAt),
    disabledReason: doc.disabledReason,
    failingSince: iso(doc.failingSince),
    previousSecretExpiresAt: iso(previous?.expiresAt),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

export function toWebhookDelivery(doc: WebhookDeliveryDoc): WebhookDelivery {
  return {
    id: String(doc._id),
    endpointId: String(doc.endpointId),
    eventId: doc.eventId,
    eventType: doc.eventType,
    kind: doc.kind,
    status: doc.status,
    attempts: doc.attempts,
    lastAttemptAt: iso(doc.lastAttemptAt),
    latencyMs: doc.latencyMs,
    responseStatus: doc.responseStatus,
    responseBody: doc.responseBody,
    error: doc.error,
    nextAttemptAt: iso(doc.nextAttemptAt),
    deliveredAt: iso(doc.deliveredAt),
    createdAt: doc.createdAt.toISOString(),
  };
}

const newSecret = () => `${SECRET_PREFIX}${randomBytes(24).toString('base64url')}`;

/**
 * The endpoints merchants register, their delivery log, and the tools (redelivery, ping). The sending
 * itself is WebhookDeliveryService's.
 */
export class WebhookService {
  constructor(
    private readonly deps: {
      clock: Clock;
      audit: AuditService;
      delivery: WebhookDeliveryService;
      /** Production without WEBHOOK_ALLOW_PRIVATE: targets must be public addresses. */
      isPrivateRefused: boolean;
    },
  ) {}

  async create(input: CreateWebhookBody, actor: Principal): Promise<CreatedWebhookEndpoint> {
    const url = await this.checkUrl(input.url);
    checkTypes(input.eventTypes);
    const now = this.deps.clock.now();
    const secret = newSecret();
    const doc = await WebhookEndpointModel.create({
      url,
      eventTypes: [...new Set(input.eventTypes)],
      description: input.description,
      active: input.active,
      secrets: [{ secret, expiresAt: null }],
      disabledAt: null,
      disabledReason: null,
      failingSince: null,
      createdBy: principalKey(actor),
      createdAt: now,
      updatedAt: now,
    });
    const endpoint = toWebhookEndpoint(doc.toObject());
    await this.deps.audit.record({
      actor,
      action: 'webhook.create',
      entity: { type: 'webhook_endpoint', id: endpoint.id },
      after: endpoint,
    });
    return { ...endpoint, secret };
  }

  async list(): Promise<WebhookEndpoint[]> {
    const docs = await WebhookEndpointModel.find().sort({ _id: -1 }).lean<WebhookEndpointDoc[]>();
    return docs.map(toWebhookEndpoint);
  }

  async get(id: string): Promise<WebhookEndpoint> {
    return toWebhookEndpoint(await this.find(id));
  }

  async update(id: string, input: UpdateWebhookBody, actor: Principal): Promise<WebhookEndpoint> {
    const before = await this.find(id);
    const set: Partial<WebhookEndpointDoc> = { updatedAt: this.deps.clock.now() };
    if (input.url !== undefined) set.url = await this.checkUrl(input.url);
    if (input.eventTypes !== undefined) {
      checkTypes(input.eventTypes);
      set.eventTypes = [...new Set(input.eventTypes)];
    }
    if (input.description !== undefined) set.description = input.description;
    if (input.active !== undefined) {
      set.active = input.active;
      // Turned on again (after Regulars disabled it, too): a fresh start.
      if (input.active && !before.active)
        Object.assign(set, { disabledAt: null, disabledReason: null, failingSince: null });
    }
    const after = await WebhookEndpointModel.findOneAndUpdate(
      { _id: before._id },
      { $set: set },
      { new: true },
    ).lean<WebhookEndpointDoc>();
    if (!after) throw new NotFoundError('Webhook', id);
    if (!after.active && before.active) await cancelPending(after._id);
    const endpoint = toWebhookEndpoint(after);
    await this.deps.audit.record({
      actor,
      action: 'webhook.update',
      entity: { type: 'webhook_endpoint', id },
      before: toWebhookEndpoint(before),
      after: endpoint,
    });
    return endpoint;
  }

  /** Removes the endpoint and its delivery log; nothing more is sent to it. */
  async remove(id: string, actor: Principal): Promise<WebhookEndpoint> {
    const before = await this.find(id);
    await WebhookEndpointModel.deleteOne({ _id: before._id });
    await WebhookDeliveryModel.deleteMany({ endpointId: before._id });
    const endpoint = toWebhookEndpoint(before);
    await this.deps.audit.record({
      actor,
      action: 'webhook.delete',
      entity: { type: 'webhook_endpoint', id },
      before: endpoint,
    });
    return endpoint;
  }

  /**
   * A new signing secret (shown in this answer only). The one it replaces keeps signing for 24 hours,
   * so deliveries carry both signatures while receivers switch; any older one stops at once.
   */
  async rotateSecret(id: string, actor: Principal): Promise<RotatedWebhookSecret> {
    const before = await this.find(id);
    const current = before.secrets.find((s) => s.expiresAt === null) ?? before.secrets[0];
    const secret = newSecret();
    const expiresAt = new Date(systemClock.now().getTime() + WEBHOOK_SECRET_OVERLAP_MS);
    await WebhookEndpointModel.updateOne(
      { _id: before._id },
      {
        $set: {
          secrets: [{ secret, expiresAt: null }, ...(current ? [{ secret: current.secret, expiresAt }] : [])],
          updatedAt: this.deps.clock.now(),
        },
      },
    );
    await this.deps.audit.record({
      actor,
      action: 'webhook.rotate_secret',
      entity: { type: 'webhook_endpoint', id },
      after: { previousSecretExpiresAt: expiresAt.toISOString() },
    });
    return { id, secret, previousSecretExpiresAt: expiresAt.toISOString() };
  }

  /** The endpoint's delivery log, newest first. */
  async deliveries(id: string, query: WebhookDeliveryQuery): Promise<WebhookDeliveryPage> {
    const endpoint = await this.find(id);
    return paginate(
      WebhookDeliveryModel,
      { endpointId: endpoint._id, ...(query.status ? { status: query.status } : {}) },
      { limit: query.limit, cursor: query.cursor, order: 'newest', list: DELIVERY_LIST },
      toWebhookDelivery,
    );
  }

  /**
   * Sends a delivery's event again, now, as a new delivery in the log (retried like any other if it
   * fails). Refused with 409 WEBHOOK_DISABLED while the endpoint is off.
   */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    const endpoint = await this.find(id);
    const original = await WebhookDeliveryModel.findOne({
      _id: new Types.ObjectId(deliveryId),
      endpointId: endpoint._id,
    }).lean<WebhookDeliveryDoc>();
    if (!original) throw new NotFoundError('Webhook delivery', deliveryId);
    if (original.kind === 'ping')
      throw new ConflictError(
        'WEBHOOK_PING_NOT_REDELIVERABLE',
        'A ping is not redelivered; send a new ping instead',
      );
    if (!endpoint.active)
      throw new ConflictError(
        'WEBHOOK_DISABLED',
        'This endpoint is disabled; turn it on again (PATCH active: true) before redelivering',
        { disabledReason: endpoint.disabledReason },
      );
    const redeliveryId = new Types.ObjectId();
    const delivery = {
      ...newDelivery({
        endpointId: endpoint._id,
        kind: 'redelivery',
        dedupeKey: `redelivery:${redeliveryId.toHexString()}`,
        orderKey: null,
        event: original.event,
        now: this.deps.clock.now(),
      }),
      _id: redeliveryId,
    };
    await WebhookDeliveryModel.create(delivery);
    return this.sendAndAnswer(delivery, endpoint, true);
  }

  /** Sends a `webhook.ping` now (to a disabled endpoint too) and answers how it went; not retried. */
  async ping(id: string): Promise<WebhookDelivery> {
    const endpoint = await this.find(id);
    const now = this.deps.clock.now();
    const eventId = new Types.ObjectId().toHexString();
    const delivery = newDelivery({
      endpointId: endpoint._id,
      kind: 'ping',
      dedupeKey: `ping:${eventId}`,
      orderKey: null,
      event: {
        id: eventId,
        type: WEBHOOK_PING_TYPE,
        occurredAt: now.toISOString(),
        memberId: null,
        storeId: null,
        subject: { webhookId: String(endpoint._id) },
        payloadVersion: 1,
        payload: {},
      },
      now,
    });
    await WebhookDeliveryModel.create(delivery);
    return this.sendAndAnswer(delivery, endpoint, false);
  }

  private async sendAndAnswer(
    delivery: WebhookDeliveryDoc,
    endpoint: WebhookEndpointDoc,
    isRetried: boolean,
  ): Promise<WebhookDelivery> {
    const after = await this.deps.delivery.sendNow(delivery, endpoint, { isRetried });
    return toWebhookDelivery(after ?? delivery);
  }

  private async find(id: string): Promise<WebhookEndpointDoc> {
    const doc = await WebhookEndpointModel.findById(id).lean<WebhookEndpointDoc>();
    if (!doc) throw new NotFoundError('Webhook', id);
    return doc;
  }

  /** http/https only; in production, a public target unless WEBHOOK_ALLOW_PRIVATE. */
  private async checkUrl(given: string): Promise<string> {
    const url = parseWebhookUrl(given);
    if (this.deps.isPrivateRefused) await assertPublicTarget(url);
    return url.toString();
  }
}

/** Every pattern must match a catalogue type: 400 EVENT_TYPE_UNKNOWN names one that matches nothing. */
function checkTypes(patterns: string[]): void {
  const types = parseEventFilter(patterns);
  if (!types || types.length === 0) {
    throw new AppError('bad_request', 'EVENT_TYPE_UNKNOWN', 'Subscribe to at least one event type', {
      limit: EVENT_FILTER_MAX,
    });
  }
}
