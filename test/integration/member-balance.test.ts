import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@regulars/backend';
import { buy, createLedgerWorld, createMember, type LedgerWorld } from './ledger-helpers.js';

const clock = new ManualClock('2026-03-02T10:00:00Z');
let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 14 } });
});
afterAll(() => world.close());

describe('GET /api/v1/members/:id balance', () => {
  it('lists pending points with the moment each batch becomes available, soonest first', async () => {
    const member = await createMember(world);
    const first = await buy(world, member.id, 1250);
    clock.advance(86_400_000);
    const second = await buy(world, member.id, 700);
    const detail = await world.app.request
      .get(`/api/v1/members/${member.id}`)
      .set(world.cashier.auth)
      .expect(200);
    expect(detail.body.balance).toMatchObject({ available: 0, pending: 19 });
    expect(detail.body.balance.pendingLots).toEqual([
      { points: 12, availableAt: first.availableAt },
      { points: 7, availableAt: second.availableAt },
    ]);
    expect(first.availableAt).toBe('2026-03-16T10:00:00.000Z');

    // Once the first batch's day comes, it leaves the pending list and becomes available.
    clock.set(first.availableAt);
    const later = await world.app.request
      .get(`/api/v1/members/${member.id}`)
      .set(world.cashier.auth)
      .expect(200);
    expect(later.body.balance).toMatchObject({ available: 12, pending: 7 });
    expect(later.body.balance.pendingLots).toEqual([{ points: 7, availableAt: second.availableAt }]);
  });
});
