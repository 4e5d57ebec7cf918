import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { allJobs, ManualClock } from '@regulars/backend';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  type LedgerWorld,
} from './ledger-helpers.js';

const DAY = 24 * 3600_000;
const clock = new ManualClock(Date.now());
let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 14, expiryMonths: 12 } });
});
afterAll(() => world.close());

const ledger = () => world.app.runtime.services.ledger;
const lotsOf = (memberId: string) =>
  mongoose.connection
    .collection('point_lots')
    .find({ memberId: new mongoose.Types.ObjectId(memberId) })
    .toArray();
const expiryEntries = (memberIds: string[]) =>
  mongoose.connection.collection('ledger_entries').countDocuments({
    type: 'expire',
    memberId: { $in: memberIds.map((id) => new mongoose.Types.ObjectId(id)) },
  });

describe('pending points (activation job)', () => {
  it('keeps points pending until the last millisecond of the return window, then makes them spendable', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 4200);
    expect(purchase).toMatchObject({ status: 'pending', balance: { available: 0, pending: 42 } });
    const availableAt = Date.parse(purchase.availableAt);
    expect(availableAt).toBe(clock.now().getTime() + 14 * DAY);

    clock.set(availableAt - 1);
    expect(await ledger().activateDue()).toEqual({ activated: 0 });
    const [pendingLot] = await lotsOf(member.id);
    expect(pendingLot?.status).toBe('pending');

    clock.set(availableAt);
    expect((await ledger().activateDue()).activated).toBeGreaterThanOrEqual(1);
    expect((await ledger().activateDue()).activated).toBe(0);
    const detail = await memberDetail(world, member.id);
    expect(detail.balance).toMatchObject({ available: 42, pending: 0 });
    await expectLedgerClean(world);
  });

  it('refuses to spend pending points', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 1000);
    const response = await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, points: 5 })
      .expect(409);
    expect(response.body.error).toMatchObject({
      code: 'INSUFFICIENT_POINTS',
      details: { available: 0, pending: 10 },
    });
  });
});

describe('a spend on a due date the jobs have not reached yet', () => {
  const spend = (memberId: string, points: number) =>
    world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId, points });

  it('activates the points that became spendable a moment ago and spends them, without the job', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 4200);
    clock.set(Date.parse(purchase.availableAt));
    const spent = await spend(member.id, 40).expect(201);
    expect(spent.body).toMatchObject({ pointsSpent: 40 });
    const lots = await lotsOf(member.id);
    expect(lots.map((l) => [l.status, l.remaining])).toEqual([['active', 2]]);
    expect((await memberDetail(world, member.id)).balance).toMatchObject({ available: 2, pending: 0 });
    await expectLedgerClean(world);
  });

  it('expires the points whose date passed before spending, and refuses what they no longer cover', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 3000);
    clock.advance(15 * DAY);
    const [lot] = await lotsOf(member.id);
    const expiresAt = (lot?.expiresAt as Date).getTime();
    clock.set(expiresAt - DAY);
    await buy(world, member.id, 1000); // 10 more points, pending for 14 days
    clock.set(expiresAt);
    const refused = await spend(member.id, 5).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    // The refusal rolled its transaction back: the expiry is the job's (or the next spend's) to record.
    expect(await expiryEntries([member.id])).toBe(0);
    clock.advance(14 * DAY);
    await spend(member.id, 10).expect(201);
    expect(await expiryEntries([member.id])).toBe(1);
    expect((await memberDetail(world, member.id)).balance).toMatchObject({ available: 0, pending: 0 });
    await expectLedgerClean(world);
  });
});

describe('expiry (expiry job)', () => {
  it('expires a lot exactly at expiresAt, once, and lists it 30 days ahead as expiring soon', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 3000);
    clock.advance(15 * DAY);
    await ledger().activateDue();
    const [lot] = await lotsOf(member.id);
    const expiresAt = (lot?.expiresAt as Date).getTime();

    clock.set(expiresAt - 10 * DAY);
    expect((await memberDetail(world, member.id)).balance.expiringSoon).toEqual([
      { points: 30, expiresAt: new Date(expiresAt).toISOString() },
    ]);
    clock.set(expiresAt - 1);
    await ledger().expireDue();
    expect(await expiryEntries([member.id])).toBe(0);
    clock.set(expiresAt);
    await ledger().expireDue();
    await ledger().expireDue();
    expect(await expiryEntries([member.id])).toBe(1);
    const detail = await memberDetail(world, member.id);
    expect(detail.balance).toEqual({ available: 0, pending: 0, pendingLots: [], expiringSoon: [] });
    const entries = await world.app.request
      .get(`/api/v1/members/${member.id}/ledger`)
      .set(world.cashier.auth);
    expect(entries.body.items[0]).toMatchObject({ type: 'expire', points: -30, source: { type: 'lot' } });
    await expectLedgerClean(world);
  });

  it('resumes after a crash mid-batch and expires nothing twice', async () => {
    const members = [];
    for (let i = 0; i < 7; i += 1) {
      const member = await createMember(world);
      await buy(world, member.id, 1000 + i * 100);
      members.push(member.id);
    }
    clock.advance(400 * DAY);
    let processed = 0;
    await expect(
      ledger().expireDue({
        batchSize: 3,
        afterLot: () => {
          processed += 1;
          if (processed === 4) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const afterCrash = await expiryEntries(members);
    expect(afterCrash).toBeGreaterThan(0);
    expect(afterCrash).toBeLessThan(7);
    await ledger().expireDue({ batchSize: 3 });
    await ledger().expireDue({ batchSize: 3 });
    expect(await expiryEntries(members)).toBe(7);
    for (const id of members) expect((await memberDetail(world, id)).balance.available).toBe(0);
    await expectLedgerClean(world);
  });

  it('runs as BullMQ jobs on the worker', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 2000);
    clock.advance(400 * DAY);
    const jobs = allJobs();
    expect(jobs.map((j) => j.name)).toEqual(
      expect.arrayContaining(['ledger.activate-points', 'ledger.expire-points']),
    );
    await world.app.runtime.startWorkers();
    const expire = jobs.find((j) => j.name === 'ledger.expire-points');
    if (!expire) throw new Error('no expiry job');
    await world.app.runtime.platform.queues.enqueue(expire, {});
    for (let i = 0; i < 100 && (await expiryEntries([member.id])) === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await expiryEntries([member.id])).toBe(1);
  });
});

