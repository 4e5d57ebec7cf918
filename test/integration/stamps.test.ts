import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { allJobs, ManualClock } from '@regulars/backend';
import { runInTransaction } from '../../backend/src/modules/ledger/transaction.js';
import { createLedgerWorld, createMember, publishRule, type LedgerWorld } from './ledger-helpers.js';

const DAY = 24 * 3600_000;
const PRICE = 250;
const clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));
let world: LedgerWorld;
let rewardId: string;

beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 0 } });
  const reward = await world.app.request
    .post('/api/v1/rewards')
    .set(world.marketer.auth)
    .send({ name: 'Free espresso', pointsCost: 1, kind: 'free_product', sku: 'ESP' })
    .expect(201);
  rewardId = reward.body.id as string;
}, 120_000);
afterAll(() => world.close());

const stamps = () => world.app.runtime.services.stamps;
const events = (type: string, filter: Record<string, unknown> = {}) =>
  mongoose.connection.collection('events').countDocuments({ type, ...filter });
const stampRewards = (memberId: string) =>
  mongoose.connection
    .collection('stamp_rewards')
    .find({ memberId: new Types.ObjectId(memberId) })
    .sort({ _id: 1 })
    .toArray();

async function createCard(overrides: Record<string, unknown> = {}) {
  const response = await world.app.request
    .post('/api/v1/stamp-cards')
    .set(world.marketer.auth)
    .send({ name: 'Coffee card', threshold: 10, rewardId, rewardValidityDays: 30, ...overrides })
    .expect(201);
  return response.body as { id: string; threshold: number; rewardValidityDays: number };
}

/** A card and its published rule, "1 stamp per item" of a category of this test's own. */
async function stampProgram(card: Record<string, unknown> = {}) {
  const category = `coffee-${randomUUID().slice(0, 8)}`;
  const definition = await createCard(card);
  await publishRule(world.app, world.marketer, {
    name: `Stamps ${category}`,
    effects: [
      { type: 'addStamps', cardId: definition.id, stamps: 1, per: 'item', items: { categories: [category] } },
    ],
  });
  return { ...definition, category };
}

async function buyCoffees(memberId: string, category: string, quantity: number) {
  const response = await world.app.request
    .post('/api/v1/purchases')
    .set(world.cashier.auth)
    .set('Idempotency-Key', randomUUID())
    .send({
      memberId,
      storeId: world.storeId,
      currency: 'EUR',
      totalMinor: quantity * PRICE,
      items: [{ sku: 'ESP', name: 'Espresso', category, quantity, unitPriceMinor: PRICE }],
    });
  if (response.status !== 201) throw new Error(`purchase failed: ${JSON.stringify(response.body)}`);
  return response.body as {
    id: string;
    stamps?: Array<{
      definitionId: string;
      stamps: number;
      debtPaid: number;
      balance: number;
      rewardsUnlocked: Array<{ id: string; expiresAt: string }>;
    }>;
  };
}

async function refund(purchaseId: string, amountMinor: number) {
  const response = await world.app.request
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(world.manager.auth)
    .set('Idempotency-Key', randomUUID())
    .send({ amountMinor });
  if (response.status !== 201) throw new Error(`refund failed: ${JSON.stringify(response.body)}`);
  return response.body as {
    stamps?: Array<{ definitionId: string; stamps: number; rewardsLocked: string[]; debtAdded: number }>;
  };
}

const walletCard = async (memberId: string, definitionId: string) =>
  (await stamps().wallet(new Types.ObjectId(memberId), clock.now())).find(
    (card) => card.definitionId === definitionId,
  );

