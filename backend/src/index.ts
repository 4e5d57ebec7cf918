/** What tests, benchmarks and scripts use from the backend. */
export { loadConfig, type Config } from './config.js';
export { createRuntime, type Runtime } from './runtime.js';
export { ManualClock, systemClock, type Clock } from './platform/clock.js';
export {
  startLocalRedis,
  freePort,
  hasRedisServer,
  stopChild,
  type LocalRedis,
} from './platform/local-redis.js';
export {
  LogMessageSender,
  type MessageSender,
  type OutgoingMessage,
} from './modules/messaging/message-sender.js';
export { createLogger } from './platform/logger.js';
export { seedDemoData, DEMO_PASSWORD, DEMO_STAFF } from './seed/demo-seed.js';
export { allJobs } from './jobs.js';
export { migrateStackingModes } from './modules/rules/stacking-migration.js';
export {
  migrate,
  migrations,
  runMigrations,
  MigrationFailedError,
  type Migration,
} from './platform/migrations/index.js';
export { MigrationModel, MigrationLockModel } from './platform/migrations/migration.model.js';
