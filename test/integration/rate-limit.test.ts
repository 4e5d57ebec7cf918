import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { Redis } from 'ioredis';
import { RateLimitedError } from '../../backend/src/platform/errors.js';
import { RateLimiter } from '../../backend/src/platform/rate-limit.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

describe('RateLimiter (fixed windows in Redis)', () => {
  it('lets `limit` hits through per window, then refuses with the seconds left', async () => {
    const prefix = `rl-test-${randomUUID()}`;
    const limiter = new RateLimiter(redis, prefix);
    const rule = { bucket: 'codes', key: 'card:1', limit: 3, windowSeconds: 60 };
    for (let i = 0; i < 3; i += 1) await limiter.consume(rule);
    const refused = await limiter.consume(rule).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(55);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another key has its own window.
    await limiter.consume({ ...rule, key: 'card:2' });
    // The counter always carries the window's expiry.
    const ttl = await redis.pttl(`${prefix}:rl:codes:card:1`);
    expect(ttl).toBeGreaterThan(55_000);
  });

  it('starts a new window when the counter expires, and repairs a counter left without expiry', async () => {
    const prefix = `rl-test-${randomUUID()}`;
    const limiter = new RateLimiter(redis, prefix);
    const rule = { bucket: 'b', key: 'k', limit: 1, windowSeconds: 1 };
    await limiter.consume(rule);
    await expect(limiter.consume(rule)).rejects.toBeInstanceOf(RateLimitedError);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await limiter.consume(rule);

    await redis.set(`${prefix}:rl:b:stuck`, '0');
    await limiter.consume({ ...rule, key: 'stuck' });
    expect(await redis.pttl(`${prefix}:rl:b:stuck`)).toBeGreaterThan(0);
  });
});
