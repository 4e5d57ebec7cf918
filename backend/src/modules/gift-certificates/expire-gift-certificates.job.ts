import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/** Expires gift certificates past their `expiresAt` (every minute): breakage entries; a rerun expires nothing twice. */
export const expireGiftCertificatesJob = defineJob({
  name: 'gift-certificates.expire',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 60_000 },
  sweep: true,
  handler: async (data, context: JobContext) => {
    const result = await context.services.giftCertificates.expireDue({ batchSize: data.batchSize ?? 500 });
    if (result.expired > 0) context.logger.info(result, 'expired gift certificates');
    return result;
  },
});
