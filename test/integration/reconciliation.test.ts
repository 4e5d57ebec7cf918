import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, signUpMember } from '../support/callers.js';
import {
  buy,
  cardCode,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  purchaseBody,
  type LedgerWorld,
} from './ledger-helpers.js';

let world: LedgerWorld;
let otherStoreId: string;
beforeAll(async () => {
  world = await createLedgerWorld();
  const store = await world.app.request
    .post('/api/v1/stores')
    .set(world.admin.auth)
    .send({ name: 'Norte', code: `N${randomUUID().slice(0, 6)}` })
    .expect(201);
  otherStoreId = store.body.id as string;
});
afterAll(() => world.close());

async function createReward(pointsCost: number) {
  const response = await world.app.request
    .post('/api/v1/rewards')
    .set(world.marketer.auth)
    .send({ name: 'Free coffee', pointsCost, kind: 'free_product', sku: 'COFFEE' })
    .expect(201);
  return response.body.id as string;
}

async function ledgerOf(memberId: string) {
  const response = await world.app.request
    .get(`/api/v1/members/${memberId}/ledger`)
    .set(world.manager.auth)
    .expect(200);
  return response.body.items as {
    type: string;
    points: number;
    actor: { kind: string; id: string | null };
  }[];
}

describe('idempotency keys scoped to the program', () => {
  it('replays a redemption retried with the same key after the API key was rotated, and spends once', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 5000);
    const rewardId = await createReward(10);
    const oldKey = await createApiKey(world.app, ['redemptions:write']);
    const newKey = await createApiKey(world.app, ['redemptions:write']);
    const key = randomUUID();
    const body = { memberId: member.id, rewardId };
    const first = await world.app.request
      .post('/api/v1/redemptions')
      .set(oldKey.auth)
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    const retried = await world.app.request
      .post('/api/v1/redemptions')
      .set(newKey.auth)
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body.id).toBe(first.body.id);
    expect((await memberDetail(world, member.id)).balance.available).toBe(40);
  });

  it('refuses a replay from a caller bound to another store than the first request', async () => {
    const member = await createMember(world);
    const key = randomUUID();
    const body = purchaseBody(world, member.id, 1000);
    const unbound = await createApiKey(world.app, ['purchases:write']);
    const bound = await createApiKey(world.app, ['purchases:write'], world.storeId);
    await world.app.request
      .post('/api/v1/purchases')
      .set(unbound.auth)
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    const refused = await world.app.request
      .post('/api/v1/purchases')
      .set(bound.auth)
      .set('Idempotency-Key', key)
      .send(body)
      .expect(422);
    expect(refused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('a scanned card code', () => {
  it('authorises one purchase and one redemption, and refuses a second purchase with 409 CARD_CODE_USED', async () => {
    const member = await signUpMember(world.app);
    const card = await world.app.request
      .get(`/api/v1/members/${member.memberId}/card`)
      .set(member.auth)
      .expect(200);
    const code = cardCode(card.body.cardNumber, card.body.cardSecret);
    const sale = (total: number) =>
      world.app.request
        .post('/api/v1/purchases')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ ...purchaseBody(world, undefined, total), cardCode: code });
    const first = await sale(3000).expect(201);
    expect(first.body.memberId).toBe(member.memberId);
    const second = await sale(4000).expect(409);
    expect(second.body.error.code).toBe('CARD_CODE_USED');
    const redeem = () =>
      world.app.request
        .post('/api/v1/redemptions')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ memberId: member.memberId, points: 5, cardCode: code });
    await redeem().expect(201);
    expect((await redeem().expect(409)).body.error.code).toBe('CARD_CODE_USED');
    const detail = await memberDetail(world, member.memberId);
    expect(detail.stats.purchaseCount).toBe(1);
    expect(detail.balance.available).toBe(25);
  });
});

describe('dryRun', () => {
  it('answers 200 with what a purchase would earn and writes nothing', async () => {
    const member = await createMember(world);
    const externalId = `R-${randomUUID()}`;
    const body = purchaseBody(world, member.id, 2550, { externalId });
    const dry = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ ...body, dryRun: true })
      .expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, pointsEarned: 25, memberId: member.id });
    const detail = await memberDetail(world, member.id);
    expect(detail.stats.purchaseCount).toBe(0);
    expect(detail.balance).toMatchObject({ available: 0, pending: 0 });
    await world.app.request.get(`/api/v1/purchases/${dry.body.id}`).set(world.manager.auth).expect(404);
    // The same receipt can still be recorded for real, and earns what the dry run said.
    const real = await buy(world, member.id, 2550, { externalId });
    expect(real.pointsEarned).toBe(dry.body.pointsEarned);
    expect(await ledgerOf(member.id)).toHaveLength(1);
  });

  it('runs every check on a dry-run redemption: a refusal is the real one, a success spends nothing', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 1000);
    const cheap = await createReward(5);
    const dear = await createReward(50);
    const dry = (rewardId: string) =>
      world.app.request
        .post('/api/v1/redemptions')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ memberId: member.id, rewardId, dryRun: true });
    const ok = await dry(cheap).expect(200);
    expect(ok.body).toMatchObject({ dryRun: true, pointsSpent: 5, balance: { available: 5 } });
    const refused = await dry(dear).expect(409);
    expect(refused.body.error.code).toBe('INSUFFICIENT_POINTS');
    expect((await memberDetail(world, member.id)).balance.available).toBe(10);
    const list = await world.app.request
      .get(`/api/v1/redemptions?memberId=${member.id}`)
      .set(world.manager.auth)
      .expect(200);
    expect(list.body.items).toHaveLength(0);
    await expectLedgerClean(world);
  });
});

