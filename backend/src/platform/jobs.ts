import { Queue, Worker, type ConnectionOptions, type JobsOptions, type Processor } from 'bullmq';
import type { z, ZodTypeAny } from 'zod';
import type { Logger } from './logger.js';

/**
 * A job: its queue name, the schema of its data and its handler. Delivery is at least once, so every
 * handler must be idempotent.
 */
export type JobDefinition<S extends ZodTypeAny = ZodTypeAny, C = never> = {
  name: string;
  schema: S;
  /** `context` is what the worker injects (services, clock, logger); `meta` says which delivery this is. */
  handler: (
    data: z.infer<S>,
    context: C,
    meta: { attempt: number; jobId: string | undefined },
  ) => Promise<unknown>;
  /** Repeat on a schedule (cron pattern or every N ms); the scheduler entry is upserted at start. */
  repeat?: { pattern?: string; every?: number };
  /**
   * A due-date sweep: with data {} it processes everything due at context.clock.now() and returns a
   * JSON summary of counts (`{ activated: 12 }`). The sandbox clock's advance runs every sweep until
   * nothing is due, so a sweep must be idempotent and batch by indexed cursor.
   */
  sweep?: boolean;
  /**
   * Why a repeatable job that is not a sweep does not depend on business time (a real-time maintenance
   * task, say). A test refuses a repeatable job that is neither a sweep nor says this.
   */
  notTimeBased?: string;
  concurrency?: number;
  defaultOptions?: JobsOptions;
};

/** Helps the compiler infer a job's data type from its schema. */
export function defineJob<S extends ZodTypeAny, C>(definition: JobDefinition<S, C>): JobDefinition<S, C> {
  return definition;
}

export type QueueSet = {
  queues: Map<string, Queue>;
  enqueue<S extends ZodTypeAny, C>(
    job: JobDefinition<S, C>,
    data: z.infer<S>,
    options?: JobsOptions,
  ): Promise<void>;
  close(): Promise<void>;
};

/** Opens one BullMQ queue per job definition (producers only). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- queues only need names and options, whatever the handler's context
type AnyJob = JobDefinition<ZodTypeAny, any>;

export function createQueues(jobs: AnyJob[], connection: ConnectionOptions, prefix: string): QueueSet {
  const queues = new Map<string, Queue>();
  for (const job of jobs) {
    queues.set(
      job.name,
      new Queue(job.name, {
        connection,
        prefix: `${prefix}:bull`,
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
          ...job.defaultOptions,
        },
      }),
    );
  }
  return {
    queues,
    async enqueue(job, data, options) {
      const queue = queues.get(job.name);
      if (!queue) throw new Error(`No queue for job ${job.name}`);
      await queue.add(job.name, job.schema.parse(data), options);
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

/** Registers repeatable jobs (idempotent: the same scheduler id is upserted, never duplicated). */
export async function scheduleRepeatableJobs(set: QueueSet, jobs: AnyJob[]): Promise<void> {
  for (const job of jobs) {
    if (!job.repeat) continue;
    const queue = set.queues.get(job.name);
    if (!queue) continue;
    await queue.upsertJobScheduler(`${job.name}:schedule`, job.repeat, { name: job.name, data: {} });
  }
}

/** Starts one worker per job definition; returns a function that drains and closes them. */
export function startWorkers<C>(
  jobs: JobDefinition<ZodTypeAny, C>[],
  connection: ConnectionOptions,
  prefix: string,
  logger: Logger,
  context: C,
): { workers: Worker[]; close(): Promise<void> } {
  const workers = jobs.map((job) => {
    const processor: Processor = async (bullJob) => {
      const data = job.schema.parse(bullJob.data ?? {});
      return job.handler(data, context, { attempt: bullJob.attemptsMade + 1, jobId: bullJob.id });
    };
    const worker = new Worker(job.name, processor, {
      connection,
      prefix: `${prefix}:bull`,
      concurrency: job.concurrency ?? 1,
    });
    worker.on('failed', (bullJob, error) =>
      logger.error({ job: job.name, jobId: bullJob?.id, err: error }, 'job failed'),
    );
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/** A summary a sweep returns: counts per kind of thing it did (`{ activated: 12 }`). */
export type SweepSummary = Record<string, number>;

/** Adds the counts of `more` into `into` (numbers only; anything else a handler returns is ignored). */
function addCounts(into: SweepSummary, more: unknown): number {
  let total = 0;
  if (!more || typeof more !== 'object') return total;
  for (const [key, value] of Object.entries(more as Record<string, unknown>)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    into[key] = (into[key] ?? 0) + value;
    total += value;
  }
  return total;
}

/**
 * Runs every sweep (`sweep: true`) with data {}, in order, again and again until a whole pass finds
 * nothing due (an activation can make an expiry due, a later module's renewal a new activation...).
 * Returns the counts per sweep, summed over the passes. `onPass` reports progress after each pass.
 */
export async function runSweepsUntilIdle<C>(
  jobs: JobDefinition<ZodTypeAny, C>[],
  context: C,
  options: {
    maxPasses?: number;
    onPass?: (ran: Record<string, SweepSummary>, pass: number) => Promise<void>;
  } = {},
): Promise<{ ran: Record<string, SweepSummary>; passes: number }> {
  const sweeps = jobs.filter((job) => job.sweep);
  const ran: Record<string, SweepSummary> = Object.fromEntries(sweeps.map((job) => [job.name, {}]));
  const maxPasses = options.maxPasses ?? 50;
  for (let pass = 1; pass <= maxPasses; pass += 1) {
    let done = 0;
    for (const job of sweeps) {
      const result = await job.handler(job.schema.parse({}), context, { attempt: 1, jobId: undefined });
      done += addCounts((ran[job.name] ??= {}), result);
    }
    await options.onPass?.(ran, pass);
    if (done === 0) return { ran, passes: pass };
  }
  throw new Error(`the sweeps still found work after ${maxPasses} passes; is a sweep not idempotent?`);
}
