import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpMember } from '../support/callers.js';
import {
  buy,
  cardCode,
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

async function createReward(body: Record<string, unknown>) {
  const response = await world.app.request
    .post('/api/v1/rewards')
    .set(world.marketer.auth)
    .send({ name: 'Free coffee', pointsCost: 10, kind: 'free_product', sku: 'COFFEE', ...body });
  if (response.status !== 201) throw new Error(JSON.stringify(response.body));
  return response.body as { id: string; stock: number | null };
}

function redeem(body: Record<string, unknown>, key: string = randomUUID()) {
  return world.app.request
    .post('/api/v1/redemptions')
    .set(world.cashier.auth)
    .set('Idempotency-Key', key)
    .send(body);
}

describe('rewards catalog', () => {
  it('lets marketers create rewards and everyone read them; cashiers cannot create', async () => {
    await world.app.request
      .post('/api/v1/rewards')
      .set(world.cashier.auth)
      .send({ name: 'X', pointsCost: 10, kind: 'free_product', sku: 'X' })
      .expect(403);
    const reward = await createReward({ name: 'Croissant', sku: 'CROISSANT', stock: 5 });
    const member = await signUpMember(world.app);
    const list = await world.app.request
      .get('/api/v1/rewards')
      .query({ availableNow: 'true' })
      .set(member.auth)
      .expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(reward.id);
  });

  it('checks that each kind carries its value', async () => {
    const response = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({ name: '10% off', pointsCost: 50, kind: 'percent_discount' })
      .expect(400);
    expect(response.body.error.details).toEqual([
      { path: 'percent', message: 'a percent_discount needs percent' },
    ]);
  });
});

describe('POST /api/v1/redemptions', () => {
  it('spends the reward cost and tells the till what to apply', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 2500);
    const reward = await createReward({
      name: '€2 off',
      kind: 'fixed_discount',
      valueMinor: 200,
      pointsCost: 20,
    });
    const response = await redeem({ memberId: member.id, rewardId: reward.id }).expect(201);
    expect(response.body).toMatchObject({
      pointsSpent: 20,
      apply: { kind: 'fixed_discount', valueMinor: 200 },
      balance: { available: 5, pending: 0 },
      status: 'completed',
    });
  });

  it('pays with points at the program point value', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 5000);
    const response = await redeem({ memberId: member.id, points: 30 }).expect(201);
    expect(response.body.apply).toEqual({ kind: 'points_payment', valueMinor: 30 });
    expect(response.body.balance.available).toBe(20);
  });

  it('answers 409 INSUFFICIENT_POINTS with the balance, and leaves it unchanged', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 1200);
    const response = await redeem({ memberId: member.id, points: 15 }).expect(409);
    expect(response.body.error).toMatchObject({
      code: 'INSUFFICIENT_POINTS',
      message: 'Not enough points: 12 of 15',
      details: { available: 12, required: 15 },
    });
    expect((await memberDetail(world, member.id)).balance.available).toBe(12);
  });

  it('answers OUT_OF_STOCK and LIMIT_REACHED without spending', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 10_000);
    const scarce = await createReward({ stock: 1 });
    await redeem({ memberId: member.id, rewardId: scarce.id }).expect(201);
    const out = await redeem({ memberId: member.id, rewardId: scarce.id }).expect(409);
    expect(out.body.error.code).toBe('OUT_OF_STOCK');
    const once = await createReward({ perMemberLimit: 1 });
    await redeem({ memberId: member.id, rewardId: once.id }).expect(201);
    const limited = await redeem({ memberId: member.id, rewardId: once.id }).expect(409);
    expect(limited.body.error.code).toBe('LIMIT_REACHED');
    expect((await memberDetail(world, member.id)).balance.available).toBe(80);
  });

  it('refuses an unknown reward or member with 404', async () => {
    const member = await createMember(world);
    const noReward = await redeem({ memberId: member.id, rewardId: '64b7f0f0f0f0f0f0f0f0f0f0' }).expect(404);
    expect(noReward.body.error.code).toBe('REWARD_NOT_FOUND');
    const noMember = await redeem({ memberId: '64b7f0f0f0f0f0f0f0f0f0f0', points: 1 }).expect(404);
    expect(noMember.body.error.code).toBe('MEMBER_NOT_FOUND');
  });

  it('refuses a card code used for an earlier redemption and a card code of another member', async () => {
    const member = await signUpMember(world.app);
    const other = await signUpMember(world.app);
    await buy(world, member.memberId, 5000);
    const card = await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth);
    const otherCard = await world.app.request.get(`/api/v1/members/${other.memberId}/card`).set(other.auth);
    const code = cardCode(card.body.cardNumber, card.body.cardSecret);
    await redeem({ memberId: member.memberId, points: 5, cardCode: code }).expect(201);
    const reused = await redeem({ memberId: member.memberId, points: 5, cardCode: code }).expect(409);
    expect(reused.body.error.code).toBe('CARD_CODE_USED');
    const foreign = await redeem({
      memberId: member.memberId,
      points: 5,
      cardCode: cardCode(otherCard.body.cardNumber, otherCard.body.cardSecret),
    }).expect(422);
    expect(foreign.body.error.code).toBe('CARD_CODE_MEMBER_MISMATCH');
    expect((await memberDetail(world, member.memberId)).balance.available).toBe(45);
  });

  it('lets exactly 25 of 100 concurrent redemptions through a balance that covers 25', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 25 * 4 * 100); // 100 points in one lot
    await buy(world, member.id, 150); // +1 point in a second lot, left over at the end
    await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points: -1, reason: 'make the balance exactly 100' })
      .expect(201);
    const reward = await createReward({ pointsCost: 4 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => redeem({ memberId: member.id, rewardId: reward.id })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(statuses.filter((s) => s === 409)).toHaveLength(75);
    for (const r of responses.filter((x) => x.status === 409))
      expect(r.body.error.code).toBe('INSUFFICIENT_POINTS');
    for (const r of responses.filter((x) => x.status === 201))
      expect(r.body.balance.available).toBeGreaterThanOrEqual(0);
    expect((await memberDetail(world, member.id)).balance.available).toBe(0);
    await expectLedgerClean(world);
  }, 60_000);
});