describe('stamp card definitions', () => {
  it('creates, lists page by page, reads, changes and archives a definition, with events', async () => {
    const created = await world.app.request
      .post('/api/v1/stamp-cards')
      .set(world.marketer.auth)
      .send({ name: 'Tea card', threshold: 8, rewardId, rewardValidityDays: 14 })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Tea card',
      threshold: 8,
      rewardId,
      rewardName: 'Free espresso',
      rewardValidityDays: 14,
      status: 'active',
    });
    const id = created.body.id as string;
    await createCard({ name: 'Bagel card' });
    const first = await world.app.request
      .get('/api/v1/stamp-cards?limit=1')
      .set(world.marketer.auth)
      .expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await world.app.request
      .get(`/api/v1/stamp-cards?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`)
      .set(world.marketer.auth)
      .expect(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);

    const changed = await world.app.request
      .patch(`/api/v1/stamp-cards/${id}`)
      .set(world.admin.auth)
      .send({ name: 'Tea lovers', threshold: 6 })
      .expect(200);
    expect(changed.body).toMatchObject({ name: 'Tea lovers', threshold: 6, status: 'active' });
    const read = await world.app.request
      .get(`/api/v1/stamp-cards/${id}`)
      .set(world.marketer.auth)
      .expect(200);
    expect(read.body.name).toBe('Tea lovers');

    const archived = await world.app.request
      .post(`/api/v1/stamp-cards/${id}/archive`)
      .set(world.marketer.auth)
      .expect(200);
    expect(archived.body.status).toBe('archived');
    const onlyArchived = await world.app.request
      .get('/api/v1/stamp-cards?status=archived')
      .set(world.marketer.auth)
      .expect(200);
    expect(onlyArchived.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const refused = await world.app.request
      .patch(`/api/v1/stamp-cards/${id}`)
      .set(world.marketer.auth)
      .send({ name: 'Again' })
      .expect(409);
    expect(refused.body.error.code).toBe('STAMP_CARD_ARCHIVED');
    const subject = { 'subject.stampCardId': id };
    expect(await events('stamp_card.created', subject)).toBe(1);
    expect(await events('stamp_card.updated', subject)).toBe(1);
    expect(await events('stamp_card.archived', subject)).toBe(1);
  });

  it('refuses bad definitions with 4xx and writes nothing', async () => {
    const before = await mongoose.connection.collection('stamp_card_definitions').countDocuments();
    const base = { name: 'Card', threshold: 10, rewardId, rewardValidityDays: 30 };
    for (const body of [
      { ...base, threshold: 0 },
      { ...base, threshold: 2.5 },
      { ...base, threshold: 1001 },
      { ...base, rewardValidityDays: 0 },
      { ...base, name: '  ' },
      { ...base, rewardId: 'free-coffee' },
      { ...base, colour: 'red' },
      { name: 'Card', threshold: 10 },
    ]) {
      const response = await world.app.request
        .post('/api/v1/stamp-cards')
        .set(world.marketer.auth)
        .send(body)
        .expect(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    const unknownReward = await world.app.request
      .post('/api/v1/stamp-cards')
      .set(world.marketer.auth)
      .send({ ...base, rewardId: new Types.ObjectId().toHexString() })
      .expect(404);
    expect(unknownReward.body.error.code).toBe('REWARD_NOT_FOUND');
    const cashier = await world.app.request
      .post('/api/v1/stamp-cards')
      .set(world.cashier.auth)
      .send(base)
      .expect(403);
    expect(cashier.body.error.code).toBe('FORBIDDEN');
    const missing = await world.app.request
      .get(`/api/v1/stamp-cards/${new Types.ObjectId().toHexString()}`)
      .set(world.marketer.auth)
      .expect(404);
    expect(missing.body.error.code).toBe('STAMP_CARD_NOT_FOUND');
    const card = await createCard();
    const empty = await world.app.request
      .patch(`/api/v1/stamp-cards/${card.id}`)
      .set(world.marketer.auth)
      .send({})
      .expect(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
    expect(await mongoose.connection.collection('stamp_card_definitions').countDocuments()).toBe(before + 1);
  });

  it('refuses to publish a rule whose addStamps names no active stamp card (422 STAMP_CARD_NOT_AVAILABLE)', async () => {
    const archived = await createCard();
    await world.app.request
      .post(`/api/v1/stamp-cards/${archived.id}/archive`)
      .set(world.marketer.auth)
      .expect(200);
    for (const cardId of ['coffee', new Types.ObjectId().toHexString(), archived.id]) {
      const draft = await world.app.request
        .post('/api/v1/rules')
        .set(world.marketer.auth)
        .send({
          definition: {
            name: 'Stamps',
            effects: [{ type: 'addStamps', cardId, stamps: 1, per: 'purchase' }],
          },
        })
        .expect(201);
      const refused = await world.app.request
        .post(`/api/v1/rules/${draft.body.id}/publish`)
        .set(world.marketer.auth)
        .expect(422);
      expect(refused.body.error.code).toBe('STAMP_CARD_NOT_AVAILABLE');
      expect(refused.body.error.details).toEqual([{ path: 'definition.effects[0].cardId', cardId }]);
      await world.app.request
        .post(`/api/v1/rules/${draft.body.id}/archive`)
        .set(world.marketer.auth)
        .expect(200);
    }
  });

  it('the "Buy 10 coffees" template names a definition and publishes', async () => {
    const card = await createCard();
    const refused = await world.app.request
      .post('/api/v1/rule-templates/stamp-card/instantiate')
      .set(world.marketer.auth)
      .send({ params: {} });
    expect(refused.status).toBe(422);
    const draft = await world.app.request
      .post('/api/v1/rule-templates/stamp-card/instantiate')
      .set(world.marketer.auth)
      .send({ params: { cardId: card.id, categories: [`tpl-${randomUUID().slice(0, 6)}`] } })
      .expect(201);
    expect(draft.body.draft.effects[0]).toMatchObject({ type: 'addStamps', cardId: card.id });
    await world.app.request
      .post(`/api/v1/rules/${draft.body.id}/publish`)
      .set(world.marketer.auth)
      .expect(200);
  });
});

describe('stamps on purchases', () => {
  it('1 stamp per coffee on a card of 10: ten coffees over three purchases unlock one reward with its expiry', async () => {
    const card = await stampProgram();
    const member = await createMember(world);
    const first = await buyCoffees(member.id, card.category, 4);
    expect(first.stamps).toEqual([
      expect.objectContaining({ definitionId: card.id, stamps: 4, balance: 4, rewardsUnlocked: [] }),
    ]);
    // The simulator sees the member's stamps and the card's threshold.
    const simulated = await world.app.request
      .post('/api/v1/rules/simulate')
      .set(world.marketer.auth)
      .send({
        memberId: member.id,
        basket: { items: [{ sku: 'ESP', category: card.category, quantity: 7, unitPriceMinor: PRICE }] },
      })
      .expect(200);
    expect(simulated.body.effects).toContainEqual(
      expect.objectContaining({
        type: 'stampsAdded',
        cardId: card.id,
        stamps: 7,
        balanceBefore: 4,
        balanceAfter: 1,
        threshold: 10,
        rewardsUnlocked: 1,
      }),
    );
    await buyCoffees(member.id, card.category, 4);
    const third = await buyCoffees(member.id, card.category, 2);
    const unlocked = third.stamps?.[0]?.rewardsUnlocked ?? [];
    expect(third.stamps?.[0]).toMatchObject({ stamps: 2, balance: 0 });
    expect(unlocked).toHaveLength(1);
    expect(Date.parse(unlocked[0]?.expiresAt ?? '')).toBe(clock.now().getTime() + 30 * DAY);
    expect(await walletCard(member.id, card.id)).toEqual({
      definitionId: card.id,
      name: 'Coffee card',
      threshold: 10,
      stamps: 0,
      rewards: [{ id: unlocked[0]?.id, rewardName: 'Free espresso', expiresAt: unlocked[0]?.expiresAt }],
    });
    const usable = await stamps().unlockedFor(new Types.ObjectId(member.id), clock.now());
    expect(
      usable.map((u) => [u.id.toHexString(), u.cardName, u.reward.sku, u.expiresAt.toISOString()]),
    ).toEqual([[unlocked[0]?.id, 'Coffee card', 'ESP', unlocked[0]?.expiresAt]]);
    const memberFilter = { memberId: new Types.ObjectId(member.id) };
    expect(await events('stamps.added', memberFilter)).toBe(3);
    expect(await events('stamp_reward.unlocked', memberFilter)).toBe(1);
  });

  it('concurrent purchases never lose a stamp', async () => {
    const card = await stampProgram({ threshold: 5 });
    const member = await createMember(world);
    await Promise.all(Array.from({ length: 12 }, () => buyCoffees(member.id, card.category, 1)));
    const cardDoc = await mongoose.connection
      .collection('member_stamp_cards')
      .findOne({ memberId: new Types.ObjectId(member.id), definitionId: new Types.ObjectId(card.id) });
    expect(cardDoc).toMatchObject({ stamps: 2, completedCards: 2, debt: 0 });
    expect((await stampRewards(member.id)).filter((r) => r.status === 'unlocked')).toHaveLength(2);
    expect(
      await mongoose.connection
        .collection('stamp_awards')
        .countDocuments({ memberId: new Types.ObjectId(member.id) }),
    ).toBe(12);
  });

  it('the sweep expires an unused reward at its expiresAt on the injected clock, once', async () => {
    const card = await stampProgram({ threshold: 2, rewardValidityDays: 7 });
    const member = await createMember(world);
    const bought = await buyCoffees(member.id, card.category, 2);
    const reward = bought.stamps?.[0]?.rewardsUnlocked[0];
    if (!reward) throw new Error('no reward unlocked');
    const expiresAt = Date.parse(reward.expiresAt);
    const start = clock.now().getTime();
    try {
      clock.set(expiresAt - 1);
      await stamps().expireDue();
      expect((await stampRewards(member.id))[0]?.status).toBe('unlocked');
      clock.set(expiresAt);
      expect((await walletCard(member.id, card.id))?.rewards).toEqual([]);
      await stamps().expireDue({ batchSize: 1 });
      await stamps().expireDue();
      expect((await stampRewards(member.id))[0]).toMatchObject({ status: 'expired' });
      expect(await events('stamp_reward.expired', { 'subject.stampRewardId': reward.id })).toBe(1);
      expect(allJobs().map((job) => job.name)).toContain('stamps.expire-rewards');
    } finally {
      clock.set(start);
    }
  });
});

describe('the stamp reward expiry sweep', () => {
  it('resumes after a crash mid-batch and expires nothing twice', async () => {
    const card = await stampProgram({ threshold: 1, rewardValidityDays: 3 });
    const member = await createMember(world);
    const bought = await buyCoffees(member.id, card.category, 3);
    const ids = bought.stamps?.[0]?.rewardsUnlocked.map((r) => r.id) ?? [];
    expect(ids).toHaveLength(3);
    const start = clock.now().getTime();
    try {
      clock.set(start + 3 * DAY);
      let seen = 0;
      await expect(
        stamps().expireDue({
          batchSize: 1,
          afterReward: () => {
            seen += 1;
            if (seen === 2) throw new Error('worker crashed');
          },
        }),
      ).rejects.toThrow('worker crashed');
      await stamps().expireDue({ batchSize: 2 });
      await stamps().expireDue();
      expect((await stampRewards(member.id)).map((r) => r.status)).toEqual(['expired', 'expired', 'expired']);
      for (const id of ids)
        expect(await events('stamp_reward.expired', { 'subject.stampRewardId': id })).toBe(1);
    } finally {
      clock.set(start);
    }
  });
});

describe('stamps on refunds', () => {
  it('a partial refund takes stamps off the card; the rest breaks the full card and locks its unused reward', async () => {
    const card = await stampProgram({ threshold: 4 });
    const member = await createMember(world);
    await buyCoffees(member.id, card.category, 3);
    const second = await buyCoffees(member.id, card.category, 2);
    expect(second.stamps?.[0]).toMatchObject({ balance: 1 });
    const rewardId = second.stamps?.[0]?.rewardsUnlocked[0]?.id;
    // Half of 2 stamps: floor(2 × 250 / 500) = 1, from the current card.
    const half = await refund(second.id, PRICE);
    expect(half.stamps).toEqual([{ definitionId: card.id, stamps: 1, rewardsLocked: [], debtAdded: 0 }]);
    expect(await walletCard(member.id, card.id)).toMatchObject({ stamps: 0, rewards: [{ id: rewardId }] });
    const rest = await refund(second.id, PRICE);
    expect(rest.stamps).toEqual([
      { definitionId: card.id, stamps: 1, rewardsLocked: [rewardId], debtAdded: 0 },
    ]);
    expect(await walletCard(member.id, card.id)).toMatchObject({ stamps: 3, rewards: [] });
    expect((await stampRewards(member.id))[0]).toMatchObject({ status: 'locked' });
    expect(await events('stamp_reward.locked', { memberId: new Types.ObjectId(member.id) })).toBe(1);
    // The next stamp fills the card again: a new reward.
    const again = await buyCoffees(member.id, card.category, 1);
    expect(again.stamps?.[0]?.rewardsUnlocked).toHaveLength(1);
  });

  it('a refund after the reward was used records stamp debt, paid first by the next stamps', async () => {
    const card = await stampProgram({ threshold: 2 });
    const member = await createMember(world);
    const memberId = new Types.ObjectId(member.id);
    const bought = await buyCoffees(member.id, card.category, 2);
    const id = new Types.ObjectId(bought.stamps?.[0]?.rewardsUnlocked[0]?.id);
    await runInTransaction(async (session) => {
      await stamps().holdInSession(session, { id, memberId, checkoutId: 'till-1', now: clock.now() });
      await stamps().commitInSession(session, {
        id,
        checkoutId: 'till-1',
        purchaseId: new Types.ObjectId(),
        now: clock.now(),
      });
    });
    const refunded = await refund(bought.id, 2 * PRICE);
    expect(refunded.stamps).toEqual([{ definitionId: card.id, stamps: 2, rewardsLocked: [], debtAdded: 2 }]);
    const next = await buyCoffees(member.id, card.category, 3);
    expect(next.stamps?.[0]).toMatchObject({ stamps: 3, debtPaid: 2, balance: 1, rewardsUnlocked: [] });
    expect(await walletCard(member.id, card.id)).toMatchObject({ stamps: 1, rewards: [] });
  });
});

describe('the "Buy 10 coffees, get the 11th free" template at the till', () => {
  it('from publishing to the free coffee: ten coffees unlock it, a checkout applies it and completes once', async () => {
    const card = await createCard({ name: 'Espresso card' });
    const category = `tpl-${randomUUID().slice(0, 8)}`;
    const draft = await world.app.request
      .post('/api/v1/rule-templates/stamp-card/instantiate')
      .set(world.marketer.auth)
      .send({ params: { cardId: card.id, categories: [category] } })
      .expect(201);
    await world.app.request
      .post(`/api/v1/rules/${draft.body.id}/publish`)
      .set(world.marketer.auth)
      .expect(200);
    const member = await createMember(world);
    await buyCoffees(member.id, category, 9);
    const coffee = { sku: 'ESP', name: 'Espresso', category, quantity: 1, unitPriceMinor: PRICE };
    const checkout = (items: unknown[]) =>
      world.app.request
        .post('/api/v1/checkouts')
        .set(world.cashier.auth)
        .send({ storeId: world.storeId, currency: 'EUR', items, member: { memberId: member.id } })
        .expect(201);
    const complete = (id: string) =>
      world.app.request
        .post(`/api/v1/checkouts/${id}/complete`)
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({})
        .expect(200);
    // The tenth coffee, sold through a checkout, fills the card.
    const tenth = await checkout([coffee]);
    const receipt = await complete(tenth.body.id as string);
    expect(receipt.body.stamps).toEqual([
      expect.objectContaining({ definitionId: card.id, stamps: 1, balance: 0, threshold: 10 }),
    ]);
    expect(receipt.body.stamps[0].rewardsUnlocked).toHaveLength(1);
    // The member's wallet (what the card and the desk read) shows the unlocked reward.
    const wallet = await world.app.request
      .get(`/api/v1/members/${member.id}/wallet`)
      .set(world.cashier.auth)
      .expect(200);
    expect(wallet.body.stampCards).toContainEqual(
      expect.objectContaining({ definitionId: card.id, threshold: 10, stamps: 0 }),
    );
    const [unlocked] = (await walletCard(member.id, card.id))?.rewards ?? [];
    if (!unlocked) throw new Error('the tenth coffee unlocked nothing');

    const eleventh = await checkout([coffee]);
    expect(eleventh.body.offers).toContainEqual(
      expect.objectContaining({
        type: 'stampReward',
        stampRewardId: unlocked.id,
        isApplicable: true,
        sku: 'ESP',
      }),
    );
    const applied = await world.app.request
      .post(`/api/v1/checkouts/${eleventh.body.id}/applied`)
      .set(world.cashier.auth)
      .send({ type: 'stampReward', stampRewardId: unlocked.id })
      .expect(201);
    expect(applied.body.totals.toPayMinor).toBe(0);
    // Held by this checkout: another till cannot apply it.
    const other = await checkout([coffee]);
    const refused = await world.app.request
      .post(`/api/v1/checkouts/${other.body.id}/applied`)
      .set(world.cashier.auth)
      .send({ type: 'stampReward', stampRewardId: unlocked.id })
      .expect(409);
    expect(refused.body.error.code).toBe('STAMP_REWARD_NOT_AVAILABLE');
    await complete(eleventh.body.id as string);
    const [reward] = await stampRewards(member.id);
    expect(reward).toMatchObject({ status: 'used', checkoutId: String(eleventh.body.id) });
    // The free coffee earns no stamp, and the wallet has nothing left to use.
    expect(await walletCard(member.id, card.id)).toMatchObject({ stamps: 0, rewards: [] });
  });
});

describe('holding a stamp reward in a checkout', () => {
  it('holds, releases and commits with conditional updates; of two concurrent holds exactly one wins', async () => {
    const card = await stampProgram({ threshold: 1 });
    const member = await createMember(world);
    const other = await createMember(world);
    const memberId = new Types.ObjectId(member.id);
    const bought = await buyCoffees(member.id, card.category, 1);
    const id = new Types.ObjectId(bought.stamps?.[0]?.rewardsUnlocked[0]?.id);
    const now = clock.now();
    const hold = (checkoutId: string, who = memberId) =>
      runInTransaction((session) => stamps().holdInSession(session, { id, memberId: who, checkoutId, now }));

    const results = await Promise.allSettled([hold('a'), hold('b')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { code?: string }).code)).toEqual(['STAMP_REWARD_NOT_AVAILABLE']);
    const winner = (await stampRewards(member.id))[0]?.checkoutId as string;
    expect(['a', 'b']).toContain(winner);
    expect((await walletCard(member.id, card.id))?.rewards).toEqual([]);

    await expect(hold('c', new Types.ObjectId(other.id))).rejects.toMatchObject({
      code: 'STAMP_REWARD_NOT_FOUND',
    });
    await runInTransaction((session) => stamps().releaseInSession(session, { id, checkoutId: winner }));
    await runInTransaction((session) => stamps().releaseInSession(session, { id, checkoutId: winner }));
    expect((await stampRewards(member.id))[0]).toMatchObject({ status: 'unlocked', checkoutId: null });
    expect(await events('stamp_reward.released', { 'subject.stampRewardId': id.toHexString() })).toBe(1);

    await hold('d');
    await expect(
      runInTransaction((session) =>
        stamps().commitInSession(session, { id, checkoutId: 'e', purchaseId: new Types.ObjectId(), now }),
      ),
    ).rejects.toMatchObject({ code: 'STAMP_REWARD_NOT_AVAILABLE' });
    const purchaseId = new Types.ObjectId();
    await runInTransaction((session) =>
      stamps().commitInSession(session, { id, checkoutId: 'd', purchaseId, now }),
    );
    // Committing again (a retried completion) changes nothing.
    await runInTransaction((session) =>
      stamps().commitInSession(session, { id, checkoutId: 'd', purchaseId, now }),
    );
    const used = (await stampRewards(member.id))[0];
    expect(used).toMatchObject({ status: 'used', checkoutId: 'd' });
    expect((used?.usedPurchaseId as Types.ObjectId | undefined)?.equals(purchaseId)).toBe(true);
    await expect(hold('f')).rejects.toMatchObject({ code: 'STAMP_REWARD_NOT_AVAILABLE' });
    expect(await events('stamp_reward.used', { 'subject.stampRewardId': id.toHexString() })).toBe(1);
  });
});