describe('cancelling after expiry', () => {
  it('leaves points whose lot expired meanwhile expired', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 5000);
    clock.advance(15 * DAY);
    const redemption = await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, points: 20 })
      .expect(201);
    clock.advance(400 * DAY);
    await ledger().expireDue();
    const cancelled = await world.app.request
      .post(`/api/v1/redemptions/${redemption.body.id as string}/cancel`)
      .set(world.cashier.auth)
      .expect(200);
    expect(cancelled.body).toMatchObject({ pointsReturned: 0, pointsExpired: 20, balance: { available: 0 } });
    await expectLedgerClean(world);
  });
});

describe('POST /api/v1/members/:id/adjustments', () => {
  it('lets a manager add points with a reason, audit-logged and in the ledger', async () => {
    const member = await createMember(world);
    const response = await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points: 50, reason: 'Goodwill: coffee spilled' })
      .expect(201);
    expect(response.body).toMatchObject({ points: 50, balance: { available: 50, pending: 0 } });
    const entries = await world.app.request
      .get(`/api/v1/members/${member.id}/ledger`)
      .set(world.cashier.auth);
    expect(entries.body.items[0]).toMatchObject({
      type: 'adjust',
      points: 50,
      reason: 'Goodwill: coffee spilled',
      actor: { kind: 'staff', id: world.manager.id },
    });
    const audit = await world.app.request
      .get('/api/v1/audit')
      .query({ entityId: member.id })
      .set(world.manager.auth);
    expect(audit.body.items[0]).toMatchObject({
      action: 'points.adjust',
      reason: 'Goodwill: coffee spilled',
    });
  });

  it('refuses cashiers, a missing key, and a debit beyond the balance', async () => {
    const member = await createMember(world);
    await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points: 5, reason: 'nope' })
      .expect(403);
    const noKey = await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .send({ points: 5, reason: 'no key' })
      .expect(400);
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const tooMuch = await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points: -5, reason: 'take back' })
      .expect(409);
    expect(tooMuch.body.error.code).toBe('INSUFFICIENT_POINTS');
  });
});

describe('GET /api/v1/members/:id/ledger', () => {
  it('pages newest first', async () => {
    const member = await createMember(world);
    for (let i = 1; i <= 5; i += 1) {
      await world.app.request
        .post(`/api/v1/members/${member.id}/adjustments`)
        .set(world.manager.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ points: i, reason: `adjustment ${i}` })
        .expect(201);
    }
    const first = await world.app.request
      .get(`/api/v1/members/${member.id}/ledger`)
      .query({ limit: 2 })
      .set(world.cashier.auth);
    const rest = await world.app.request
      .get(`/api/v1/members/${member.id}/ledger`)
      .query({ limit: 10, cursor: first.body.nextCursor })
      .set(world.cashier.auth);
    expect([...first.body.items, ...rest.body.items].map((e: { points: number }) => e.points)).toEqual([
      5, 4, 3, 2, 1,
    ]);
    expect(rest.body.nextCursor).toBeNull();
    await expectLedgerClean(world);
  });
});

describe('GET /api/v1/admin/ledger/verify', () => {
  it('is for admins only', async () => {
    await world.app.request.get('/api/v1/admin/ledger/verify').set(world.manager.auth).expect(403);
    const result = await expectLedgerClean(world);
    expect(result.checked).toBeGreaterThan(10);
  });

  it('reports a cached balance that drifted from its entries', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 1000); // 10 points, pending for 14 days: 0 available
    const id = new mongoose.Types.ObjectId(member.id);
    await mongoose.connection
      .collection('members')
      .updateOne({ _id: id }, { $inc: { 'points.available': 5 } });
    try {
      const response = await world.app.request
        .get('/api/v1/admin/ledger/verify')
        .set(world.admin.auth)
        .expect(200);
      expect(response.body.ok).toBe(false);
      expect(response.body.mismatches).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            check: 'member_available',
            memberId: member.id,
            expected: 0,
            actual: 5,
          }),
        ]),
      );
    } finally {
      await mongoose.connection
        .collection('members')
        .updateOne({ _id: id }, { $inc: { 'points.available': -5 } });
    }
  });
});
