import type { Services } from './app.js';
import type { EventSubscriber } from './modules/events/event-dispatcher.js';
import { reportsSubscriber } from './modules/reports/reports.subscriber.js';
import { webhookSubscriber } from './modules/webhooks/webhook.subscriber.js';
import { referralSubscriber } from './modules/referrals/referral.subscriber.js';

/**
 * Every in-process subscriber to domain events, registered with the dispatcher when the services are
 * wired (segments will add theirs here).
 */
export function allSubscribers(services: Services): EventSubscriber[] {
  return [
    webhookSubscriber(services.webhookDelivery),
    reportsSubscriber(services.reportAggregates),
    referralSubscriber(services.referrals),
  ];
}
