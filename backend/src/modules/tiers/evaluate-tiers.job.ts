import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/**
 * The tier sweep: moves members onto a newly published ladder, downgrades (after qualification and
 * grace) and ends fixed overrides that are due, and sends `tier.will_downgrade` warnings. Due dates are
 * days, so it runs hourly (the daily job, with less lag after a ladder is published); a rerun does nothing twice.
 */
export const evaluateTiersJob = defineJob({
  name: 'tiers.evaluate',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 3600_000 },
  sweep: true,
  handler: async (data, context: JobContext) => {
    const result = await context.services.tiers.sweep({ batchSize: data.batchSize ?? 500 });
    if (result.moved + result.downgraded + result.warned > 0) context.logger.info(result, 'tier sweep');
    return result;
  },
});
