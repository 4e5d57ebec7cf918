import { describe, expect, it } from 'vitest';
import { isRetrySafe, retryAfterMs, retryDelayMs, retryPolicy } from '../src/retry.js';

const answer = (headers: Record<string, string>) => new Response(null, { status: 429, headers });

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs(answer({ 'Retry-After': '7' }))).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(answer({ 'Retry-After': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(answer({ 'Retry-After': 'soon' }))).toBeNull();
    expect(retryAfterMs(answer({}))).toBeNull();
  });

  it('waits what the server asks, and gives up when it asks for longer than the cap', () => {
    const policy = retryPolicy({ maxDelayMs: 10_000 });
    expect(retryDelayMs(policy, 1, answer({ 'Retry-After': '3' }))).toBe(3000);
    expect(retryDelayMs(policy, 1, answer({ 'Retry-After': '60' }))).toBeNull();
  });

  it('backs off exponentially within the cap when the server names no wait', () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    for (const [attempt, low, high] of [
      [1, 50, 100],
      [2, 100, 200],
      [3, 200, 400],
      [6, 1000, 1000],
    ] as const) {
      const delay = retryDelayMs(policy, attempt);
      expect(delay).toBeGreaterThanOrEqual(low);
      expect(delay).toBeLessThanOrEqual(high);
    }
  });

  it('repeats reads, keyed writes refused with 429/503, and lost keyed writes whose operation honours the key', () => {
    const url = 'http://till.test/api/v1/purchases';
    const keyed = () => new Request(url, { method: 'POST', headers: { 'Idempotency-Key': 'k' } });
    const unkeyed = () => new Request(url, { method: 'POST' });
    const lost = { isRefusal: false, isKeyHonoured: false };
    expect(isRetrySafe(new Request(url), lost)).toBe(true);
    expect(isRetrySafe(unkeyed(), { isRefusal: true, isKeyHonoured: true })).toBe(false);
    expect(isRetrySafe(keyed(), { isRefusal: true, isKeyHonoured: false })).toBe(true);
    expect(isRetrySafe(keyed(), { isRefusal: false, isKeyHonoured: true })).toBe(true);
    expect(isRetrySafe(keyed(), lost)).toBe(false);
    expect(retryPolicy(false).retries).toBe(0);
  });
});
