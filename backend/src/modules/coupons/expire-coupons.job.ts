import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/** Expires coupons past their `validUntil` (every minute), each with its `coupon.expired` event; a rerun expires nothing twice. */
export const expireCouponsJob = defineJob({
  name: 'coupons.expire',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 60_000 },
  sweep: true,
  handler: async (data, context: JobContext) => {
    const result = await context.services.coupons.expireDue({ batchSize: data.batchSize ?? 500 });
    if (result.expired > 0) context.logger.info(result, 'expired coupons');
    return result;
  },
});
