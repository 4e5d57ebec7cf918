import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { createApiKey, signUpMember } from '../support/callers.js';
import {
  buy,
  cardCode,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  publishRule,
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

  it('gives 20 concurrent sends of one purchase with one key one accrual and 20 equal answers', async () => {
    const member = await createMember(world);
    const key = randomUUID();
    const body = purchaseBody(world, member.id, 2599);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        world.app.request
          .post('/api/v1/purchases')
          .set(world.cashier.auth)
          .set('Idempotency-Key', key)
          .send(body),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const first = responses[0]?.body;
    for (const r of responses) expect(r.body).toEqual(first);
    expect(await count('purchases', { memberId: new mongoose.Types.ObjectId(member.id) })).toBe(1);
    expect((await memberDetail(world, member.id)).balance.available).toBe(25);
    await expectLedgerClean(world);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for a key reused with another body, and writes nothing', async () => {
    const member = await createMember(world);
    const key = randomUUID();
    await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', key)
      .send(purchaseBody(world, member.id, 1000))
      .expect(201);
    const reused = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', key)
      .send(purchaseBody(world, member.id, 9000))
      .expect(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await memberDetail(world, member.id)).balance.available).toBe(10);
  });

  it('identifies the member from a scanned card code', async () => {
    const member = await signUpMember(world.app);
    const card = await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth);
    const result = await buy(world, undefined, 1500, {
      cardCode: cardCode(card.body.cardNumber, card.body.cardSecret),
    });
    expect(result).toMatchObject({ memberId: member.memberId, pointsEarned: 15 });
  });

  it('is for store staff and API keys with purchases:write; a key bound to a store records only its sales', async () => {
    const member = await createMember(world);
    await world.app.request
      .post('/api/v1/purchases')
      .set(world.marketer.auth)
      .set('Idempotency-Key', randomUUID())
      .send(purchaseBody(world, member.id, 100))
      .expect(403);
    const other = await world.app.request
      .post('/api/v1/stores')
      .set(world.admin.auth)
      .send({ name: 'Other', code: `O${randomUUID().slice(0, 6)}` })
      .expect(201);
    const bound = await createApiKey(world.app, ['purchases:write'], other.body.id as string);
    const refused = await world.app.request
      .post('/api/v1/purchases')
      .set(bound.auth)
      .set('Idempotency-Key', randomUUID())
      .send(purchaseBody(world, member.id, 100))
      .expect(403);
    expect(refused.body.error.code).toBe('STORE_MISMATCH');
    await world.app.request
      .post('/api/v1/purchases')
      .set(bound.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ ...purchaseBody(world, member.id, 100), storeId: other.body.id })
      .expect(201);
  });
});

describe('POST /api/v1/purchases with bad input', () => {
  const send = (body: Record<string, unknown>) =>
    world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send(body);

  it('refuses each with a precise code and writes nothing', async () => {
    const member = await createMember(world);
    const base = purchaseBody(world, member.id, 1000);
    const purchasesBefore = await count('purchases');
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{ ...base, totalMinor: -100 }, 400, 'VALIDATION_FAILED', 'totalMinor'],
      [{ ...base, totalMinor: 10.5 }, 400, 'VALIDATION_FAILED', 'totalMinor'],
      [
        { ...base, items: [{ sku: 'A', quantity: 1.5, unitPriceMinor: 100 }] },
        400,
        'VALIDATION_FAILED',
        'items[0].quantity',
      ],
      [
        { ...base, items: [{ sku: 'A', quantity: 1, unitPriceMinor: -1 }] },
        400,
        'VALIDATION_FAILED',
        'items[0].unitPriceMinor',
      ],
      [{ ...base, totalMinor: 999 }, 422, 'TOTAL_MISMATCH'],
      [{ ...base, currency: 'USD' }, 422, 'CURRENCY_NOT_SUPPORTED'],
      [{ ...base, currency: 'EURO' }, 400, 'VALIDATION_FAILED', 'currency'],
      [{ ...base, occurredAt: new Date(Date.now() + 3600_000).toISOString() }, 422, 'OCCURRED_IN_FUTURE'],
      [{ ...base, memberId: '64b7f0f0f0f0f0f0f0f0f0f0' }, 404, 'MEMBER_NOT_FOUND'],
      [{ ...base, storeId: '64b7f0f0f0f0f0f0f0f0f0f0' }, 404, 'STORE_NOT_FOUND'],
      [{ ...base, items: [] }, 400, 'VALIDATION_FAILED', 'items'],
      [{ ...base, pointsOverride: 1000 }, 400, 'VALIDATION_FAILED'],
      [{ ...base, cardCode: 'RGL1:123456789012:123456' }, 400, 'VALIDATION_FAILED', 'cardCode'],
    ];
    for (const [body, status, code, path] of cases) {
      const response = await send(body);
      expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
      expect(response.body.error.message.length).toBeGreaterThan(10);
      if (path) expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await count('purchases')).toBe(purchasesBefore);
    expect((await memberDetail(world, member.id)).balance.available).toBe(0);
  });
});

describe('earning rules with limits and budgets', () => {
  it('applies a per-member daily limit and a global budget atomically under concurrency', async () => {
    const limited = await publishRule(world.app, world.marketer, {
      name: 'Welcome bonus once a day',
      effects: [{ type: 'awardFixedPoints', points: 7 }],
      limits: [{ period: 'day', maxTimes: 1 }],
    });
    const budgeted = await publishRule(world.app, world.marketer, {
      name: 'Launch bonus, 30 points in total',
      effects: [{ type: 'awardFixedPoints', points: 10 }],
      budget: { totalPoints: 30 },
    });
    try {
      const member = await createMember(world);
      const results = await Promise.all(Array.from({ length: 5 }, () => buy(world, member.id, 100)));
      const byRule = (ruleId: string) =>
        results.reduce((sum, r) => sum + (r.breakdown.find((b) => b.ruleId === ruleId)?.points ?? 0), 0);
      expect(byRule(limited)).toBe(7);
      const others = await Promise.all(Array.from({ length: 4 }, () => createMember(world)));
      const more = await Promise.all(others.map((m) => buy(world, m.id, 100)));
      const budgetGiven =
        byRule(budgeted) +
        more.reduce((s, r) => s + (r.breakdown.find((b) => b.ruleId === budgeted)?.points ?? 0), 0);
      expect(budgetGiven).toBe(30);
      await expectLedgerClean(world);
    } finally {
      for (const id of [limited, budgeted])
        await world.app.request.post(`/api/v1/rules/${id}/pause`).set(world.marketer.auth);
    }
  });
});
