import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { inject } from 'vitest';
import {
  createRuntime,
  loadConfig,
  LogMessageSender,
  createLogger,
  type Runtime,
  type Clock,
} from '@regulars/backend';

export type TestApp = {
  runtime: Runtime;
  request: ReturnType<typeof supertest>;
  messages: LogMessageSender;
  close(): Promise<void>;
};

/**
 * A real app on the run's MongoDB and Redis, isolated in its own database and Redis prefix.
 * `env` overrides configuration (rate limits, TTLs…) for the test at hand.
 */
export async function createTestApp(
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const id = randomBytes(6).toString('hex');
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: `test_${id}`,
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `test:${id}`,
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    ...options.env,
  });
  const logger = createLogger(config);
  const messages = new LogMessageSender(logger);
  // Without a clock of the test's own, the runtime picks the system clock, or the sandbox clock when
  // the test's env turns SANDBOX_CLOCK on.
  const runtime = await createRuntime(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    messages,
    logger,
  });
  return {
    runtime,
    request: supertest(runtime.app),
    messages,
    async close() {
      const db = (await import('mongoose')).default.connection.db;
      await db?.dropDatabase().catch(() => undefined);
      await runtime.close();
    },
  };
}
