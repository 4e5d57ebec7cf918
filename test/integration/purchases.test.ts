import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  purchaseBody,
  type LedgerWorld,
} from './ledger-helpers.js';

let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(() => world.close());

const count = (collection: string, filter: Record<string, unknown> = {}) =>
  mongoose.connection.collection(collection).countDocuments(filter);

describe('POST /api/v1/purchases', () => {
  it('earns 1 point per €1 through the published base rule, with rule id and version', async () => {
    const member = await createMember(world);
    const result = await buy(world, member.id, 1299);
    expect(result.pointsEarned).toBe(12);
    expect(result.status).toBe('active');
    expect(result.breakdown).toEqual([
      expect.objectContaining({ ruleVersion: 1, ruleName: '1 point per €1', points: 12 }),
    ]);
    expect(result.balance).toEqual({ available: 12, pending: 0 });
    const detail = await memberDetail(world, member.id);
    expect(detail.stats).toMatchObject({ purchaseCount: 1, totalSpentMinor: 1299, averageOrderMinor: 1299 });
    await expectLedgerClean(world);
  });

  it('records an anonymous purchase without earning', async () => {
    const before = await count('ledger_entries');
    const response = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send(purchaseBody(world, undefined, 5000))
      .expect(201);
    expect(response.body).toMatchObject({
      memberId: null,
      pointsEarned: 0,
      breakdown: [],
      balance: { available: 0, pending: 0 },
    });
    expect(await count('purchases', { _id: new mongoose.Types.ObjectId(response.body.id as string) })).toBe(
      1,
    );
    expect(await count('ledger_entries')).toBe(before);
  });

  it('requires an Idempotency-Key', async () => {
    const member = await createMember(world);
    const response = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .send(purchaseBody(world, member.id, 1000))
      .expect(400);
    expect(response.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('refuses a second purchase with the same receipt number in the same store', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 1000, { externalId: 'R-1' });
    const again = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send(purchaseBody(world, member.id, 1000, { externalId: 'R-1' }))
      .expect(409);
    expect(again.body.error.code).toBe('PURCHASE_EXISTS');
    expect((await memberDetail(world, member.id)).balance.available).toBe(10);
  });
});
