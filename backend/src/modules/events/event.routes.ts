import { EventFeedPage, EventFeedQuery } from '@regulars/contracts';
import type { Api } from '../../platform/http.js';
import { ADMINS, storeScopeOf } from '../../platform/principal.js';
import type { EventService } from './event.service.js';

export function registerEventRoutes(api: Api, deps: { events: EventService }): void {
  api.route({
    method: 'get',
    path: '/events',
    summary: 'The domain events, oldest first, after a cursor (the pull feed for reconciliation)',
    description:
      '`type` filters by event type or pattern (`points.*`, `*`), repeated (`type=a&type=b`) or as a comma list, ' +
      'at most 50 entries. Page with `after=<nextCursor>`; on the last page `nextCursor` is null and ' +
      '`lastCursor` is where to poll from next (`after=<lastCursor>`). A caller bound to a store sees that ' +
      "store's events only. Delivery order is the order of `id`; events of one member come in the order " +
      'they happened.',
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
    handler: ({ query, principal }) =>
      deps.events.feed({ ...query, storeId: storeScopeOf(principal, undefined) }),
  });
}
