import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@regulars/backend';
import {
  buy,
  cardCode,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  type LedgerWorld,
} from './ledger-helpers.js';
import { createApiKey, signUpMember } from '../support/callers.js';

// The checkout: one flow at the till. Holds are conditional spends, completion is one transaction and
// idempotent, cancel and expiry give the holds back (expiry on the injected clock).
let world: LedgerWorld;
const clock = new ManualClock(Date.now());
const checkouts = () => world.app.runtime.services.checkouts;

beforeAll(async () => {
  world = await createLedgerWorld({ clock });
});
afterAll(() => world.close());

async function givePoints(memberId: string, points: number) {
  await world.app.request
    .post(`/api/v1/members/${memberId}/adjustments`)
    .set(world.manager.auth)
    .set('Idempotency-Key', randomUUID())
    .send({ points, reason: 'Test points' })
    .expect(201);
}

async function createReward(body: Record<string, unknown>) {
  const response = await world.app.request
    .post('/api/v1/rewards')
    .set(world.marketer.auth)
    .send({ name: 'Free espresso', pointsCost: 100, kind: 'free_product', sku: 'ESPRESSO', ...body });
  if (response.status !== 201) throw new Error(JSON.stringify(response.body));
  return response.body as { id: string };
}

const BASKET = [
  { sku: 'ESPRESSO', name: 'Espresso', category: 'coffee', quantity: 2, unitPriceMinor: 240 },
  { sku: 'CROISSANT', name: 'Croissant', quantity: 1, unitPriceMinor: 320 },
];

function open(member: Record<string, unknown> | undefined, items: unknown[] = BASKET) {
  return world.app.request
    .post('/api/v1/checkouts')
    .set(world.cashier.auth)
    .send({ storeId: world.storeId, currency: 'EUR', items, ...(member ? { member } : {}) });
}

function apply(id: string, body: Record<string, unknown>) {
  return world.app.request.post(`/api/v1/checkouts/${id}/applied`).set(world.cashier.auth).send(body);
}

function complete(id: string, key: string = randomUUID(), body: Record<string, unknown> = {}) {
  return world.app.request
    .post(`/api/v1/checkouts/${id}/complete`)
    .set(world.cashier.auth)
    .set('Idempotency-Key', key)
    .send(body);
}

describe('opening and pricing', () => {
  it('prices the basket, lists offers with why, previews the points and expires after the program TTL', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 150);
    const espresso = await createReward({ name: 'Free espresso (offers)', pointsCost: 100 });
    const dear = await createReward({
      name: '€5 off',
      pointsCost: 400,
      kind: 'fixed_discount',
      valueMinor: 500,
      sku: undefined,
    });
    const opened = await open({ memberId: member.id }).expect(201);
    expect(opened.body).toMatchObject({
      status: 'open',
      member: { id: member.id, balance: { available: 150 } },
      totals: { subtotalMinor: 800, discountMinor: 0, paidWithPointsMinor: 0, toPayMinor: 800 },
      // 1 point per €1 on €8.00
      earnPreview: { points: 8 },
      applied: [],
    });
    expect(Date.parse(opened.body.expiresAt) - clock.now().getTime()).toBe(15 * 60_000);
    const offers = opened.body.offers as Array<Record<string, unknown>>;
    expect(offers.find((o) => o.rewardId === espresso.id)).toMatchObject({
      isApplicable: true,
      reason: 'AFFORDABLE',
      amountMinor: 240,
    });
    expect(offers.find((o) => o.rewardId === dear.id)).toMatchObject({
      isApplicable: false,
      reason: 'NEEDS_POINTS',
      missingPoints: 250,
    });
    expect(offers.find((o) => o.type === 'points')).toMatchObject({ points: 150, amountMinor: 150 });
  });

  it('refuses another currency, an unknown member and an empty basket, writing nothing', async () => {
    const before = await world.app.request.get('/api/v1/events?limit=1').set(world.admin.auth);
    await world.app.request
      .post('/api/v1/checkouts')
      .set(world.cashier.auth)
      .send({ storeId: world.storeId, currency: 'USD', items: BASKET })
      .expect(422)
      .expect((r) => expect(r.body.error.code).toBe('CURRENCY_NOT_SUPPORTED'));
    await open({ memberId: '0123456789abcdef01234567' })
      .expect(404)
      .expect((r) => expect(r.body.error.code).toBe('MEMBER_NOT_FOUND'));
    await open(undefined, [])
      .expect(400)
      .expect((r) => expect(r.body.error.code).toBe('VALIDATION_FAILED'));
    const after = await world.app.request.get('/api/v1/events?limit=1').set(world.admin.auth);
    expect(after.body.items[0]?.id).toBe(before.body.items[0]?.id);
  });

  it('a scanned card code opens one checkout: it is used up', async () => {
    const member = await signUpMember(world.app);
    const card = await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth);
    const code = cardCode(card.body.cardNumber, card.body.cardSecret);
    const opened = await open({ cardCode: code }).expect(201);
    expect(opened.body.member.id).toBe(member.memberId);
    await open({ cardCode: code })
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('CARD_CODE_USED'));
  });
});

