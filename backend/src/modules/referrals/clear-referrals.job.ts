import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/**
 * Referral due dates on the injected clock (every minute): attributed referrals past their attribution
 * window are rejected; qualified ones whose purchase has passed its clearing window clear and are
 * rewarded within the caps. A rerun changes nothing twice.
 */
export const clearReferralsJob = defineJob({
  name: 'referrals.clear',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 60_000 },
  sweep: true,
  handler: async (data, context: JobContext) => {
    const result = await context.services.referrals.clearDue({ batchSize: data.batchSize ?? 500 });
    if (result.rewarded + result.deferred + result.rejected + result.expired > 0)
      context.logger.info(result, 'cleared referrals');
    return result;
  },
});
