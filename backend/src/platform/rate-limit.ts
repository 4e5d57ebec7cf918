import type { Response } from 'express';
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

/** Where a key stands in its window after a hit: what the `RateLimit-*` headers tell the caller. */
export type RateLimitState = {
  limit: number;
  remaining: number;
  /** Seconds until the window starts again (at least 1). */
  resetSeconds: number;
};

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

  /** Counts a hit; refuses it with RateLimitedError (carrying the state) beyond the limit. */
  async consume(rule: RateLimitRule): Promise<RateLimitState> {
    const key = `${this.prefix}:rl:${rule.bucket}:${rule.key}`;
    const [count, ttl] = await onRedis(this.redis.rateLimitHit(key, rule.windowSeconds * 1000));
    const state = {
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - count),
      resetSeconds: Math.max(1, Math.ceil(ttl / 1000)),
    };
    if (count > rule.limit) throw new RateLimitedError(state.resetSeconds, rule.message, state);
    return state;
  }

  /**
   * Refuses (RateLimitedError) when the key already used up its window, without counting a hit: a route
   * that limits only failures (wrong codes) checks first, and counts with `consume` when one fails.
   */
  async assertNotExceeded(rule: RateLimitRule): Promise<void> {
    const key = `${this.prefix}:rl:${rule.bucket}:${rule.key}`;
    const [count, ttl] = await onRedis(
      Promise.all([this.redis.get(key), this.redis.pttl(key)]) as Promise<[string | null, number]>,
    );
    if (count === null || Number(count) < rule.limit || ttl <= 0) return;
    const resetSeconds = Math.max(1, Math.ceil(ttl / 1000));
    throw new RateLimitedError(resetSeconds, rule.message, { limit: rule.limit, remaining: 0, resetSeconds });
  }

  /** `assertNotExceeded` for several limits at once (one round trip: ioredis pipelines them). */
  async assertNoneExceeded(rules: readonly RateLimitRule[]): Promise<void> {
    await Promise.all(rules.map((rule) => this.assertNotExceeded(rule)));
  }

  /** Counts a hit against each of several limits (one round trip); refuses when any is exceeded. */
  async consumeAll(rules: readonly RateLimitRule[]): Promise<void> {
    await Promise.all(rules.map((rule) => this.consume(rule)));
  }

  /**
   * Counts a hit and shows it in the answer's `RateLimit-*` headers. A request may pass several limits
   * (the general one, then a route's own): the headers show the one closest to refusing, as the IETF
   * RateLimit header fields draft recommends. A refusal's headers are set by the error middleware.
   */
  async consumeFor(res: Response, rule: RateLimitRule): Promise<void> {
    const state = await this.consume(rule);
    const shown = res.locals.rateLimit as RateLimitState | undefined;
    if (shown && shown.remaining <= state.remaining) return;
    res.locals.rateLimit = state;
    setRateLimitHeaders(res, state);
  }
}

/** `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the window restarts). */
export function setRateLimitHeaders(res: Response, state: RateLimitState): void {
  res.set({
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(state.remaining),
    'RateLimit-Reset': String(state.resetSeconds),
  });
}
