import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '@regulars/embedded-mongo';
import { startLocalRedis, type LocalRedis } from '@regulars/backend';
import { buy, createLedgerWorld, createMember, purchaseBody, type LedgerWorld } from './ledger-helpers.js';

// A MongoDB and a Redis of this file's own (journaled, so that they come back with their data), which
// the tests stop and start again on the same port while the API keeps running.
let dbPath: string;
let mongo: EmbeddedMongo;
let redis: LocalRedis;
let world: LedgerWorld;

beforeAll(async () => {
  dbPath = mkdtempSync(path.join(tmpdir(), 'regulars-outage-'));
  mongo = await startEmbeddedMongo({ port: 0, dbPath, log: () => undefined });
  redis = await startLocalRedis();
  world = await createLedgerWorld({ env: { MONGODB_URI: mongo.uri, REDIS_URL: redis.url } });
});
afterAll(async () => {
  await world.close();
  await mongo.stop();
  await redis.stop();
  rmSync(dbPath, { recursive: true, force: true });
});

type Answer = {
  status: number;
  code?: string;
  part?: string;
  retryAfter?: string;
  points?: number;
  ms: number;
};

async function timed(
  send: () => PromiseLike<{ status: number; body: unknown; headers: Record<string, string> }>,
) {
  const started = performance.now();
  const response = await send();
  const body = response.body as {
    error?: { code: string; details?: { part?: string } };
    pointsEarned?: number;
  };
  return {
    status: response.status,
    code: body.error?.code,
    part: body.error?.details?.part,
    retryAfter: response.headers['retry-after'],
    points: body.pointsEarned,
    ms: performance.now() - started,
  } satisfies Answer;
}

/** Asks until the API answers 200 again (the driver reconnects by itself); returns how many tries it took. */
async function untilOk(send: () => PromiseLike<{ status: number }>, tries = 120): Promise<number> {
  for (let i = 1; i <= tries; i += 1) {
    if ((await send()).status === 200) return i;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the API did not recover');
}

describe('MongoDB going away', () => {
  it('answers 503 SERVICE_UNAVAILABLE naming the database, promptly, under load, and recovers by itself', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 2000);
    const read = () => world.app.request.get(`/api/v1/members/${member.id}`).set(world.cashier.auth);
    const before = await read().expect(200);

    // Load: readers and till purchases in flight while the database stops.
    let stop = false;
    const answers: Answer[] = [];
    const reader = async () => {
      while (!stop) answers.push(await timed(read));
    };
    const buyer = async () => {
      while (!stop)
        answers.push(
          await timed(() =>
            world.app.request
              .post('/api/v1/purchases')
              .set(world.cashier.auth)
              .set('Idempotency-Key', randomUUID())
              .send(purchaseBody(world, member.id, 1000)),
          ),
        );
    };
    const load = [reader(), reader(), buyer()];
    await new Promise((resolve) => setTimeout(resolve, 300));
    await mongo.stop();
    const during = await timed(read);
    const purchaseDuring = await timed(() =>
      world.app.request
        .post('/api/v1/purchases')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send(purchaseBody(world, member.id, 5000)),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop = true;
    await Promise.all(load);

    for (const answer of [during, purchaseDuring]) {
      expect(answer).toMatchObject({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        part: 'mongo',
        retryAfter: '5',
      });
      // Before this change the same request answered 500 after ten seconds; about a second now.
      expect(answer.ms).toBeLessThan(5000);
    }
    // Nothing in flight got a 500 or hung: each answer is a success or the named 503.
    expect(answers.length).toBeGreaterThan(3);
    for (const answer of answers) {
      if (answer.status === 503) expect(answer).toMatchObject({ code: 'SERVICE_UNAVAILABLE', part: 'mongo' });
      else expect([200, 201]).toContain(answer.status);
    }

    // Back on the same port with its journal: the API resumes without a restart.
    mongo = await startEmbeddedMongo({ port: mongo.port, dbPath, log: () => undefined });
    await untilOk(read);
    const after = await read().expect(200);
    const earned = answers.filter((a) => a.status === 201).reduce((sum, a) => sum + (a.points ?? 0), 0);
    const total = (body: { balance: { available: number; pending: number } }) =>
      body.balance.available + body.balance.pending;
    // Only purchases answered 201 earned points; the ones refused with 503 wrote nothing.
    expect(total(after.body)).toBe(total(before.body) + earned);
    const verify = await world.app.runtime.services.ledgerVerifier.verify();
    expect(verify.ok).toBe(true);
  });
});

describe('Redis going away', () => {
  it('answers 503 SERVICE_UNAVAILABLE naming Redis, promptly, and recovers by itself', async () => {
    const read = () => world.app.request.get('/api/v1/program').set(world.cashier.auth);
    await read().expect(200);
    const port = Number(new URL(redis.url).port);
    await redis.stop();
    const during = await timed(read);
    expect(during).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      part: 'redis',
      retryAfter: '5',
    });
    expect(during.ms).toBeLessThan(5000);
    redis = await startLocalRedis({ port });
    await untilOk(read);
  });
});
