import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../support/callers.js';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  type LedgerWorld,
} from './ledger-helpers.js';

// Callers bound to a store (a till's API key, a store's manager or cashier) act on that store only.
let world: LedgerWorld;
let otherStoreId: string;
beforeAll(async () => {
  world = await createLedgerWorld();
  const other = await world.app.request
    .post('/api/v1/stores')
    .set(world.admin.auth)
    .send({ name: 'Norte', code: `N${randomUUID().slice(0, 6)}` })
    .expect(201);
  otherStoreId = other.body.id as string;
});
afterAll(() => world.close());

/** A manager bound to a store, signed in. */
async function storeManager(storeId: string) {
  const email = `manager-${randomUUID().slice(0, 8)}@example.test`;
  const password = 'correct horse battery';
  await world.app.runtime.services.staff.create(
    { email, name: 'Store manager', password, role: 'manager', storeId },
    { kind: 'anonymous' },
  );
  const login = await world.app.request
    .post('/api/v1/auth/staff/login')
    .send({ email, password })
    .expect(200);
  return { Authorization: `Bearer ${login.body.accessToken as string}` };
}

function refund(purchaseId: string, auth: Record<string, string>, amountMinor = 100) {
  return world.app.request
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(auth)
    .set('Idempotency-Key', randomUUID())
    .send({ amountMinor });
}

describe('refunds by a caller bound to a store', () => {
  it("refuses another store's purchase with 403 STORE_MISMATCH and writes nothing", async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 1000); // in world.storeId
    const otherKey = await createApiKey(world.app, ['refunds:write'], otherStoreId);
    const byKey = await refund(purchase.id, otherKey.auth).expect(403);
    expect(byKey.body.error.code).toBe('STORE_MISMATCH');
    const byManager = await refund(purchase.id, await storeManager(otherStoreId)).expect(403);
    expect(byManager.body.error.code).toBe('STORE_MISMATCH');

    const detail = await world.app.request
      .get(`/api/v1/purchases/${purchase.id}`)
      .set(world.manager.auth)
      .expect(200);
    expect(detail.body).toMatchObject({ refundedMinor: 0 });
    const refunds = await world.app.request
      .get(`/api/v1/refunds?purchaseId=${purchase.id}`)
      .set(world.manager.auth)
      .expect(200);
    expect(refunds.body.items).toEqual([]);
    await expectLedgerClean(world);
  });

  it("refunds its own store's purchase", async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 1000);
    const ownKey = await createApiKey(world.app, ['refunds:write'], world.storeId);
    await refund(purchase.id, ownKey.auth).expect(201);
    await refund(purchase.id, await storeManager(world.storeId)).expect(201);
    // An unbound manager refunds any store's sale.
    await refund(purchase.id, world.manager.auth).expect(201);
    await expectLedgerClean(world);
  });
});

describe('GET /api/v1/purchases/:id by a caller bound to a store', () => {
  it("answers 403 STORE_MISMATCH for another store's purchase, 200 for its own", async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 500);
    const otherKey = await createApiKey(world.app, ['purchases:write'], otherStoreId);
    const refused = await world.app.request
      .get(`/api/v1/purchases/${purchase.id}`)
      .set(otherKey.auth)
      .expect(403);
    expect(refused.body.error.code).toBe('STORE_MISMATCH');
    const ownKey = await createApiKey(world.app, ['purchases:write'], world.storeId);
    await world.app.request.get(`/api/v1/purchases/${purchase.id}`).set(ownKey.auth).expect(200);
  });
});

describe('POST /api/v1/redemptions/:id/cancel by a caller bound to a store', () => {
  it('cancels only what was redeemed in its store', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 2000);
    const redemption = await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, points: 5, storeId: world.storeId })
      .expect(201);
    const cancel = (auth: Record<string, string>) =>
      world.app.request.post(`/api/v1/redemptions/${redemption.body.id as string}/cancel`).set(auth);
    const otherKey = await createApiKey(world.app, ['redemptions:write'], otherStoreId);
    const refused = await cancel(otherKey.auth).expect(403);
    expect(refused.body.error.code).toBe('STORE_MISMATCH');
    const ownKey = await createApiKey(world.app, ['redemptions:write'], world.storeId);
    const cancelled = await cancel(ownKey.auth).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', pointsReturned: 5 });
    await expectLedgerClean(world);
  });
});
