import { Redis } from 'ioredis';
import { withDeadline } from './deadline.js';
import { ServiceUnavailableError } from './errors.js';

/**
 * The API's own connection (rate limits, health). Auto-pipelining sends the commands issued in one turn
 * of the event loop in one socket write: under load, many requests' rate-limit checks share a system
 * call. (BullMQ opens connections of its own.)
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    // While Redis is unreachable, commands fail at once (the request answers 503) instead of queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    enableReadyCheck: true,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
}

/** PING with a deadline: a health check must answer even when Redis does not. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    return (await withDeadline(redis.ping(), timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}

/** Waits until the connection is usable, so a misconfigured REDIS_URL stops the boot with a clear message. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 15_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(
        new Error(
          `Cannot reach Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} (waited ${timeoutMs / 1000} s)`,
        ),
      );
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** How long a request waits for Redis before it answers 503 SERVICE_UNAVAILABLE. */
export const REDIS_UNAVAILABLE_AFTER_MS = 1000;

/** A command on the request path: an unreachable or silent Redis becomes ServiceUnavailableError. */
export async function onRedis<T>(command: Promise<T>): Promise<T> {
  try {
    return await withDeadline(command, REDIS_UNAVAILABLE_AFTER_MS);
  } catch (error) {
    // A script error or a wrong type is a bug of ours, not an outage.
    if ((error as { name?: string }).name === 'ReplyError') throw error;
    throw new ServiceUnavailableError('redis');
  }
}
