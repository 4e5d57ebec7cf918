import { EventFeedPage, EventFeedQuery, EventSubscriberList } from '@regulars/contracts';
import type { Api } from '../../platform/http.js';
import { ADMINS, storeScopeOf } from '../../platform/principal.js';
import type { EventDispatcher } from './event-dispatcher.js';
import type { EventService } from './event.service.js';

export function registerEventRoutes(
  api: Api,
  deps: { events: EventService; dispatcher: EventDispatcher },
): void {
  api.route({
    method: 'get',
    path: '/events',
    operationId: 'listEvents',
    summary: 'The domain events, oldest first, after a cursor (the pull feed for reconciliation)',
    description:
      '`type` filters by event type or pattern (`points.*`, `*`), repeated (`type=a&type=b`) or as a comma list, ' +
      'at most 50 entries. Page with `after=<nextCursor>`; on the last page `nextCursor` is null and ' +
      '`lastCursor` is where to poll from next (`after=<lastCursor>`). A caller bound to a store sees that ' +
      "store's events only. The feed is in commit order: an event shows once its change has committed, and a " +
      'cursor never passes over an event that commits later; events of one member come in the order they happened.',
    tags: ['Events'],
    access: { staff: ADMINS, apiKey: ['events:read'] },
    query: EventFeedQuery,
    response: { schema: EventFeedPage },
    errors: [
      'VALIDATION_FAILED',
      'EVENT_TYPE_UNKNOWN',
      'EVENT_FILTER_TOO_LONG',
      'INVALID_CURSOR',
      'FORBIDDEN',
      'INSUFFICIENT_SCOPE',
    ],
    handler: async ({ query, principal }) => {
      await deps.dispatcher.numberNow();
      return deps.events.feed({ ...query, storeId: storeScopeOf(principal, undefined) });
    },
  });

  api.route({
    method: 'get',
    path: '/events/subscribers',
    operationId: 'listEventSubscribers',
    summary: 'The in-process event subscribers and how far each has come (backlog, last error, next retry)',
    description:
      '`pending` counts the events of its types it has not been handed yet (up to 10,000); `oldestPendingAt` is when ' +
      'the oldest of them happened. A subscriber that threw waits until `retryAt`; `lastError` clears on its next success.',
    tags: ['Events'],
    access: { staff: ADMINS },
    response: { schema: EventSubscriberList },
    errors: ['FORBIDDEN'],
    handler: async () => ({ items: await deps.dispatcher.progress() }),
  });
}
