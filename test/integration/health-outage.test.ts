import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '@regulars/backend';
import { createTestApp, type TestApp } from '../support/test-app.js';

let redis: LocalRedis;
let app: TestApp;
beforeAll(async () => {
  // A Redis of this test's own, so that stopping it does not disturb the other test files.
  redis = await startLocalRedis();
  app = await createTestApp({ env: { REDIS_URL: redis.url } });
});
afterAll(async () => {
  await app.close();
  await redis.stop();
});

describe('GET /api/health during a Redis outage', () => {
  it('answers 503 naming Redis as down while MongoDB stays ok', async () => {
    await app.request.get('/api/health').expect(200);
    await redis.stop();
    const response = await app.request.get('/api/health').expect(503);
    expect(response.body).toEqual({ status: 'degraded', mongo: 'ok', redis: 'down' });
  });
});

describe('GET /api/health?details=true', () => {
  it("adds this process's event-loop delay and uptime", async () => {
    const response = await app.request.get('/api/health?details=true');
    expect(response.body.details).toEqual({
      eventLoop: {
        meanMs: expect.any(Number),
        p50Ms: expect.any(Number),
        p99Ms: expect.any(Number),
        maxMs: expect.any(Number),
        windowSeconds: expect.any(Number),
      },
      uptimeSeconds: expect.any(Number),
    });
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