describe('holds', () => {
  it('applying a reward holds its points at once; removing it gives them back', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 300);
    const reward = await createReward({ name: 'Free espresso (hold)' });
    const opened = await open({ memberId: member.id }).expect(201);
    const applied = await apply(opened.body.id, { type: 'reward', rewardId: reward.id }).expect(201);
    expect(applied.body.applied).toEqual([
      expect.objectContaining({
        type: 'reward',
        label: 'Free espresso (hold)',
        points: 100,
        amountMinor: 240,
      }),
    ]);
    expect(applied.body.lines[0]).toMatchObject({ discountMinor: 240, toPayMinor: 240 });
    expect(applied.body.totals).toMatchObject({ discountMinor: 240, toPayMinor: 560 });
    expect(applied.body.member.balance.available).toBe(200);
    const wallet = await world.app.request
      .get(`/api/v1/members/${member.id}/wallet`)
      .set(world.cashier.auth)
      .expect(200);
    expect(wallet.body.points).toMatchObject({ available: 200, held: 100 });

    const removed = await world.app.request
      .delete(`/api/v1/checkouts/${opened.body.id}/applied/${applied.body.applied[0].id}`)
      .set(world.cashier.auth)
      .expect(200);
    expect(removed.body.applied).toEqual([]);
    expect(removed.body.member.balance.available).toBe(300);
    await expectLedgerClean(world);
  });

  it('refuses what the member cannot afford (409 with available and required), a free product not in the basket, and points worth more than is left', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 50);
    const reward = await createReward({ name: 'Free espresso (poor)' });
    const cake = await createReward({ name: 'Free cake', pointsCost: 10, sku: 'CAKE' });
    const opened = await open({ memberId: member.id }).expect(201);
    const poor = await apply(opened.body.id, { type: 'reward', rewardId: reward.id }).expect(409);
    expect(poor.body.error).toMatchObject({
      code: 'INSUFFICIENT_POINTS',
      details: { available: 50, required: 100 },
    });
    const missing = await apply(opened.body.id, { type: 'reward', rewardId: cake.id }).expect(409);
    expect(missing.body.error).toMatchObject({
      code: 'INSTRUMENT_NOT_APPLICABLE',
      details: { reason: 'NO_MATCHING_ITEM' },
    });
    const small = await open({ memberId: member.id }, [
      { sku: 'WATER', quantity: 1, unitPriceMinor: 30 },
    ]).expect(201);
    const tooMuch = await apply(small.body.id, { type: 'points', points: 40 }).expect(409);
    expect(tooMuch.body.error.code).toBe('INSTRUMENT_NOT_APPLICABLE');
    expect((await memberDetail(world, member.id)).balance.available).toBe(50);
    const anonymous = await open(undefined).expect(201);
    await apply(anonymous.body.id, { type: 'points', points: 1 })
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('CHECKOUT_MEMBER_REQUIRED'));
    await apply('0123456789abcdef01234567', { type: 'points', points: 1 })
      .expect(404)
      .expect((r) => expect(r.body.error.code).toBe('CHECKOUT_NOT_FOUND'));
  });

  it('50 parallel checkouts applying the same 100-point reward against 1,000 points: exactly 10 holds', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 1000);
    const reward = await createReward({ name: 'Free espresso (race)' });
    const opened = await Promise.all(
      Array.from({ length: 50 }, () => open({ memberId: member.id }).expect(201)),
    );
    const results = await Promise.all(
      opened.map((o) => apply(o.body.id, { type: 'reward', rewardId: reward.id })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body.error.code).toBe('INSUFFICIENT_POINTS');
    expect((await memberDetail(world, member.id)).balance.available).toBe(0);
    // Half of the holders complete, the rest expire.
    const holders = results.flatMap((r, i) => (r.status === 201 ? [opened[i]?.body.id as string] : []));
    for (const id of holders.slice(0, 5)) await complete(id).expect(200);
    clock.advance(16 * 60_000);
    const { expired } = await checkouts().expireDue();
    expect(expired).toBeGreaterThanOrEqual(45);
    const balance = (await memberDetail(world, member.id)).balance.available;
    // 500 back from the expired holds, plus what the 5 sales earned (1 point per €1 on €5.60 each).
    expect(balance).toBe(500 + 5 * 5);
    await expectLedgerClean(world);
  });
});

