// What the Webhooks screens ask the server, typed with the shared contracts.
import type {
  CreateWebhookBody,
  CreatedWebhookEndpoint,
  RotatedWebhookSecret,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointList,
} from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

/** How many deliveries one "Load more" brings. */
export const DELIVERY_PAGE_SIZE = 20;

export const webhooksApi = {
  list: () => staffClient.get<WebhookEndpointList>('/webhooks'),
  get: (id: string) => staffClient.get<WebhookEndpoint>(`/webhooks/${id}`),
  create: (body: CreateWebhookBody) => staffClient.post<CreatedWebhookEndpoint>('/webhooks', body),
  update: (id: string, body: UpdateWebhookBody) =>
    staffClient.patch<WebhookEndpoint>(`/webhooks/${id}`, body),
  remove: (id: string) => staffClient.request<WebhookEndpoint>('DELETE', `/webhooks/${id}`),
  rotateSecret: (id: string) => staffClient.post<RotatedWebhookSecret>(`/webhooks/${id}/rotate-secret`),
  ping: (id: string) => staffClient.post<WebhookDelivery>(`/webhooks/${id}/ping`),
  deliveries: (id: string, query: { status?: WebhookDelivery['status']; cursor?: string }) =>
    staffClient.get<WebhookDeliveryPage>(`/webhooks/${id}/deliveries`, {
      query: { limit: DELIVERY_PAGE_SIZE, ...query },
    }),
  redeliver: (id: string, deliveryId: string) =>
    staffClient.post<WebhookDelivery>(`/webhooks/${id}/deliveries/${deliveryId}/redeliver`),
};
