import {
  type ErrorCode,
  CreateWebhookBody,
  CreatedWebhookEndpoint,
  ObjectIdString,
  RotatedWebhookSecret,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointList,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import type { ApiTag } from '../../platform/openapi.js';
import { ADMINS, type Access } from '../../platform/principal.js';
import type { WebhookService } from './webhook.service.js';

const ACCESS: Access = { staff: ADMINS, apiKey: ['webhooks:write'] };
const TAGS: ApiTag[] = ['Webhooks'];
const ById = z.object({ id: ObjectIdString });
const URL_ERRORS: ErrorCode[] = [
  'WEBHOOK_URL_INVALID',
  'WEBHOOK_URL_SCHEME',
  'WEBHOOK_TARGET_PRIVATE',
  'WEBHOOK_TARGET_UNRESOLVABLE',
  'EVENT_TYPE_UNKNOWN',
];
const ACCESS_ERRORS: ErrorCode[] = ['FORBIDDEN', 'INSUFFICIENT_SCOPE'];

export function registerWebhookRoutes(api: Api, deps: { webhooks: WebhookService }): void {
  api.route({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    summary: 'Register a webhook endpoint; its signing secret is in this response only',
    description:
      '`eventTypes` are types or patterns (`points.*`, `*`) from the event catalogue, at most 50. The URL must be ' +
      'http or https; in production it must not point to a private, loopback or link-local address unless the ' +
      'server allows it (`WEBHOOK_ALLOW_PRIVATE=true`). See docs/webhooks.md for the payload and the signature.',
    tags: TAGS,
    access: ACCESS,
    body: CreateWebhookBody,
    response: { schema: CreatedWebhookEndpoint },
    errors: ['VALIDATION_FAILED', ...URL_ERRORS, 'EVENT_FILTER_TOO_LONG', ...ACCESS_ERRORS],
    handler: ({ body, principal }) => deps.webhooks.create(body, principal),
  });

  api.route({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    summary: 'List the webhook endpoints (secrets are never shown again)',
    tags: TAGS,
    access: ACCESS,
    response: { schema: WebhookEndpointList },
    errors: ACCESS_ERRORS,
    handler: async () => ({ items: await deps.webhooks.list() }),
  });

  api.route({
    method: 'get',
    path: '/webhooks/:id',
    operationId: 'getWebhook',
    summary: 'One webhook endpoint',
    tags: TAGS,
    access: ACCESS,
    params: ById,
    response: { schema: WebhookEndpoint },
    errors: ['WEBHOOK_NOT_FOUND', ...ACCESS_ERRORS],
    handler: ({ params }) => deps.webhooks.get(params.id),
  });

  api.route({
    method: 'patch',
    path: '/webhooks/:id',
    operationId: 'updateWebhook',
    summary:
      'Change a webhook endpoint; `active: false` stops it, `active: true` turns a disabled one on again',
    description:
      'Turning an endpoint off cancels its pending deliveries; events while it is off are not sent.',
    tags: TAGS,
    access: ACCESS,
    params: ById,
    body: UpdateWebhookBody,
    response: { schema: WebhookEndpoint },
    errors: [
      'VALIDATION_FAILED',
      'WEBHOOK_NOT_FOUND',
      ...URL_ERRORS,
      'EVENT_FILTER_TOO_LONG',
      ...ACCESS_ERRORS,
    ],
    handler: ({ params, body, principal }) => deps.webhooks.update(params.id, body, principal),
  });

  api.route({
    method: 'delete',
    path: '/webhooks/:id',
    operationId: 'deleteWebhook',
    summary: 'Remove a webhook endpoint and its delivery log',
    tags: TAGS,
    access: ACCESS,
    params: ById,
    response: { status: 200, schema: WebhookEndpoint },
    errors: ['WEBHOOK_NOT_FOUND', ...ACCESS_ERRORS],
    handler: ({ params, principal }) => deps.webhooks.remove(params.id, principal),
  });

  api.route({
    method: 'post',
    path: '/webhooks/:id/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'A new signing secret (shown once); the previous one keeps signing for 24 hours',
    description:
      'During the overlap each delivery carries two `v1=` signatures in `Regulars-Signature`, one per secret.',
    tags: TAGS,
    access: ACCESS,
    params: ById,
    response: { status: 200, schema: RotatedWebhookSecret },
    errors: ['WEBHOOK_NOT_FOUND', ...ACCESS_ERRORS],
    handler: ({ params, principal }) => deps.webhooks.rotateSecret(params.id, principal),
  });

  api.route({
    method: 'get',
    path: '/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    summary:
      "The endpoint's delivery log, newest first: status, attempts, latency, the answer's head, next retry",
    tags: TAGS,
    access: ACCESS,
    params: ById,
    query: WebhookDeliveryQuery,
    response: { schema: WebhookDeliveryPage },
    errors: ['VALIDATION_FAILED', 'WEBHOOK_NOT_FOUND', 'INVALID_CURSOR', ...ACCESS_ERRORS],
    handler: ({ params, query }) => deps.webhooks.deliveries(params.id, query),
  });

  api.route({
    method: 'post',
    path: '/webhooks/:id/deliveries/:deliveryId/redeliver',
    operationId: 'redeliverWebhookDelivery',
    summary: "Send a delivery's event again now, as a new delivery (retried like any other if it fails)",
    tags: TAGS,
    access: ACCESS,
    params: z.object({ id: ObjectIdString, deliveryId: ObjectIdString }),
    response: { status: 200, schema: WebhookDelivery },
    errors: [
      'WEBHOOK_NOT_FOUND',
      'WEBHOOK_DELIVERY_NOT_FOUND',
      'WEBHOOK_DISABLED',
      'WEBHOOK_PING_NOT_REDELIVERABLE',
      ...ACCESS_ERRORS,
    ],
    handler: ({ params }) => deps.webhooks.redeliver(params.id, params.deliveryId),
  });

  api.route({
    method: 'post',
    path: '/webhooks/:id/ping',
    operationId: 'pingWebhook',
    summary: 'Send a `webhook.ping` test delivery now and answer how it went (not retried)',
    description:
      "The answer is the delivery: `status` `delivered` when the receiver answered 2xx, else `failed` with the answer's status and head, or `error`.",
    tags: TAGS,
    access: ACCESS,
    params: ById,
    response: { status: 200, schema: WebhookDelivery },
    errors: ['WEBHOOK_NOT_FOUND', ...ACCESS_ERRORS],
    handler: ({ params }) => deps.webhooks.ping(params.id),
  });
}
