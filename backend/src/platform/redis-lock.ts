import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// Compare-and-act: only the holder's token may extend or free the lock, never a process that lost it.
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A short exclusive lock in Redis (SET NX PX with a random token). It expires on its own after `ttlMs`
 * of real time, so a holder killed with -9 blocks the others for at most that long.
 */
export class RedisLock {
  private constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lock, or returns null when someone else holds it. */
  static async acquire(redis: Redis, key: string, ttlMs: number): Promise<RedisLock | null> {
    const token = randomBytes(12).toString('hex');
    const taken = await redis.set(key, token, 'PX', ttlMs, 'NX');
    return taken === 'OK' ? new RedisLock(redis, key, token, ttlMs) : null;
  }

  /** Extends the lock by another `ttlMs`; false when it expired and may be someone else's now. */
  async extend(): Promise<boolean> {
    return (await this.redis.eval(EXTEND, 1, this.key, this.token, String(this.ttlMs))) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
