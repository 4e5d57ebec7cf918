import type { Router } from 'express';
import type { Redis } from 'ioredis';
import { pingMongo } from '../../platform/mongo.js';
import { pingRedis } from '../../platform/redis.js';

/** `GET /api/health`: 200 when MongoDB and Redis both answer, 503 naming the part that does not. */
export function registerHealthRoute(router: Router, deps: { redis: Redis }): void {
  router.get('/health', async (_req, res) => {
    const [mongoOk, redisOk] = await Promise.all([pingMongo(), pingRedis(deps.redis)]);
    const body = {
      status: mongoOk && redisOk ? 'ok' : 'degraded',
      mongo: mongoOk ? 'ok' : 'down',
      redis: redisOk ? 'ok' : 'down',
    };
    res.set('Cache-Control', 'no-store');
    res.status(mongoOk && redisOk ? 200 : 503).json(body);
  });
}
