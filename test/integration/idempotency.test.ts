import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

let app: TestApp;
let admin: Awaited<ReturnType<typeof signInStaff>>;
beforeAll(async () => {
  app = await createTestApp();
  admin = await signInStaff(app, 'admin');
});
afterAll(() => app.close());

const storeCount = (code: string) => mongoose.connection.collection('stores').countDocuments({ code });

describe('Idempotency-Key over HTTP', () => {
  it('replays the first answer for the same key and body, and creates once', async () => {
    const body = { name: 'Replay', code: 'REPLAY' };
    const first = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-replay')
      .send(body)
      .expect(201);
    const second = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-replay')
      .send(body)
      .expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await storeCount('REPLAY')).toBe(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-reuse')
      .send({ name: 'A', code: 'REUSE1' })
      .expect(201);
    const response = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-reuse')
      .send({ name: 'B', code: 'REUSE2' })
      .expect(422);
    expect(response.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await storeCount('REUSE2')).toBe(0);
  });

  it('gives concurrent duplicates one execution and the same answer', async () => {
    const body = { name: 'Concurrent', code: 'CONC' };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.request.post('/api/v1/stores').set(admin.auth).set('Idempotency-Key', 'k-conc').send(body),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await storeCount('CONC')).toBe(1);
  });

  it('remembers a refusal too: the retry of a 409 gets the same 409', async () => {
    await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .send({ name: 'Taken', code: 'TAKEN' })
      .expect(201);
    const first = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-409')
      .send({ name: 'X', code: 'TAKEN' })
      .expect(409);
    const again = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-409')
      .send({ name: 'X', code: 'TAKEN' })
      .expect(409);
    expect(again.body).toEqual(first.body);
  });

  it('shares one key space across the merchant: another staff account with the same key and body gets the first answer', async () => {
    const other = await signInStaff(app, 'admin');
    const first = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-scope')
      .send({ name: 'S1', code: 'SCOPE1' })
      .expect(201);
    const again = await app.request
      .post('/api/v1/stores')
      .set(other.auth)
      .set('Idempotency-Key', 'k-scope')
      .send({ name: 'S1', code: 'SCOPE1' })
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await storeCount('SCOPE1')).toBe(1);
  });

  it('refuses the same key from another credential for another request with 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const other = await signInStaff(app, 'admin');
    await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .set('Idempotency-Key', 'k-scope-2')
      .send({ name: 'S3', code: 'SCOPE3' })
      .expect(201);
    const refused = await app.request
      .post('/api/v1/stores')
      .set(other.auth)
      .set('Idempotency-Key', 'k-scope-2')
      .send({ name: 'S4', code: 'SCOPE4' })
      .expect(422);
    expect(refused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await storeCount('SCOPE4')).toBe(0);
  });
});

describe('IdempotencyService', () => {
  const slow = (ms: number, body: unknown) => async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { status: 201, body };
  };

  it('makes a duplicate wait for a running first request and return its answer', async () => {
    const service = app.runtime.services.idempotency;
    let executions = 0;
    const execute = async () => {
      executions += 1;
      return slow(300, { n: executions })();
    };
    const [a, b] = await Promise.all([
      service.run({ scope: 't', key: 'wait', fingerprint: 'f', execute }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        service.run({ scope: 't', key: 'wait', fingerprint: 'f', execute }),
      ),
    ]);
    expect(executions).toBe(1);
    expect(b.body).toEqual(a.body);
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS when the first request outlasts the wait bound', async () => {
    const { IdempotencyService } =
      await import('../../backend/src/platform/idempotency/idempotency.service.js');
    const service = new IdempotencyService({ clock: app.runtime.platform.clock, waitMs: 100 });
    const first = service.run({
      scope: 't',
      key: 'long',
      fingerprint: 'f',
      execute: slow(600, { ok: true }),
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await expect(
      service.run({ scope: 't', key: 'long', fingerprint: 'f', execute: slow(1, {}) }),
    ).rejects.toMatchObject({
      code: 'IDEMPOTENCY_IN_PROGRESS',
    });
    await first;
  });

  it('lets a retry take over a key whose first holder crashed (lock expired)', async () => {
    const { IdempotencyService } =
      await import('../../backend/src/platform/idempotency/idempotency.service.js');
    const service = new IdempotencyService({ clock: app.runtime.platform.clock, lockMs: 50, waitMs: 2000 });
    // Simulate a process that took the key and died: a running record nobody will finish.
    await mongoose.connection.collection('idempotency_keys').insertOne({
      _id: 't crashed' as unknown as mongoose.mongo.ObjectId,
      fingerprint: 'f',
      state: 'running',
      lockedUntil: new Date(Date.now() - 1000),
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const result = await service.run({
      scope: 't',
      key: 'crashed',
      fingerprint: 'f',
      execute: slow(1, { recovered: true }),
    });
    expect(result.body).toEqual({ recovered: true });
  });

  it('forgets the key after an unexpected failure so the retry runs again', async () => {
    const service = app.runtime.services.idempotency;
    await expect(
      service.run({
        scope: 't',
        key: 'boom',
        fingerprint: 'f',
        execute: async () => Promise.reject(new Error('db down')),
      }),
    ).rejects.toThrow('db down');
    const retry = await service.run({
      scope: 't',
      key: 'boom',
      fingerprint: 'f',
      execute: slow(1, { second: true }),
    });
    expect(retry.body).toEqual({ second: true });
  });
});