describe('completion', () => {
  it('records the purchase with its discount lines, the redemption and the points on what was paid', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 500);
    const reward = await createReward({ name: 'Free espresso (sale)' });
    const opened = await open({ memberId: member.id }).expect(201);
    await apply(opened.body.id, { type: 'reward', rewardId: reward.id }).expect(201);
    const withPoints = await apply(opened.body.id, { type: 'points', points: 60 }).expect(201);
    expect(withPoints.body.totals).toEqual({
      subtotalMinor: 800,
      discountMinor: 240,
      paidWithPointsMinor: 60,
      paidWithGiftCertificatesMinor: 0,
      toPayMinor: 500,
    });
    expect(withPoints.body.earnPreview.points).toBe(5);
    const receipt = await complete(opened.body.id, randomUUID(), { externalId: `R-${randomUUID()}` }).expect(
      200,
    );
    expect(receipt.body).toMatchObject({
      checkoutId: opened.body.id,
      pointsSpent: 160,
      pointsEarned: 5,
      totals: { toPayMinor: 500 },
      balance: { available: 500 - 160 + 5 },
    });
    expect(receipt.body.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'discount', label: 'Free espresso (sale)', amountMinor: -240 }),
        expect.objectContaining({ kind: 'points_payment', points: 60, amountMinor: -60 }),
      ]),
    );
    const purchase = await world.app.request
      .get(`/api/v1/purchases/${receipt.body.purchaseId}`)
      .set(world.cashier.auth)
      .expect(200);
    expect(purchase.body).toMatchObject({ totalMinor: 500, pointsEarned: 5 });
    expect(purchase.body.redemptionIds).toHaveLength(2);
    expect(purchase.body.items[0]).toMatchObject({ sku: 'ESPRESSO', discountMinor: 240 });
    const redemptions = await world.app.request
      .get(`/api/v1/redemptions?purchaseId=${receipt.body.purchaseId}`)
      .set(world.manager.auth)
      .expect(200);
    expect(redemptions.body.items.map((r: { status: string }) => r.status)).toEqual([
      'completed',
      'completed',
    ]);
    const after = await world.app.request.get(`/api/v1/checkouts/${opened.body.id}`).set(world.cashier.auth);
    expect(after.body).toMatchObject({
      status: 'completed',
      receipt: { purchaseId: receipt.body.purchaseId },
    });
    await apply(opened.body.id, { type: 'points', points: 1 })
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('CHECKOUT_COMPLETED'));
    await expectLedgerClean(world);
  });

  it('completing with the same key 20 times concurrently records one purchase and gives 20 equal receipts; another key gets 409', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 200);
    const reward = await createReward({ name: 'Free espresso (twenty)' });
    const opened = await open({ memberId: member.id }).expect(201);
    await apply(opened.body.id, { type: 'reward', rewardId: reward.id }).expect(201);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => complete(opened.body.id, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const first = answers[0]?.body;
    for (const a of answers) expect(a.body).toEqual(first);
    const purchases = await world.app.request
      .get(`/api/v1/purchases?memberId=${member.id}`)
      .set(world.manager.auth)
      .expect(200);
    expect(purchases.body.items).toHaveLength(1);
    const other = await complete(opened.body.id).expect(409);
    expect(other.body.error).toMatchObject({
      code: 'CHECKOUT_COMPLETED',
      details: { purchaseId: first.purchaseId },
    });
    expect((await memberDetail(world, member.id)).balance.available).toBe(200 - 100 + 5);
  });

  it('a receipt number already recorded for the store is refused with 409 PURCHASE_EXISTS, and the checkout stays open', async () => {
    const externalId = `R-${randomUUID()}`;
    const first = await open(undefined).expect(201);
    await complete(first.body.id, randomUUID(), { externalId }).expect(200);
    const second = await open(undefined).expect(201);
    const refused = await complete(second.body.id, randomUUID(), { externalId }).expect(409);
    expect(refused.body.error.code).toBe('PURCHASE_EXISTS');
    const after = await world.app.request.get(`/api/v1/checkouts/${second.body.id}`).set(world.cashier.auth);
    expect(after.body.status).toBe('open');
  });

  it('a refund of a checkout sale gives back the points it spent in proportion, and takes back what it earned', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 400);
    const opened = await open({ memberId: member.id }).expect(201);
    await apply(opened.body.id, { type: 'points', points: 200 }).expect(201);
    const receipt = await complete(opened.body.id).expect(200);
    expect(receipt.body).toMatchObject({ pointsSpent: 200, pointsEarned: 6, totals: { toPayMinor: 600 } });
    await world.app.request
      .post(`/api/v1/purchases/${receipt.body.purchaseId}/refunds`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 300 })
      .expect(201)
      .expect((r) => expect(r.body).toMatchObject({ pointsReversed: 3, pointsRestored: 100 }));
    expect((await memberDetail(world, member.id)).balance.available).toBe(400 - 200 + 6 - 3 + 100);
    await expectLedgerClean(world);
  });
});

