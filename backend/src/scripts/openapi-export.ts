// `pnpm -s openapi:export [file]`: writes the OpenAPI document the API serves at /api/openapi.json, without
// a database or Redis (routes are registered offline), to `file` or stdout. Used to lint the contract in CI
// and to generate @regulars/client's types.
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createApp, createServices, type Platform } from '../app.js';
import { loadConfig } from '../config.js';
import { systemClock } from '../platform/clock.js';
import { EventLoopMonitor } from '../platform/event-loop.js';
import { createQueues } from '../platform/jobs.js';
import { createLogger } from '../platform/logger.js';
import type { OpenApiDocument } from '../platform/openapi.js';

const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
const logger = createLogger(config);
// Never connected: building the services and routes sends no command.
const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
const platform: Platform = {
  config,
  clock: systemClock,
  logger,
  redis,
  queues: createQueues([], { lazyConnect: true }, config.redisPrefix),
  eventLoop: new EventLoopMonitor(logger),
};
const app = createApp(platform, createServices(platform));
const json = `${JSON.stringify(app.locals.openapi as OpenApiDocument, null, 2)}\n`;
platform.eventLoop.stop();
redis.disconnect();
const file = process.argv[2];
if (file) writeFileSync(file, json);
else process.stdout.write(json);
