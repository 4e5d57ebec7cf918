import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/**
 * Sends the webhook deliveries due on the injected clock (first attempts and retries), four times a
 * second (the dispatcher hands events over four times a second too: together they keep the lag from
 * commit to receipt to about a second). Runs may overlap (a receiver that hangs holds only its own run):
 * each claims what it sends before working out the order.
 */
export const deliverWebhooksJob = defineJob({
  name: 'webhooks.deliver',
  schema: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }),
  repeat: { every: 250 },
  sweep: true,
  concurrency: 4,
  // The next run, a second later, picks up whatever this one did not send.
  defaultOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  handler: async (data, context: JobContext) => {
    const result = await context.services.webhookDelivery.deliverDue({
      ...(data.batchSize ? { batchSize: data.batchSize } : {}),
    });
    if (result.failed > 0) context.logger.warn(result, 'some webhook deliveries were given up');
    return result;
  },
});