describe('basket changes, cancel and expiry', () => {
  it('replacing the basket recomputes the discounts and drops a free product whose item left, with the reason', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 300);
    const reward = await createReward({ name: 'Free espresso (basket)' });
    const opened = await open({ memberId: member.id }).expect(201);
    await apply(opened.body.id, { type: 'reward', rewardId: reward.id }).expect(201);
    const changed = await world.app.request
      .put(`/api/v1/checkouts/${opened.body.id}/items`)
      .set(world.cashier.auth)
      .send({ items: [{ sku: 'CROISSANT', quantity: 2, unitPriceMinor: 320 }] })
      .expect(200);
    expect(changed.body.applied).toEqual([]);
    expect(changed.body.dropped).toEqual([
      expect.objectContaining({ type: 'reward', reason: 'NO_MATCHING_ITEM' }),
    ]);
    expect(changed.body.member.balance.available).toBe(300);
    expect(changed.body.totals.toPayMinor).toBe(640);
    await expectLedgerClean(world);
  });

  it('cancel gives the holds back; expiry (the sweep, injected clock) too, and completing then is 409 CHECKOUT_EXPIRED', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 300);
    const a = await open({ memberId: member.id }).expect(201);
    await apply(a.body.id, { type: 'points', points: 100 }).expect(201);
    const cancelled = await world.app.request
      .post(`/api/v1/checkouts/${a.body.id}/cancel`)
      .set(world.cashier.auth)
      .expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await memberDetail(world, member.id)).balance.available).toBe(300);
    await complete(a.body.id)
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('CHECKOUT_CANCELLED'));

    const b = await open({ memberId: member.id }).expect(201);
    await apply(b.body.id, { type: 'points', points: 120 }).expect(201);
    expect((await memberDetail(world, member.id)).balance.available).toBe(180);
    clock.advance(15 * 60_000);
    await complete(b.body.id)
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('CHECKOUT_EXPIRED'));
    // Two sweeps at once (a worker restarted mid-run): each hold comes back once.
    await Promise.all([checkouts().expireDue(), checkouts().expireDue()]);
    await checkouts().expireDue();
    expect((await memberDetail(world, member.id)).balance.available).toBe(300);
    const after = await world.app.request.get(`/api/v1/checkouts/${b.body.id}`).set(world.cashier.auth);
    expect(after.body.status).toBe('expired');
    await expectLedgerClean(world);
  });

  it('a sweep that dies after the first checkout is resumed by the next one, and no hold comes back twice', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 90);
    const ids: string[] = [];
    for (const points of [10, 20, 30]) {
      const opened = await open({ memberId: member.id }).expect(201);
      await apply(opened.body.id, { type: 'points', points }).expect(201);
      ids.push(opened.body.id as string);
    }
    expect((await memberDetail(world, member.id)).balance.available).toBe(30);
    clock.advance(16 * 60_000);
    let seen = 0;
    await expect(
      checkouts().expireDue({
        batchSize: 1,
        afterCheckout: () => {
          seen += 1;
          if (seen === 1) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const statuses = async () =>
      Promise.all(
        ids.map(
          async (id) =>
            (await world.app.request.get(`/api/v1/checkouts/${id}`).set(world.cashier.auth)).body.status,
        ),
      );
    expect((await statuses()).filter((s) => s === 'expired')).toHaveLength(1);
    await checkouts().expireDue({ batchSize: 1 });
    await checkouts().expireDue();
    expect(await statuses()).toEqual(['expired', 'expired', 'expired']);
    expect((await memberDetail(world, member.id)).balance.available).toBe(90);
    await expectLedgerClean(world);
  });

  it("a till bound to another store can neither read nor change this store's checkout", async () => {
    const member = await createMember(world);
    await givePoints(member.id, 50);
    const opened = await open({ memberId: member.id }).expect(201);
    const other = await world.app.request
      .post('/api/v1/stores')
      .set(world.admin.auth)
      .send({ name: 'Puerto', code: `P${randomUUID().slice(0, 6)}` })
      .expect(201);
    const till = await createApiKey(world.app, ['checkouts:write'], other.body.id as string);
    const id = opened.body.id as string;
    const refusals = await Promise.all([
      world.app.request.get(`/api/v1/checkouts/${id}`).set(till.auth),
      world.app.request
        .post(`/api/v1/checkouts/${id}/applied`)
        .set(till.auth)
        .send({ type: 'points', points: 10 }),
      world.app.request
        .put(`/api/v1/checkouts/${id}/items`)
        .set(till.auth)
        .send({ items: [{ sku: 'X', quantity: 1, unitPriceMinor: 100 }] }),
      world.app.request.post(`/api/v1/checkouts/${id}/cancel`).set(till.auth),
      world.app.request
        .post(`/api/v1/checkouts/${id}/complete`)
        .set(till.auth)
        .set('Idempotency-Key', randomUUID())
        .send({}),
    ]);
    expect(refusals.map((r) => [r.status, r.body.error?.code])).toEqual(
      Array(5).fill([403, 'STORE_MISMATCH']),
    );
    const after = await world.app.request.get(`/api/v1/checkouts/${id}`).set(world.cashier.auth).expect(200);
    expect(after.body).toMatchObject({ status: 'open', applied: [], totals: { toPayMinor: 800 } });
  });

  it('a held redemption cannot be cancelled on its own: the checkout owns it', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 100);
    const opened = await open({ memberId: member.id }).expect(201);
    await apply(opened.body.id, { type: 'points', points: 50 }).expect(201);
    const held = await world.app.request
      .get(`/api/v1/redemptions?memberId=${member.id}`)
      .set(world.manager.auth)
      .expect(200);
    expect(held.body.items[0].status).toBe('held');
    await world.app.request
      .post(`/api/v1/redemptions/${held.body.items[0].id}/cancel`)
      .set(world.manager.auth)
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('REDEMPTION_HELD'));
  });

  it('an anonymous sale completes and earns nothing', async () => {
    const opened = await open(undefined).expect(201);
    expect(opened.body.offers).toEqual([]);
    const receipt = await complete(opened.body.id).expect(200);
    expect(receipt.body).toMatchObject({ pointsEarned: 0, balance: null, totals: { toPayMinor: 800 } });
    await buy(world, undefined, 100);
  });
});

