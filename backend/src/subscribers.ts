import type { Services } from './app.js';
import type { EventSubscriber } from './modules/events/event-dispatcher.js';

/**
 * Every in-process subscriber to domain events, registered with the dispatcher when the services are
 * wired (webhooks, segments and report pre-aggregates add theirs here). None yet: until then the
 * dispatcher finishes each event as soon as it sees it.
 */
export function allSubscribers(_services: Services): EventSubscriber[] {
  return [];
}