describe('POST /api/v1/redemptions/:id/cancel', () => {
  it('returns the points to their original lots and the unit to stock', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 1000);
    await buy(world, member.id, 1000);
    const reward = await createReward({ pointsCost: 15, stock: 3 });
    const redemption = await redeem({ memberId: member.id, rewardId: reward.id }).expect(201);
    const cancelled = await world.app.request
      .post(`/api/v1/redemptions/${redemption.body.id as string}/cancel`)
      .set(world.cashier.auth)
      .expect(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      pointsReturned: 15,
      pointsExpired: 0,
      balance: { available: 20 },
    });
    const again = await world.app.request
      .post(`/api/v1/redemptions/${redemption.body.id as string}/cancel`)
      .set(world.cashier.auth)
      .expect(409);
    expect(again.body.error.code).toBe('REDEMPTION_ALREADY_CANCELLED');
    const after = await world.app.request.get(`/api/v1/rewards/${reward.id}`).set(world.cashier.auth);
    expect(after.body.stock).toBe(3);
    const ledger = await world.app.request
      .get(`/api/v1/members/${member.id}/ledger`)
      .set(world.cashier.auth)
      .expect(200);
    expect(ledger.body.items.map((e: { type: string; points: number }) => [e.type, e.points])).toEqual([
      ['cancel', 15],
      ['redeem', -15],
      ['earn', 10],
      ['earn', 10],
    ]);
    await expectLedgerClean(world);
  });

  it('answers 409 REDEMPTION_SETTLED for a redemption that paid for a recorded sale, and changes nothing', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 3000);
    const reward = await createReward({
      name: '€1.50 off',
      kind: 'fixed_discount',
      valueMinor: 150,
      pointsCost: 15,
      stock: 4,
    });
    const redemption = await redeem({ memberId: member.id, rewardId: reward.id }).expect(201);
    const redemptionId = redemption.body.id as string;
    // The sale the redemption paid for: €5 of coffee with the €1.50 off.
    const sale = await buy(world, member.id, 350, {
      items: [{ sku: 'COFFEE', name: 'Coffee', quantity: 1, unitPriceMinor: 500, discountMinor: 150 }],
      redemptionIds: [redemptionId],
    });
    const before = await memberDetail(world, member.id);
    const ledgerBefore = await world.app.request
      .get(`/api/v1/members/${member.id}/ledger`)
      .set(world.cashier.auth)
      .expect(200);

    const refused = await world.app.request
      .post(`/api/v1/redemptions/${redemptionId}/cancel`)
      .set(world.cashier.auth)
      .expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'REDEMPTION_SETTLED',
      details: { purchaseId: sale.id },
    });

    const after = await memberDetail(world, member.id);
    expect(after.balance).toEqual(before.balance);
    const ledgerAfter = await world.app.request
      .get(`/api/v1/members/${member.id}/ledger`)
      .set(world.cashier.auth)
      .expect(200);
    expect(ledgerAfter.body.items).toEqual(ledgerBefore.body.items);
    const still = await world.app.request
      .get(`/api/v1/redemptions/${redemptionId}`)
      .set(world.cashier.auth)
      .expect(200);
    expect(still.body).toMatchObject({ status: 'completed', purchaseId: sale.id });
    const stock = await world.app.request.get(`/api/v1/rewards/${reward.id}`).set(world.cashier.auth);
    expect(stock.body.stock).toBe(3);

    // The way back is the refund of that sale: the spent points come back with it.
    const refund = await world.app.request
      .post(`/api/v1/purchases/${sale.id}/refunds`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 350, reason: 'returned' })
      .expect(201);
    expect(refund.body.pointsRestored).toBe(15);
    await expectLedgerClean(world);
  });
});
