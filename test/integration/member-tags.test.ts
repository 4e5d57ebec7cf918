// Rule effects that really happen (issue #13, tags): addMemberTag / removeMemberTag change the member's
// tags in the purchase's transaction, emit member.tags_changed, and the tags audience reads them.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buy, createLedgerWorld, createMember, publishRule, type LedgerWorld } from './ledger-helpers.js';

let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld({ baseRule: false });
  await publishRule(world.app, world.marketer, {
    name: 'Coffee lovers',
    conditions: { items: { categories: ['coffee'] } },
    effects: [
      { type: 'addMemberTag', tag: 'coffee-lover' },
      { type: 'removeMemberTag', tag: 'lapsed' },
    ],
  });
  await publishRule(world.app, world.marketer, {
    name: 'Sweet tooth',
    conditions: { items: { categories: ['bakery'] } },
    effects: [{ type: 'addMemberTag', tag: 'sweet-tooth' }],
  });
  await publishRule(world.app, world.marketer, {
    name: 'Coffee lovers earn 50 on any purchase',
    audience: { tags: ['coffee-lover'] },
    effects: [{ type: 'awardFixedPoints', points: 50 }],
  });
});
afterAll(() => world.close());

const tagsOf = async (memberId: string) =>
  (await world.app.request.get(`/api/v1/members/${memberId}`).set(world.cashier.auth).expect(200)).body
    .tags as string[];

const coffee = { items: [{ sku: 'latte', category: 'coffee', quantity: 1, unitPriceMinor: 350 }] };
const cake = { items: [{ sku: 'cake', category: 'bakery', quantity: 1, unitPriceMinor: 350 }] };

describe('member tag effects on POST /api/v1/purchases', () => {
  it('adds and removes tags in the purchase, and the tags audience applies from the next purchase', async () => {
    const member = await createMember(world);
    await mongoose.connection
      .collection('members')
      .updateOne({ _id: new mongoose.Types.ObjectId(member.id) }, { $set: { tags: ['lapsed', 'staff'] } });

    const first = await buy(world, member.id, 350, coffee);
    // The audience was evaluated on the tags the member had when the purchase began.
    expect(first.pointsEarned).toBe(0);
    expect(await tagsOf(member.id)).toEqual(['staff', 'coffee-lover']);

    const events = await mongoose.connection
      .collection('events')
      .find({ type: 'member.tags_changed', memberId: new mongoose.Types.ObjectId(member.id) })
      .toArray();
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({
      purchaseId: first.id,
      added: ['coffee-lover'],
      removed: ['lapsed'],
      tags: ['staff', 'coffee-lover'],
    });

    const second = await buy(world, member.id, 350, cake);
    expect(second.pointsEarned).toBe(50);
    expect(second.breakdown.map((b) => b.ruleName)).toEqual(['Coffee lovers earn 50 on any purchase']);
  });

  it('writes no event when the tags end as they were, and nothing on a dry run', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 350, coffee);
    await buy(world, member.id, 350, coffee);
    const count = await mongoose.connection
      .collection('events')
      .countDocuments({ type: 'member.tags_changed', memberId: new mongoose.Types.ObjectId(member.id) });
    expect(count).toBe(1);

    const other = await createMember(world);
    const dry = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({
        memberId: other.id,
        storeId: world.storeId,
        currency: 'EUR',
        totalMinor: 350,
        dryRun: true,
        ...coffee,
      });
    expect(dry.status).toBe(200);
    expect(await tagsOf(other.id)).toEqual([]);
  });

  it('keeps both tags when two purchases of one member add different tags at once', async () => {
    for (let round = 0; round < 3; round++) {
      const member = await createMember(world);
      await Promise.all([buy(world, member.id, 350, coffee), buy(world, member.id, 350, cake)]);
      expect((await tagsOf(member.id)).sort()).toEqual(['coffee-lover', 'sweet-tooth']);
    }
  });
});
