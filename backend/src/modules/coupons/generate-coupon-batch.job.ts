import { Types } from 'mongoose';
import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';
import type { CouponBatchDoc } from './coupon.model.js';

/**
 * Generates one batch of bearer coupon codes (enqueued by `POST /coupon-templates/:id/batches`, job id =
 * batch id). Idempotent and resumable: a delivery after a crash counts the codes already inserted and
 * generates the rest; a completed batch is left as it is.
 */
export const generateCouponBatchJob = defineJob({
  name: 'coupons.generate-batch',
  schema: z.object({ batchId: z.string().regex(/^[0-9a-f]{24}$/) }),
  // One batch at a time per worker: a million codes is a minute or two of inserts.
  concurrency: 1,
  handler: async (data, context: JobContext): Promise<{ generated: number; collisions: number }> => {
    const batch: CouponBatchDoc = await context.services.coupons.runBatch(new Types.ObjectId(data.batchId));
    context.logger.info(
      { batchId: data.batchId, generated: batch.generated, collisions: batch.collisions },
      'coupon batch generated',
    );
    return { generated: batch.generated, collisions: batch.collisions };
  },
});
