import type { Redis } from 'ioredis';
import { onRedis } from './redis.js';
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
 * Counts a hit and gives the window's count and the milliseconds left. One script, so one command per
 * request (every API call passes here) and atomic: a counter can never be left without its expiry.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

type HitCommand = { rateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/** Fixed-window counters in Redis, so that every API instance shares them. */
export class RateLimiter {
  private readonly redis: Redis & HitCommand;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    // ioredis sends the script by its SHA (EVALSHA) and loads it once when the server does not know it.
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as Redis & HitCommand;
  }

  async consume(rule: RateLimitRule): Promise<void> {
    const key = `${this.prefix}:rl:${rule.bucket}:${rule.key}`;
    const [count, ttl] = await onRedis(this.redis.rateLimitHit(key, rule.windowSeconds * 1000));
    if (count > rule.limit) throw new RateLimitedError(Math.max(1, Math.ceil(ttl / 1000)), rule.message);
  }
}
