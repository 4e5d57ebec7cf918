import { z } from 'zod';
import type { JobContext } from '../../jobs.js';
import { defineJob } from '../../platform/jobs.js';

/**
 * Fans committed events out to the subscribers, four times a second in the worker process. Not a sweep: a
 * sandbox advance runs its sweeps in the API process, and the subscribers' progress stays with one
 * dispatcher (the lock keeps a second one out anyway).
 */
export const dispatchEventsJob = defineJob({
  name: 'events.dispatch',
  schema: z.object({
    batchSize: z.number().int().min(1).max(5000).optional(),
    maxBatches: z.number().int().min(1).max(1000).optional(),
  }),
  repeat: { every: 250 },
  notTimeBased:
    'it hands out what was committed as soon as it can; no business date waits on it (a failed subscriber waits on the injected clock, and any later run retries it)',
  // BullMQ does not retry a failed run: the next one, a second later, picks up where it stopped.
  defaultOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  handler: async (data, context: JobContext) => {
    const result = await context.services.eventDispatcher.dispatch({
      ...(data.batchSize ? { batchSize: data.batchSize } : {}),
      ...(data.maxBatches ? { maxBatches: data.maxBatches } : {}),
    });
    if (result.failed > 0) context.logger.warn(result, 'some event subscribers failed');
    return result;
  },
});
