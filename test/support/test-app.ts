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
import { checkerFor, type OpenApiChecker } from './openapi-check.js';

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
    request: checkedAgent(supertest(runtime.app), checkerFor(runtime.app.locals.openapi)),
    messages,
    async close() {
      const db = (await import('mongoose')).default.connection.db;
      await db?.dropDatabase().catch(() => undefined);
      await runtime.close();
    },
  };
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/**
 * The agent of every integration test: each answer it receives is checked against the OpenAPI document
 * (the status is one the operation declares, the JSON body satisfies its schema). A disagreement fails the
 * request, and so the test that made it, naming method, path, status and what disagrees.
 */
export function checkedAgent(
  agent: ReturnType<typeof supertest>,
  checker: OpenApiChecker,
): ReturnType<typeof supertest> {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !HTTP_METHODS.has(property) || typeof value !== 'function')
        return value;
      return (url: string, ...rest: unknown[]) => {
        const test = (value as (url: string, ...rest: unknown[]) => supertest.Test).call(
          target,
          url,
          ...rest,
        );
        return test.expect((response) => {
          const problem = checker.check(property, url, response);
          if (problem) throw new Error(`Answer disagrees with the OpenAPI document: ${problem}`);
        });
      };
    },
  });
}
