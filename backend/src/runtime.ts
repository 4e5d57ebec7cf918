import mongoose from 'mongoose';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from './config.js';
import { createApp, createServices, type Platform, type Services } from './app.js';
import { SandboxClock, systemClock, type Clock } from './platform/clock.js';
import { readSandboxOffset } from './modules/sandbox/sandbox.model.js';
import { createLogger, type Logger } from './platform/logger.js';
import { EventLoopMonitor } from './platform/event-loop.js';
import { connectMongo } from './platform/mongo.js';
import { createRedis, waitForRedis } from './platform/redis.js';
import { createQueues, scheduleRepeatableJobs, startWorkers } from './platform/jobs.js';
import { allJobs } from './jobs.js';
import type { MessageSender } from './modules/messaging/message-sender.js';
import { backfillNameTokens } from './modules/members/member.model.js';
import { migrateStackingModes } from './modules/rules/stacking-migration.js';

export type Runtime = {
  platform: Platform;
  services: Services;
  logger: Logger;
  /** The express app (for supertest, or to listen yourself). */
  app: Express;
  /** Starts the HTTP server; resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Starts the BullMQ workers and schedules repeatable jobs. */
  startWorkers(): Promise<void>;
  /** Graceful shutdown: stop accepting, drain workers, close queues and connections. */
  close(): Promise<void>;
};

/** Connects to MongoDB and Redis and wires the app; used by main (API and worker), the seed and tests. */
export async function createRuntime(
  config: Config,
  options: { clock?: Clock; messages?: MessageSender; logger?: Logger } = {},
): Promise<Runtime> {
  if (!config.mongodbUri) throw new Error('MONGODB_URI is not set (pnpm start sets it for you)');
  if (!config.redisUrl) throw new Error('REDIS_URL is not set (pnpm start sets it for you)');
  const logger = options.logger ?? createLogger(config);
  await connectMongo(config.mongodbUri, config.mongodbDb);
  // Stored data migrations: idempotent, run by every process on start.
  const renamed = await migrateStackingModes();
  if (renamed.drafts + renamed.versions > 0)
    logger.info(renamed, 'renamed stacking mode exclusive to exclusive_in_group');
  const tokenised = await backfillNameTokens();
  if (tokenised > 0) logger.info({ members: tokenised }, 'gave members their name search tokens');
  const redis = createRedis(config.redisUrl);
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  await waitForRedis(redis, config.redisUrl);
  const connection = { url: config.redisUrl, maxRetriesPerRequest: null };
  const jobs = allJobs();
  const queues = createQueues(jobs, connection, config.redisPrefix);
  // A test's own clock wins; otherwise a sandbox deployment reads the shared offset (once a second).
  const sandboxClock =
    config.sandboxClock && !options.clock
      ? new SandboxClock({
          readOffset: readSandboxOffset,
          onError: (error) => logger.warn({ err: error }, 'could not read the sandbox clock'),
        })
      : undefined;
  await sandboxClock?.start();
  const platform: Platform = {
    config,
    clock: options.clock ?? sandboxClock ?? systemClock,
    ...(sandboxClock ? { sandboxClock } : {}),
    logger,
    redis,
    queues,
    eventLoop: new EventLoopMonitor(logger),
    ...(options.messages ? { messages: options.messages } : {}),
  };
  const services = createServices(platform);
  const app = createApp(platform, services);
  let server: Server | undefined;
  let workers: { close(): Promise<void> } | undefined;
  return {
    platform,
    services,
    logger,
    app,
    async listen(port = config.port, host = config.host) {
      server = app.listen(port, host);
      await new Promise<void>((resolve, reject) => {
        server?.once('listening', resolve);
        server?.once('error', reject);
      });
      const address = server.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    async startWorkers() {
      workers = startWorkers(jobs, connection, config.redisPrefix, logger, {
        services,
        clock: platform.clock,
        logger,
      });
      await scheduleRepeatableJobs(queues, jobs);
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections?.();
      }
      await workers?.close();
      // Budget points this process leased but did not give go back to their rules.
      await services.earning.close().catch((error: unknown) => {
        logger.warn({ err: error }, 'could not return leased rule budgets');
      });
      sandboxClock?.stop();
      platform.eventLoop.stop();
      await services.simulator.close();
      await queues.close();
      redis.disconnect();
      await mongoose.disconnect();
    },
  };
}
