import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/** Expires lots past their `expiresAt` (every minute); a rerun after a crash expires nothing twice. */
export const expirePointsJob = defineJob({
  name: 'ledger.expire-points',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 60_000 },
  sweep: true,
  handler: async (data, context: JobContext) => {
    const result = await context.services.ledger.expireDue({ batchSize: data.batchSize ?? 500 });
    if (result.expired > 0) context.logger.info(result, 'expired points');
    return result;
  },
});
