import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Redis } from 'ioredis';
import { RateLimitedError } from '../../backend/src/platform/errors.js';
import { RateLimiter } from '../../backend/src/platform/rate-limit.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createApiKey, signInStaff, signUpMember } from '../support/callers.js';

const redis = new Redis(inject('redisUrl'));
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({
    env: {
      RATE_LIMIT_ANONYMOUS_PER_MIN: '8',
      RATE_LIMIT_SIGNIN_PER_15MIN: '3',
      RATE_LIMIT_IDENTIFY_PER_MIN: '3',
      CORS_ORIGINS: 'https://till.example.test',
    },
  });
});
afterAll(async () => {
  await app.close();
  await redis.quit();
});

const rateLimitHeaders = (headers: Record<string, string>) => ({
  limit: Number(headers['ratelimit-limit']),
  remaining: Number(headers['ratelimit-remaining']),
  reset: Number(headers['ratelimit-reset']),
});

describe('RateLimiter (fixed windows in Redis)', () => {
  it('lets `limit` hits through per window, then refuses with the seconds left', async () => {
    const prefix = `rl-test-${randomUUID()}`;
    const limiter = new RateLimiter(redis, prefix);
    const rule = { bucket: 'codes', key: 'card:1', limit: 3, windowSeconds: 60 };
    const states = [];
    for (let i = 0; i < 3; i += 1) states.push(await limiter.consume(rule));
    expect(states.map((s) => [s.limit, s.remaining])).toEqual([
      [3, 2],
      [3, 1],
      [3, 0],
    ]);
    expect(states[0]?.resetSeconds).toBeGreaterThan(55);
    const refused = await limiter.consume(rule).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).limit).toMatchObject({ limit: 3, remaining: 0 });
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

describe('RateLimit-* headers', () => {
  it('tell an anonymous caller its quota on every answer, counting down to the 429', async () => {
    // Anonymous callers are counted per IP (this app's quota: 8 a minute); the proxy header gives this
    // test an address of its own.
    const anonymous = () => app.request.get('/api/v1/program').set('X-Forwarded-For', '198.51.100.1');
    const seen = [];
    for (let i = 0; i < 8; i += 1) {
      const response = await anonymous().expect(401);
      seen.push(rateLimitHeaders(response.headers as Record<string, string>));
    }
    expect(seen.map((h) => h.limit)).toEqual(Array(8).fill(8));
    expect(seen.map((h) => h.remaining)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    for (const h of seen) {
      expect(h.reset).toBeGreaterThan(0);
      expect(h.reset).toBeLessThanOrEqual(60);
    }
    const refused = await anonymous().expect(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    const headers = rateLimitHeaders(refused.headers as Record<string, string>);
    expect(headers).toMatchObject({ limit: 8, remaining: 0 });
    expect(headers.reset).toBe(Number(refused.headers['retry-after']));
  });

  it("show the strictest limit a request passes: a route's own quota over the general one", async () => {
    const staff = await signInStaff(app, 'cashier');
    // Signed in, the general quota is thousands a minute.
    const me = await app.request.get('/api/v1/auth/me').set(staff.auth).expect(200);
    expect(rateLimitHeaders(me.headers as Record<string, string>)).toMatchObject({ limit: 6000 });

    const email = `quota-${randomUUID()}@example.test`;
    const login = () =>
      app.request
        .post('/api/v1/auth/staff/login')
        .set('X-Forwarded-For', '203.0.113.7')
        .send({ email, password: 'not-the-password' });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await login());
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 429]);
    expect(
      answers.map((r) => {
        const h = rateLimitHeaders(r.headers as Record<string, string>);
        return [h.limit, h.remaining];
      }),
    ).toEqual([
      [3, 2],
      [3, 1],
      [3, 0],
      [3, 0],
    ]);
    const reset = Number(answers[3]?.headers['ratelimit-reset']);
    expect(reset).toBeGreaterThan(800);
    expect(reset).toBeLessThanOrEqual(900);
  });

  it('are readable by a browser on another origin (CORS exposes them)', async () => {
    const preflight = await app.request
      .get('/api/health')
      .set('Origin', 'https://till.example.test')
      .expect(200);
    const exposed = String(preflight.headers['access-control-expose-headers']).split(',');
    expect(exposed).toEqual(
      expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After']),
    );
  });
});

describe('identifying members', () => {
  it('has a per-credential quota shared by identify and lookups by phone, card number or email', async () => {
    const member = await signUpMember(app);
    const cashier = await signInStaff(app, 'cashier');
    const identify = (code: string, auth: Record<string, string> = cashier.auth) =>
      app.request.post('/api/v1/members/identify').set(auth).send({ code });
    const me = await app.request.get('/api/v1/auth/me').set(member.auth).expect(200);
    const cardNumber = me.body.member.cardNumber as string;

    const first = await identify(cardNumber).expect(200);
    expect(rateLimitHeaders(first.headers as Record<string, string>)).toMatchObject({
      limit: 3,
      remaining: 2,
    });
    await identify(member.phone).expect(200);
    await app.request
      .get(`/api/v1/members?phone=${encodeURIComponent(member.phone)}`)
      .set(cashier.auth)
      .expect(200);
    const refused = await identify(cardNumber).expect(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.body.error.message).toContain('Too many members looked up from this account');
    await app.request.get(`/api/v1/members?cardNumber=${cardNumber}`).set(cashier.auth).expect(429);
    // Browsing without a lookup filter is not identification.
    await app.request.get('/api/v1/members').set(cashier.auth).expect(200);

    // Each credential has its own quota.
    const till = await createApiKey(app, ['purchases:write']);
    await identify(cardNumber, till.auth).expect(200);
    const otherCashier = await signInStaff(app, 'cashier');
    await identify(member.phone, otherCashier.auth).expect(200);
  });
});
