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
    // open: the member, one bulkWrite (checkout + event), commit, the stamp rewards, the wallet's coupons
    // and its gift certificates for the offers (read side by side).
    expect(counted.open, counted.open.join(', ')).toHaveLength(6);
    // apply: the checkout, the reward, the member, the due lots (settle), the guarded debit (answers the
    // balance), the lots, one bulkWrite (lot debit, entry, redemption, checkout), commit, stamp rewards,
    // coupons and gift certificates for the offers.
    expect(counted.apply, counted.apply.join(', ')).toHaveLength(11);
    // complete: the idempotency key, the checkout, the held redemption, the member, one bulkWrite
    // (redemption event and link, lot, entry, purchase, events, checkout), commit.
    expect(counted.complete, counted.complete.join(', ')).toHaveLength(6);
    // 23 commands a sale, against 29 before the hold and the completion batched their writes (and
    // before the offers listed the wallet's coupons and gift certificates).
    expect(counted.open.length + counted.apply.length + counted.complete.length).toBe(23);
  });
});
