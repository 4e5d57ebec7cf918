import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/** Expires open checkouts past their `expiresAt` and gives their holds back (every 30 s, on the injected clock). */
export const expireCheckoutsJob = defineJob({
  name: 'checkouts.expire',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 30_000 },
  sweep: true,
  handler: async (data, context: JobContext) => {
    const result = await context.services.checkouts.expireDue({ batchSize: data.batchSize ?? 200 });
    if (result.expired > 0) context.logger.info(result, 'expired checkouts');
    return result;
  },
});