describe('reconciliation lists', () => {
  it('lists purchases by store, member, receipt and time, page by page without repeats', async () => {
    const member = await createMember(world);
    const before = new Date(Date.now() - 1000).toISOString();
    const receipts: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const externalId = `REC-${randomUUID()}`;
      receipts.push(externalId);
      await buy(world, member.id, 100 * (i + 1), { externalId });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; externalId: string }[]; nextCursor: string | null } } =
        await world.app.request
          .get('/api/v1/purchases')
          .query({ memberId: member.id, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(world.manager.auth)
          .expect(200);
      seen.push(...page.body.items.map((p) => p.externalId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...receipts].reverse());
    const byReceipt = await world.app.request
      .get('/api/v1/purchases')
      .query({ externalId: receipts[2] })
      .set(world.manager.auth)
      .expect(200);
    expect(byReceipt.body.items.map((p: { totalMinor: number }) => p.totalMinor)).toEqual([300]);
    const inRange = await world.app.request
      .get('/api/v1/purchases')
      .query({ memberId: member.id, from: before, to: new Date(Date.now() + 60_000).toISOString() })
      .set(world.manager.auth)
      .expect(200);
    expect(inRange.body.items).toHaveLength(5);
    const elsewhere = await world.app.request
      .get('/api/v1/purchases')
      .query({ memberId: member.id, storeId: otherStoreId })
      .set(world.manager.auth)
      .expect(200);
    expect(elsewhere.body.items).toHaveLength(0);
  });

  it('refuses a cursor of another list, a reversed time range and another store for a bound caller', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 100);
    await buy(world, member.id, 200);
    const purchases = await world.app.request
      .get('/api/v1/purchases')
      .query({ memberId: member.id, limit: 1 })
      .set(world.manager.auth)
      .expect(200);
    const foreign = await world.app.request
      .get('/api/v1/redemptions')
      .query({ cursor: purchases.body.nextCursor })
      .set(world.manager.auth)
      .expect(400);
    expect(foreign.body.error.code).toBe('INVALID_CURSOR');
    const reversed = await world.app.request
      .get('/api/v1/purchases')
      .query({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })
      .set(world.manager.auth)
      .expect(400);
    expect(reversed.body.error.code).toBe('VALIDATION_FAILED');
    const till = await createApiKey(world.app, ['purchases:read'], otherStoreId);
    const own = await world.app.request.get('/api/v1/purchases').set(till.auth).expect(200);
    expect(own.body.items).toHaveLength(0);
    const other = await world.app.request
      .get('/api/v1/purchases')
      .query({ storeId: world.storeId })
      .set(till.auth)
      .expect(403);
    expect(other.body.error.code).toBe('STORE_MISMATCH');
  });

  it('lists refunds with their store, receipt and actor, and gives one by id', async () => {
    const member = await createMember(world);
    const externalId = `RF-${randomUUID()}`;
    const sale = await buy(world, member.id, 2000, { externalId });
    const refund = await world.app.request
      .post(`/api/v1/purchases/${sale.id}/refunds`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 500, reason: 'broken cup' })
      .expect(201);
    const list = await world.app.request
      .get('/api/v1/refunds')
      .query({ externalId })
      .set(world.manager.auth)
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: refund.body.id,
      purchaseId: sale.id,
      storeId: world.storeId,
      externalId,
      amountMinor: 500,
      reason: 'broken cup',
      actor: { kind: 'staff', id: world.manager.id },
    });
    const one = await world.app.request
      .get(`/api/v1/refunds/${refund.body.id as string}`)
      .set(world.manager.auth)
      .expect(200);
    expect(one.body).toEqual(list.body.items[0]);
    const missing = await world.app.request
      .get(`/api/v1/refunds/${'0'.repeat(24)}`)
      .set(world.manager.auth)
      .expect(404);
    expect(missing.body.error.code).toBe('REFUND_NOT_FOUND');
    await world.app.request.get('/api/v1/refunds').set(world.cashier.auth).expect(403);
  });

  it('records where a redemption was made and lists redemptions by store and status', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 3000);
    const till = await createApiKey(world.app, ['redemptions:write'], otherStoreId);
    const made = await world.app.request
      .post('/api/v1/redemptions')
      .set(till.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, points: 3 })
      .expect(201);
    expect(made.body.storeId).toBe(otherStoreId);
    const mismatch = await world.app.request
      .post('/api/v1/redemptions')
      .set(till.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, points: 3, storeId: world.storeId })
      .expect(403);
    expect(mismatch.body.error.code).toBe('STORE_MISMATCH');
    const list = await world.app.request
      .get('/api/v1/redemptions')
      .query({ storeId: otherStoreId, memberId: member.id, status: 'completed' })
      .set(world.manager.auth)
      .expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([made.body.id]);
  });
});

describe('ledger actors', () => {
  it('names the caller on every entry a request causes: earning, refund reversals and restores', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 5000);
    const rewardId = await createReward(10);
    const redemption = await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, rewardId })
      .expect(201);
    const sale = await buy(world, member.id, 1000, { redemptionIds: [redemption.body.id] });
    await world.app.request
      .post(`/api/v1/purchases/${sale.id}/refunds`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 1000 })
      .expect(201);
    const entries = await ledgerOf(member.id);
    const byType = new Map(entries.map((e) => [e.type, e.actor]));
    expect(byType.get('earn')).toMatchObject({ kind: 'staff', id: world.cashier.id });
    expect(byType.get('refund_restore')).toMatchObject({ kind: 'staff', id: world.manager.id });
    expect(byType.get('refund_reversal')).toMatchObject({ kind: 'staff', id: world.manager.id });
    for (const entry of entries) expect(entry.actor).not.toBeNull();
  });
});
