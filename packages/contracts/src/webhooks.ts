import { z } from 'zod';
import { PageQuery, Page } from './common.js';
import { EVENT_FILTER_MAX } from './events.js';

/** The longest webhook URL accepted. */
export const WEBHOOK_URL_MAX = 2000;
/** How much of a receiver's answer the delivery log keeps. */
export const WEBHOOK_RESPONSE_BODY_MAX = 512;
/** The type of the test delivery `POST /webhooks/:id/ping` sends (not a domain event: nobody subscribes to it). */
export const WEBHOOK_PING_TYPE = 'webhook.ping';
/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (one v1 per valid secret). */
export const WEBHOOK_SIGNATURE_HEADER = 'Regulars-Signature';

const Url = z.string().trim().min(1).max(WEBHOOK_URL_MAX);
/** Event types or patterns (`points.*`, `*`); checked against the catalogue by the service. */
const EventTypePatterns = z.array(z.string().trim().min(1).max(100)).min(1).max(EVENT_FILTER_MAX);
const Description = z.string().trim().max(500);

/** `POST /api/v1/webhooks`: a new endpoint. */
export const CreateWebhookBody = z
  .object({
    url: Url,
    eventTypes: EventTypePatterns,
    description: Description.default(''),
    active: z.boolean().default(true),
  })
  .strict();
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

/** `PATCH /api/v1/webhooks/:id`: any of the fields; `active: true` re-enables a disabled endpoint. */
export const UpdateWebhookBody = z
  .object({
    url: Url.optional(),
    eventTypes: EventTypePatterns.optional(),
    description: Description.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' });
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  /** As registered (patterns kept as given). */
  eventTypes: z.array(z.string()),
  description: z.string(),
  active: z.boolean(),
  /** Set when Regulars turned the endpoint off (410 Gone, or failing for 3 days); null otherwise. */
  disabledAt: z.string().nullable(),
  disabledReason: z.enum(['gone', 'failing']).or(z.null()),
  /** The first failed attempt since the last success; null while it answers. */
  failingSince: z.string().nullable(),
  /** Until when the previous secret still signs deliveries after a rotation; null when there is none. */
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The endpoint with its signing secret: shown in this answer only. */
export const CreatedWebhookEndpoint = WebhookEndpoint.extend({ secret: z.string() });
export type CreatedWebhookEndpoint = z.infer<typeof CreatedWebhookEndpoint>;

export const WebhookEndpointList = z.object({ items: z.array(WebhookEndpoint) });
export type WebhookEndpointList = z.infer<typeof WebhookEndpointList>;

/** `POST /api/v1/webhooks/:id/rotate-secret`: the new secret (shown once) and how long the old one still signs. */
export const RotatedWebhookSecret = z.object({
  id: z.string(),
  secret: z.string(),
  previousSecretExpiresAt: z.string(),
});
export type RotatedWebhookSecret = z.infer<typeof RotatedWebhookSecret>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export const WebhookDeliveryStatus = z.enum(WEBHOOK_DELIVERY_STATUSES);

/** One delivery of one event (or a ping) to one endpoint, with its last attempt. */
export const WebhookDelivery = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  /** `event` from the outbox, `redelivery` asked by hand, `ping` a test. */
  kind: z.enum(['event', 'redelivery', 'ping']),
  /** `failed`: given up (after 3 days, a 410, or a ping that failed); `cancelled`: the endpoint was turned off. */
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  lastAttemptAt: z.string().nullable(),
  /** Milliseconds from sending to the end of the answer, in the last attempt. */
  latencyMs: z.number().int().nullable(),
  responseStatus: z.number().int().nullable(),
  /** The first 512 bytes of the last answer's body. */
  responseBody: z.string().nullable(),
  /** Why the last attempt failed when there was no answer (timeout, refused connection...). */
  error: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryQuery = PageQuery.extend({ status: WebhookDeliveryStatus.optional() }).strict();
export type WebhookDeliveryQuery = z.infer<typeof WebhookDeliveryQuery>;

export const WebhookDeliveryPage = Page(WebhookDelivery);
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>;
