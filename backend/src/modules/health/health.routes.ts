import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { EventLoopMonitor } from '../../platform/event-loop.js';
import { pingMongo } from '../../platform/mongo.js';
import { pingRedis } from '../../platform/redis.js';

/**
 * `GET /api/health`: 200 when MongoDB and Redis both answer, 503 naming the part that does not.
 * `?details=true` adds this process's event-loop delay and uptime (no personal or secret data).
 */
export function registerHealthRoute(
  router: Router,
  deps: { redis: Redis; eventLoop: EventLoopMonitor },
): void {
  router.get('/health', async (req, res) => {
    const [mongoOk, redisOk] = await Promise.all([pingMongo(), pingRedis(deps.redis)]);
    const body = {
      status: mongoOk && redisOk ? 'ok' : 'degraded',
      mongo: mongoOk ? 'ok' : 'down',
      redis: redisOk ? 'ok' : 'down',
      ...(req.query.details === 'true'
        ? { details: { eventLoop: deps.eventLoop.stats(), uptimeSeconds: Math.round(process.uptime()) } }
        : {}),
    };
    res.set('Cache-Control', 'no-store');
    res.status(mongoOk && redisOk ? 200 : 503).json(body);
  });
}
