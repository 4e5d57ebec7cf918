import type { EventSubscriber } from '../events/event-dispatcher.js';
import type { ReferralService } from './referral.service.js';

/**
 * The friend's purchases qualify a referral and their refunds reject or reverse it: the referral module
 * hears them as events (purchases and refunds know nothing of referrals).
 */
export function referralSubscriber(referrals: ReferralService): EventSubscriber {
  return {
    id: 'referrals',
    types: ['purchase.recorded', 'refund.recorded', 'referral.*'],
    async handle(events) {
      await referrals.handleEvents(events);
    },
  };
}
