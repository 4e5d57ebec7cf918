import type { Redis } from 'ioredis';
import { RateLimitedError } from './errors.js';

/** One limit: at most `limit` hits per `windowSeconds` for this bucket and key. */
export type RateLimitRule = {
  bucket: string;
  key: string;
  limit: number;
  windowSeconds: number;
  message?: string;
};

/**
 * Fixed-window counters in Redis, so that every API instance shares them. INCR and the first PEXPIRE
 * run in one MULTI: a counter can never be left without its expiry.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async consume(rule: RateLimitRule): Promise<void> {
    const key = `${this.prefix}:rl:${rule.bucket}:${rule.key}`;
    const windowMs = rule.windowSeconds * 1000;
    const result = await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').pttl(key).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    const ttl = Number(result?.[2]?.[1] ?? windowMs);
    if (count > rule.limit) throw new RateLimitedError(Math.max(1, Math.ceil(ttl / 1000)), rule.message);
  }
}
