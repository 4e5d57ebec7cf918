import { Redis } from 'ioredis';

/** A connection suitable for BullMQ (which needs maxRetriesPerRequest: null) and for our own commands. */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** PING with a deadline: a health check must answer even when Redis does not. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    const answer = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
    ]);
    return answer === 'PONG';
  } catch {
    return false;
  }
}
