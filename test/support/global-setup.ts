import type { TestProject } from 'vitest/node';
// Only the Redis helper: importing the backend's index would register its mongoose models in this
// process once per project that uses this setup, which mongoose refuses.
import { startLocalRedis, type LocalRedis } from '../../backend/src/platform/local-redis.js';
import { startEmbeddedMongo } from '@regulars/embedded-mongo';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    redisUrl: string;
  }
}

/**
 * Starts MongoDB (the embedded server, unless MONGODB_URI points at a real one) and a private
 * redis-server once per run. Each test file then works in its own database and Redis key prefix.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stopMongo: (() => Promise<void>) | undefined;
  let mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) {
    const mongo = await startEmbeddedMongo({ port: 0 });
    mongoUri = mongo.uri;
    stopMongo = () => mongo.stop();
  }
  let redis: LocalRedis | undefined;
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    redis = await startLocalRedis();
    redisUrl = redis.url;
  }
  project.provide('mongoUri', mongoUri);
  project.provide('redisUrl', redisUrl);
  return async () => {
    await redis?.stop();
    await stopMongo?.();
  };
}
