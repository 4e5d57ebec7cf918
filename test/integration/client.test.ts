import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegularsClient, RegularsApiError, RegularsNetworkError } from '@regulars/client';
import { demoIntegrationEnv } from '../../backend/src/seed/demo-integration.js';
import { seedDemoData } from '../../backend/src/seed/demo-seed.js';
import { sellAtTheTill } from '../../packages/client/examples/pos.js';
import { createApiKey } from '../support/callers.js';
import {
  cardCode,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  type LedgerWorld,
} from './ledger-helpers.js';

let world: LedgerWorld;
let baseUrl: string;
let demo: Record<string, string>;

beforeAll(async () => {
  // One identify a minute per credential, so that the second one of a key meets a real 429.
  world = await createLedgerWorld({ baseRule: false, env: { RATE_LIMIT_IDENTIFY_PER_MIN: '1' } });
  const { services, platform, logger } = world.app.runtime;
  await seedDemoData(services, logger, { withMemberHistory: false, jwtSecret: platform.config.jwtSecret });
  const port = await world.app.runtime.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
  const env = await demoIntegrationEnv(services, { ...platform.config, publicUrl: baseUrl });
  if (!env) throw new Error('the demo integration was not seeded');
  demo = env;
});
afterAll(() => world.close());

/**
 * A TCP proxy in front of the app that, while `dropNextAnswer` is set, lets a request reach the app and
 * closes the caller's connection as soon as the answer starts: the write happened, the till never heard.
 */
