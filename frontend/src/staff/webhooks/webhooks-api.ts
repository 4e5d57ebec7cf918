// What the Webhooks screens ask the server, typed by the OpenAPI document (@regulars/client).
import type { CreateWebhookBody, UpdateWebhookBody, WebhookDelivery } from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

/** How many deliveries one "Load more" brings. */
export const DELIVERY_PAGE_SIZE = 20;

const byId = (id: string) => ({ params: { path: { id } } });

export const webhooksApi = {
  list: () => staffClient.GET('/api/v1/webhooks'),
  get: (id: string) => staffClient.GET('/api/v1/webhooks/{id}', byId(id)),
  create: (body: CreateWebhookBody) => staffClient.POST('/api/v1/webhooks', { body }),
  update: (id: string, body: UpdateWebhookBody) =>
    staffClient.PATCH('/api/v1/webhooks/{id}', { ...byId(id), body }),
  remove: (id: string) => staffClient.DELETE('/api/v1/webhooks/{id}', byId(id)),
  rotateSecret: (id: string) => staffClient.POST('/api/v1/webhooks/{id}/rotate-secret', byId(id)),
  ping: (id: string) => staffClient.POST('/api/v1/webhooks/{id}/ping', byId(id)),
  deliveries: (id: string, query: { status?: WebhookDelivery['status']; cursor?: string }) =>
    staffClient.GET('/api/v1/webhooks/{id}/deliveries', {
      params: { path: { id }, query: { limit: DELIVERY_PAGE_SIZE, ...query } },
    }),
  redeliver: (id: string, deliveryId: string) =>
    staffClient.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
      params: { path: { id, deliveryId } },
    }),
};
