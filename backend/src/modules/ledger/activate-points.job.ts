import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/** Makes pending points spendable once their `availableAt` has come (every minute). */
export const activatePointsJob = defineJob({
  name: 'ledger.activate-points',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 60_000 },
  sweep: true,
  handler: async (data, context: JobContext) => {
    const result = await context.services.ledger.activateDue({ batchSize: data.batchSize ?? 500 });
    if (result.activated > 0) context.logger.info(result, 'activated pending points');
    return result;
  },
});
