import type { ZodTypeAny } from 'zod';
import type { Services } from './app.js';
import type { Clock } from './platform/clock.js';
import type { JobDefinition } from './platform/jobs.js';
import type { Logger } from './platform/logger.js';
import { activatePointsJob } from './modules/ledger/activate-points.job.js';
import { expirePointsJob } from './modules/ledger/expire-points.job.js';
import { dispatchEventsJob } from './modules/events/dispatch-events.job.js';
import { deliverWebhooksJob } from './modules/webhooks/deliver-webhooks.job.js';
import { expireStampRewardsJob } from './modules/stamps/expire-stamp-rewards.job.js';
import { expireCheckoutsJob } from './modules/checkouts/expire-checkouts.job.js';
import { expireGiftCertificatesJob } from './modules/gift-certificates/expire-gift-certificates.job.js';
import { generateCouponBatchJob } from './modules/coupons/generate-coupon-batch.job.js';
import { expireCouponsJob } from './modules/coupons/expire-coupons.job.js';
import { evaluateTiersJob } from './modules/tiers/evaluate-tiers.job.js';
import { clearReferralsJob } from './modules/referrals/clear-referrals.job.js';

/** What every job handler receives from the worker. */
export type JobContext = { services: Services; clock: Clock; logger: Logger };

export type Job = JobDefinition<ZodTypeAny, JobContext>;

/**
 * Every background job of the product. Modules add their `*.job.ts` definitions here; the worker
 * process runs them and the queue dashboard shows them.
 */
export function allJobs(): Job[] {
  return [
    activatePointsJob,
    expirePointsJob,
    expireStampRewardsJob,
    expireCheckoutsJob,
    expireGiftCertificatesJob,
    expireCouponsJob,
    evaluateTiersJob,
    clearReferralsJob,
    dispatchEventsJob,
    deliverWebhooksJob,
    generateCouponBatchJob,
  ];
}
