import type { EventSubscriber } from '../events/event-dispatcher.js';
import type { ReportAggregatesService } from './report-aggregates.service.js';

/**
 * The report pre-aggregates follow the events that change a member, a sale or points. At least once is
 * fine: the aggregates add each source record once and recompute member summaries.
 */
export function reportsSubscriber(aggregates: ReportAggregatesService): EventSubscriber {
  return {
    id: 'reports',
    types: [
      'member.created',
      'purchase.recorded',
      'refund.recorded',
      'points.*',
      'redemption.*',
      'checkout.completed',
    ],
    async handle(events) {
      await aggregates.applyEvents(events);
    },
  };
}
