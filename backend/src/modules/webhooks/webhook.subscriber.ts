import type { EventSubscriber } from '../events/event-dispatcher.js';
import type { WebhookDeliveryService } from './webhook-delivery.service.js';

/**
 * Records, for each event, one delivery per active endpoint subscribed to its type, due now. No HTTP
 * here: the dispatcher waits on `handle`, and the deliver-webhooks job does the sending.
 */
export function webhookSubscriber(delivery: WebhookDeliveryService): EventSubscriber {
  return {
    id: 'webhooks',
    types: ['*'],
    async handle(events) {
      await delivery.enqueue(events);
    },
  };
}