describe('wallet', () => {
  it('shows the points, the rewards in reach and the progress to the next one; a member reads only their own', async () => {
    const member = await signUpMember(world.app);
    const other = await signUpMember(world.app);
    await givePoints(member.memberId, 120);
    const near = await createReward({ name: 'Wallet espresso', pointsCost: 110 });
    const wallet = await world.app.request
      .get(`/api/v1/members/${member.memberId}/wallet`)
      .set(member.auth)
      .expect(200);
    expect(wallet.body.points).toMatchObject({ available: 120, pending: 0, held: 0 });
    expect(wallet.body.rewards.affordable).toEqual(
      expect.arrayContaining([{ rewardId: near.id, name: 'Wallet espresso', pointsCost: 110 }]),
    );
    const next = wallet.body.rewards.next as {
      pointsCost: number;
      missingPoints: number;
      progressPercent: number;
    };
    expect(next.pointsCost).toBeGreaterThan(120);
    expect(next.missingPoints).toBe(next.pointsCost - 120);
    expect(next.progressPercent).toBe(Math.floor((120 * 100) / next.pointsCost));
    await world.app.request.get(`/api/v1/members/${other.memberId}/wallet`).set(member.auth).expect(403);
  });
});

describe('undo at the till', () => {
  it('undoes a sale just completed: the points spent come back, those earned go; later or twice it is refused', async () => {
    const member = await createMember(world);
    await givePoints(member.id, 300);
    const reward = await createReward({ name: 'Free espresso (undo)' });
    const opened = await open({ memberId: member.id }).expect(201);
    await apply(opened.body.id, { type: 'reward', rewardId: reward.id }).expect(201);
    await complete(opened.body.id).expect(200);
    expect((await memberDetail(world, member.id)).balance.available).toBe(300 - 100 + 5);
    const undo = (key: string) =>
      world.app.request
        .post(`/api/v1/checkouts/${opened.body.id}/undo`)
        .set(world.cashier.auth)
        .set('Idempotency-Key', key);
    const key = randomUUID();
    const undone = await undo(key).expect(200);
    expect(undone.body).toMatchObject({ status: 'undone', undo: { pointsRestored: 100, pointsReversed: 5 } });
    expect((await memberDetail(world, member.id)).balance.available).toBe(300);
    expect((await undo(key).expect(200)).body).toEqual(undone.body);
    await undo(randomUUID()).expect(200); // already undone: the same answer, nothing more refunded
    expect((await memberDetail(world, member.id)).balance.available).toBe(300);

    const late = await open({ memberId: member.id }).expect(201);
    await complete(late.body.id).expect(200);
    clock.advance(11 * 60_000);
    await world.app.request
      .post(`/api/v1/checkouts/${late.body.id}/undo`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('CHECKOUT_UNDO_CLOSED'));
    const openOne = await open({ memberId: member.id }).expect(201);
    await world.app.request
      .post(`/api/v1/checkouts/${openOne.body.id}/undo`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .expect(409)
      .expect((r) => expect(r.body.error.code).toBe('CHECKOUT_NOT_COMPLETED'));
    await expectLedgerClean(world);
  });
});
