import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../support/callers.js';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  type LedgerWorld,
} from './ledger-helpers.js';

let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(() => world.close());

function refund(purchaseId: string, body: Record<string, unknown>, key: string = randomUUID()) {
  return world.app.request
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(world.manager.auth)
    .set('Idempotency-Key', key)
    .send(body);
}

describe('POST /api/v1/purchases/:id/refunds', () => {
  it('adds three partial refunds up to the full reversal', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 1000); // 10 points
    const first = await refund(purchase.id, { amountMinor: 333 }).expect(201);
    const second = await refund(purchase.id, { amountMinor: 333 }).expect(201);
    const third = await refund(purchase.id, { amountMinor: 334 }).expect(201);
    const reversed = [first, second, third].map((r) => r.body.pointsReversed as number);
    expect(reversed).toEqual([3, 3, 4]);
    expect(third.body.purchase).toEqual({ totalMinor: 1000, refundedMinor: 1000, isFullyRefunded: true });
    expect(third.body.balance).toEqual({ available: 0, pending: 0 });
    const detail = await memberDetail(world, member.id);
    expect(detail.stats).toMatchObject({ purchaseCount: 0, totalSpentMinor: 0, lastPurchaseAt: null });
    await expectLedgerClean(world);
  });

  it('never refunds more than was paid (422 REFUND_EXCEEDS_PURCHASE) and refuses a refunded purchase', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 1000);
    await refund(purchase.id, { amountMinor: 600 }).expect(201);
    const tooMuch = await refund(purchase.id, { amountMinor: 401 }).expect(422);
    expect(tooMuch.body.error).toMatchObject({
      code: 'REFUND_EXCEEDS_PURCHASE',
      details: { refundableMinor: 400 },
    });
    await refund(purchase.id, { amountMinor: 400 }).expect(201);
    const again = await refund(purchase.id, { amountMinor: 1 }).expect(409);
    expect(again.body.error.code).toBe('PURCHASE_ALREADY_REFUNDED');
    expect((await memberDetail(world, member.id)).balance.available).toBe(0);
  });

  it('refunds returned items by their share of the line', async () => {
    const member = await createMember(world);
    const response = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({
        memberId: member.id,
        storeId: world.storeId,
        currency: 'EUR',
        totalMinor: 2000,
        items: [
          { sku: 'MUG', quantity: 3, unitPriceMinor: 500 },
          { sku: 'TEA', quantity: 1, unitPriceMinor: 500 },
        ],
      })
      .expect(201);
    const refunded = await refund(response.body.id as string, {
      items: [{ sku: 'MUG', quantity: 2 }],
    }).expect(201);
    expect(refunded.body).toMatchObject({ amountMinor: 1000, pointsReversed: 10 });
    const tooMany = await refund(response.body.id as string, { items: [{ sku: 'MUG', quantity: 2 }] }).expect(
      422,
    );
    expect(tooMany.body.error.code).toBe('REFUND_EXCEEDS_PURCHASE');
    const unknown = await refund(response.body.id as string, {
      items: [{ sku: 'CAKE', quantity: 1 }],
    }).expect(422);
    expect(unknown.body.error.code).toBe('REFUND_ITEM_NOT_FOUND');
    expect((await memberDetail(world, member.id)).stats.totalSpentMinor).toBe(1000);
  });

  it('gives back, in proportion, the points spent on the purchase', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 10_000); // 100 points
    const redemption = await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, points: 40 })
      .expect(201);
    const purchase = await buy(world, member.id, 2000, {
      items: [{ sku: 'CAKE', quantity: 1, unitPriceMinor: 2040, paidWithPointsMinor: 40 }],
      redemptionIds: [redemption.body.id],
    }); // 20 points earned; balance 60 + 20 = 80
    expect(purchase.balance.available).toBe(80);
    const half = await refund(purchase.id, { amountMinor: 1000 }).expect(201);
    expect(half.body).toMatchObject({ pointsReversed: 10, pointsRestored: 20, balance: { available: 90 } });
    await expectLedgerClean(world);
  });

  it('takes the points back from the pending lot first', async () => {
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ pendingDays: 14 })
      .expect(200);
    try {
      const member = await createMember(world);
      const purchase = await buy(world, member.id, 5000);
      expect(purchase).toMatchObject({ status: 'pending', balance: { available: 0, pending: 50 } });
      const response = await refund(purchase.id, { amountMinor: 2000 }).expect(201);
      expect(response.body).toMatchObject({ pointsReversed: 20, balance: { available: 0, pending: 30 } });
      await expectLedgerClean(world);
    } finally {
      await world.app.request
        .patch('/api/v1/program')
        .set(world.admin.auth)
        .send({ pendingDays: 0 })
        .expect(200);
    }
  });

  it('lets the balance go negative under "allow" and floors it at zero, writing the rest off, under "floor_at_zero"', async () => {
    for (const policy of ['allow', 'floor_at_zero'] as const) {
      await world.app.request
        .patch('/api/v1/program')
        .set(world.admin.auth)
        .send({ negativeBalancePolicy: policy })
        .expect(200);
      const member = await createMember(world);
      const purchase = await buy(world, member.id, 3000); // 30 points
      await world.app.request
        .post('/api/v1/redemptions')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ memberId: member.id, points: 25 })
        .expect(201);
      const response = await refund(purchase.id, { amountMinor: 3000 }).expect(201);
      if (policy === 'allow') {
        expect(response.body).toMatchObject({
          pointsReversed: 30,
          pointsWrittenOff: 0,
          balance: { available: -25 },
        });
        // The debt is paid by the next earning first.
        const next = await buy(world, member.id, 4000);
        expect(next.balance.available).toBe(15);
      } else {
        expect(response.body).toMatchObject({
          pointsReversed: 30,
          pointsWrittenOff: 25,
          balance: { available: 0 },
        });
      }
    }
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ negativeBalancePolicy: 'allow' })
      .expect(200);
    await expectLedgerClean(world);
  });

  it('is for managers and API keys with refunds:write, not cashiers', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 1000);
    await world.app.request
      .post(`/api/v1/purchases/${purchase.id}/refunds`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 100 })
      .expect(403);
    const key = await createApiKey(world.app, ['refunds:write']);
    await world.app.request
      .post(`/api/v1/purchases/${purchase.id}/refunds`)
      .set(key.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 100 })
      .expect(201);
  });

  it('answers 404 for an unknown purchase and 400 for a fractional amount', async () => {
    const unknown = await refund('64b7f0f0f0f0f0f0f0f0f0f0', { amountMinor: 100 }).expect(404);
    expect(unknown.body.error.code).toBe('PURCHASE_NOT_FOUND');
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 1000);
    const fractional = await refund(purchase.id, { amountMinor: 10.5 }).expect(400);
    expect(fractional.body.error.code).toBe('VALIDATION_FAILED');
  });
});