async function startDroppingProxy(target: string) {
  const upstream = new URL(target);
  const state = { dropNextAnswer: false, requests: [] as string[] };
  const server = net.createServer((client) => {
    const socket = net.connect(Number(upstream.port), upstream.hostname);
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      const head = /^(GET|POST|PUT|PATCH|DELETE|HEAD) [^\r\n]*/.exec(text);
      if (head) {
        const key = /\r\nidempotency-key: ([^\r\n]*)/i.exec(text)?.[1] ?? '';
        state.requests.push(`${head[0]} key=${key}`);
      }
      socket.write(chunk);
    });
    socket.on('data', (chunk: Buffer) => {
      if (state.dropNextAnswer) {
        state.dropNextAnswer = false;
        client.destroy();
        socket.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('error', () => socket.destroy());
    socket.on('error', () => client.destroy());
    client.on('close', () => socket.destroy());
    socket.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('@regulars/client against the real API', () => {
  it('runs a till sale: identify the scanned card, record the purchase, redeem a reward, refund', async () => {
    const summary = await sellAtTheTill({
      baseUrl,
      apiKey: demo.API_KEY ?? '',
      storeId: demo.STORE_ID ?? '',
      rewardId: demo.REWARD_ID ?? '',
      scanned: cardCode(demo.CARD_NUMBER ?? '', demo.CARD_SECRET ?? ''),
      receipt: 'client-pos-1',
    });
    // The demo's earn rule gives 1 point per €1 of €44.50; the demo reward costs 40; one €3.25 latte back.
    expect(summary).toMatchObject({
      memberName: 'Ana García',
      pointsEarned: 44,
      pointsSpent: 40,
      refundedMinor: 325,
    });
    expect(summary.pointsReversed).toBeGreaterThan(0);
    expect(summary.balance.available).toBe(44 - 40 - summary.pointsReversed);
    await expectLedgerClean(world);
  });

  it('surfaces a refusal as a RegularsApiError with status, code, message, details and request id', async () => {
    const regulars = createRegularsClient({ baseUrl, apiKey: demo.API_KEY ?? '' });
    const error = await regulars
      .POST('/api/v1/redemptions', { body: { memberId: demo.MEMBER_ID ?? '', points: 1_000_000 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegularsApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'INSUFFICIENT_POINTS',
      details: { required: 1_000_000 },
    });
    if (!(error instanceof RegularsApiError)) return;
    expect(error.message).toMatch(/points/i);
    expect(error.requestId).toMatch(/\S+/);
  });

  it('retries a purchase whose answer was lost with the same Idempotency-Key: replayed, written once', async () => {
    const proxy = await startDroppingProxy(baseUrl);
    try {
      const member = await createMember(world);
      const regulars = createRegularsClient({
        baseUrl: proxy.url,
        apiKey: demo.API_KEY ?? '',
        retry: { baseDelayMs: 1 },
      });
      proxy.state.dropNextAnswer = true;
      const { data, response } = await regulars.raw.POST('/api/v1/purchases', {
        body: {
          memberId: member.id,
          storeId: demo.STORE_ID ?? '',
          externalId: 'client-dropped-1',
          currency: 'EUR',
          totalMinor: 1000,
          items: [{ sku: 'CAKE', quantity: 1, unitPriceMinor: 1000 }],
        },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('Idempotent-Replayed')).toBe('true');
      expect(data?.pointsEarned).toBe(10);
      // Two sends of the one purchase, with the one key the client made up.
      const sends = proxy.state.requests.filter((line) => line.startsWith('POST /api/v1/purchases'));
      expect(sends).toHaveLength(2);
      expect(sends[0]).toMatch(/key=[0-9a-f-]{36}$/);
      expect(sends[1]).toBe(sends[0]);
      const listed = await world.app.request
        .get('/api/v1/purchases?externalId=client-dropped-1')
        .set(world.manager.auth)
        .expect(200);
      expect(listed.body.items).toHaveLength(1);
      const detail = await world.app.request
        .get(`/api/v1/members/${member.id}`)
        .set(world.cashier.auth)
        .expect(200);
      expect(detail.body.balance.available).toBe(10);
    } finally {
      await proxy.close();
    }
  });

  it('sends a write whose operation ignores Idempotency-Key once, and reports the lost answer', async () => {
    const proxy = await startDroppingProxy(baseUrl);
    try {
      const regulars = createRegularsClient({
        baseUrl: proxy.url,
        auth: world.marketer.accessToken,
        retry: { baseDelayMs: 1 },
      });
      const name = `Lost answer ${Date.now()}`;
      proxy.state.dropNextAnswer = true;
      await expect(
        regulars.POST('/api/v1/rules', {
          body: {
            definition: {
              name,
              effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, rounding: 'floor' }],
            },
          },
        }),
      ).rejects.toBeInstanceOf(RegularsNetworkError);
      expect(proxy.state.requests.filter((line) => line.startsWith('POST /api/v1/rules'))).toHaveLength(1);
      const rules = await world.app.request
        .get('/api/v1/rules?limit=200')
        .set(world.marketer.auth)
        .expect(200);
      expect(rules.body.items.filter((rule: { name: string }) => rule.name === name)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('waits out a 429 for the Retry-After it names, then gets the answer', async () => {
    const key = await createApiKey(world.app, ['members:read']);
    const member = await createMember(world);
    const { redis, config } = world.app.runtime.platform;
    const waits: number[] = [];
    const regulars = createRegularsClient({
      baseUrl,
      apiKey: key.key,
      retry: {
        maxDelayMs: 60_000,
        sleep: async (ms) => {
          waits.push(ms);
          // What waiting that long does to the fixed window, without the test sitting through a minute.
          const counters = await redis.keys(`${config.redisPrefix}:rl:identify:*`);
          if (counters.length) await redis.del(...counters);
        },
      },
    });
    await regulars.POST('/api/v1/members/identify', { body: { code: member.cardNumber } });
    const refused = await fetch(`${baseUrl}/api/v1/members/identify`, {
      method: 'POST',
      headers: { 'X-Api-Key': key.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: member.cardNumber }),
    });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);

    const answer = await regulars.POST('/api/v1/members/identify', { body: { code: member.cardNumber } });
    expect(answer.member.id).toBe(member.id);
    expect(waits).toHaveLength(1);
    // The window the 429 named (seconds, rounded up by the server), not the client's own backoff.
    expect(waits[0]).toBeGreaterThanOrEqual((retryAfter - 1) * 1000);
    expect(waits[0]).toBeLessThanOrEqual(retryAfter * 1000);
  });

  it('does not retry a write that carries no Idempotency-Key', async () => {
    const key = await createApiKey(world.app, ['members:read']);
    const member = await createMember(world);
    const regulars = createRegularsClient({
      baseUrl,
      apiKey: key.key,
      idempotencyKeys: 'manual',
      retry: { sleep: async () => expect.unreachable('a write without a key must not be retried') },
    });
    await regulars.POST('/api/v1/members/identify', { body: { code: member.cardNumber } });
    await expect(
      regulars.POST('/api/v1/members/identify', { body: { code: member.cardNumber } }),
    ).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it('is shown in docs/api.md by an excerpt of the example the suite runs', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');
    const example = readFileSync(
      path.resolve(import.meta.dirname, '../../packages/client/examples/pos.ts'),
      'utf8',
    );
    const block = /## Typed client[\s\S]*?```ts\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const exampleLines = new Set(example.split('\n').map((line) => line.trim()));
    const missing = (block ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !exampleLines.has(line));
    expect(missing, 'lines of the doc excerpt that are not in examples/pos.ts').toEqual([]);
  });
});
