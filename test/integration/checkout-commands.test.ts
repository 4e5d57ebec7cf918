import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@regulars/backend';
import { createLedgerWorld, createMember, type LedgerWorld } from './ledger-helpers.js';
import { createApiKey } from '../support/callers.js';

// What a sale at the till costs the database, in commands: the round trips are what limits the checkout
// on a small machine (docs/benchmarks.md, "Where the time goes"), so each call keeps to a budget, and a
// change that adds a round trip to the hot path shows here, not as a slower benchmark weeks later.
let world: LedgerWorld;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  // The driver reports commands only on a client connected with monitoring on.
  const connect = mongoose.connect.bind(mongoose);
  mongoose.connect = ((uri: string, options?: mongoose.ConnectOptions) =>
    connect(uri, { ...options, monitorCommands: true })) as typeof mongoose.connect;
  try {
    world = await createLedgerWorld({ clock });
  } finally {
    mongoose.connect = connect as typeof mongoose.connect;
  }
});
afterAll(() => world.close());

/** The commands the app sends to MongoDB while `run` runs (driver monitoring, heartbeats excluded). */
async function commandsOf(run: () => Promise<unknown>): Promise<string[]> {
  const client = mongoose.connection.getClient();
  const seen: string[] = [];
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    const target = event.command[event.commandName];
    seen.push(typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName);
  };
  client.on('commandStarted', listener);
  try {
    await run();
  } finally {
    client.off('commandStarted', listener);
  }
  return seen.filter(
    (name) => !['hello', 'isMaster', 'ping', 'endSessions'].includes(name.split(' ')[0] ?? ''),
  );
}

describe('the round trips of a sale', () => {
  it('open, apply a reward and complete stay within their command budgets (API key, warm caches)', async () => {
    const { auth } = await createApiKey(world.app, ['checkouts:write', 'members:read'], world.storeId);
    const member = await createMember(world);
    await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points: 1000, reason: 'Test points' })
      .expect(201);
    const reward = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({ name: 'Free espresso', pointsCost: 100, kind: 'free_product', sku: 'ESPRESSO' })
      .expect(201);
    const items = [
      { sku: 'ESPRESSO', name: 'Espresso', category: 'coffee', quantity: 2, unitPriceMinor: 240 },
      { sku: 'CROISSANT', name: 'Croissant', quantity: 1, unitPriceMinor: 320 },
    ];
    const sale = async () => {
      let id = '';
      const open = await commandsOf(async () => {
        const opened = await world.app.request
          .post('/api/v1/checkouts')
          .set(auth)
          .send({ storeId: world.storeId, currency: 'EUR', member: { memberId: member.id }, items })
          .expect(201);
        id = opened.body.id;
      });
      const apply = await commandsOf(() =>
        world.app.request
          .post(`/api/v1/checkouts/${id}/applied`)
          .set(auth)
          .send({ type: 'reward', rewardId: reward.body.id })
          .expect(201),
      );
      const complete = await commandsOf(() =>
        world.app.request
          .post(`/api/v1/checkouts/${id}/complete`)
          .set(auth)
          .set('Idempotency-Key', randomUUID())
          .send({})
          .expect(200),
      );
      return { open, apply, complete };
    };
    await sale(); // warms the caches (API key, program, rules, rewards)
    // A cache refresh (program, rules, active rewards: a few seconds each) can fall into any one sale:
    // each call's fewest commands over three sales is its cost.
    const sales = [await sale(), await sale(), await sale()];
    const fewest = (pick: (s: (typeof sales)[number]) => string[]) =>
      sales.map(pick).reduce((a, b) => (b.length < a.length ? b : a));
    const counted = {
      open: fewest((s) => s.open),
      apply: fewest((s) => s.apply),
      complete: fewest((s) => s.complete),
    };
    // open: the member, one bulkWrite (checkout + event), commit. The member's wallet never held a coupon
    // or a stamp reward, so neither is read for the offers.
    expect(counted.open, counted.open.join(', ')).toHaveLength(3);
    // apply: the checkout, the reward, the member, the lots (spendable and due in one read), the guarded
    // debit (answers the balance), one bulkWrite (lot debit, entry, redemption, checkout), commit.
    expect(counted.apply, counted.apply.join(', ')).toHaveLength(7);
    // complete: the idempotency key, the checkout, the held redemption, the member, one bulkWrite
    // (redemption event and link, lot, entry, purchase, events, checkout), commit.
    expect(counted.complete, counted.complete.join(', ')).toHaveLength(6);
    // 16 commands a sale, against 29 before the hold and the completion batched their writes, 21 before
    // the wallet marks and the one read of the lots.
    expect(counted.open.length + counted.apply.length + counted.complete.length).toBe(16);
  });

  it('reads the wallet for the offers once it holds a coupon, and always for a member from before the marks', async () => {
    const { auth } = await createApiKey(world.app, ['checkouts:write', 'members:read'], world.storeId);
    const template = await world.app.request
      .post('/api/v1/coupon-templates')
      .set(world.marketer.auth)
      .send({
        name: 'Welcome 5 €',
        discount: { kind: 'fixed', amountMinor: 500 },
        validity: { type: 'relative', daysFromIssue: 30 },
        kind: 'assigned',
      })
      .expect(201);
    const items = [{ sku: 'CROISSANT', name: 'Croissant', quantity: 4, unitPriceMinor: 320 }];
    const open = async (memberId: string) => {
      let offers: Array<{ type: string; label: string }> = [];
      const commands = await commandsOf(async () => {
        const opened = await world.app.request
          .post('/api/v1/checkouts')
          .set(auth)
          .send({ storeId: world.storeId, currency: 'EUR', member: { memberId }, items })
          .expect(201);
        offers = opened.body.offers;
      });
      return { commands, coupons: offers.filter((o) => o.type === 'coupon').map((o) => o.label) };
    };
    const member = await createMember(world);
    const before = await open(member.id);
    expect(before.commands.filter((c) => c === 'find coupons')).toHaveLength(0);
    await world.app.request
      .post(`/api/v1/members/${member.id}/coupons`)
      .set(world.marketer.auth)
      .send({ templateId: template.body.id })
      .expect(201);
    const marked = await mongoose.connection
      .collection('members')
      .findOne({ _id: new mongoose.Types.ObjectId(member.id) });
    expect(marked?.walletKinds).toEqual(['coupons']);
    const after = await open(member.id);
    expect(after.commands.filter((c) => c === 'find coupons')).toHaveLength(1);
    expect(after.coupons).toEqual(['Welcome 5 €']);
    // A member written before the marks existed has none: both the coupons and the stamp rewards are read.
    await mongoose.connection
      .collection('members')
      .updateOne({ _id: new mongoose.Types.ObjectId(member.id) }, { $unset: { walletKinds: '' } });
    const legacy = await open(member.id);
    expect(legacy.coupons).toEqual(['Welcome 5 €']);
    expect(legacy.commands.filter((c) => c === 'find coupons' || c === 'find stamp_rewards')).toHaveLength(2);
    // Another coupon for them does not give the legacy member marks that would hide the stamp rewards.
    await world.app.request
      .post(`/api/v1/members/${member.id}/coupons`)
      .set(world.marketer.auth)
      .send({ templateId: template.body.id })
      .expect(201);
    const still = await mongoose.connection
      .collection('members')
      .findOne({ _id: new mongoose.Types.ObjectId(member.id) });
    expect(still?.walletKinds).toBeUndefined();
  });
});
