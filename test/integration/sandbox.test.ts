import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { ManualClock, type Clock } from '@regulars/backend';
import {
  buy,
  cardCode,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  type LedgerWorld,
} from './ledger-helpers.js';
import { signUpMember } from '../support/callers.js';

const DAY = 24 * 3600_000;

async function clockOf(world: LedgerWorld) {
  const response = await world.app.request.get('/api/v1/sandbox/clock').expect(200);
  return response.body as { enabled: boolean; now: string; offsetSeconds: number };
}

function advance(world: LedgerWorld, body: Record<string, unknown>) {
  return world.app.request.post('/api/v1/sandbox/clock/advance').set(world.admin.auth).send(body);
}

describe('without SANDBOX_CLOCK', () => {
  let world: LedgerWorld;
  beforeAll(async () => {
    world = await createLedgerWorld({ baseRule: false });
  });
  afterAll(() => world.close());

  it('reports the system clock and refuses to move it with 409 SANDBOX_DISABLED', async () => {
    const before = Date.now();
    const clock = await clockOf(world);
    expect(clock).toMatchObject({ enabled: false, offsetSeconds: 0 });
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(before);
    const refused = await advance(world, { by: 'P1D' }).expect(409);
    expect(refused.body.error.code).toBe('SANDBOX_DISABLED');
    expect((await clockOf(world)).offsetSeconds).toBe(0);
  });
});

describe('POST /api/v1/sandbox/clock/advance', () => {
  let world: LedgerWorld;
  beforeAll(async () => {
    world = await createLedgerWorld({
      env: { SANDBOX_CLOCK: 'true' },
      program: { pendingDays: 14, expiryMonths: 12 },
    });
  });
  afterAll(() => world.close());

  it('refuses bad input with precise codes and moves nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ by: 'P0D' }, 409, 'CLOCK_BACKWARDS'],
      [{ by: 'PT0S' }, 409, 'CLOCK_BACKWARDS'],
      [{ to: '2020-01-01T00:00:00Z' }, 409, 'CLOCK_BACKWARDS'],
      [{ by: '-P1D' }, 400, 'VALIDATION_FAILED'],
      [{ by: 'P1.5D' }, 400, 'VALIDATION_FAILED'],
      [{ by: 'one day' }, 400, 'VALIDATION_FAILED'],
      [{ by: 'P5Y1D' }, 400, 'VALIDATION_FAILED'],
      [{ to: new Date(Date.now() + 6 * 366 * DAY).toISOString() }, 400, 'VALIDATION_FAILED'],
      [{ by: 'P1D', to: new Date(Date.now() + DAY).toISOString() }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
      [{ to: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const response = await advance(world, body);
      expect({ body, status: response.status, code: response.body.error?.code }).toEqual({
        body,
        status,
        code,
      });
    }
    for (const role of ['manager', 'cashier', 'marketer'] as const) {
      const response = await world.app.request
        .post('/api/v1/sandbox/clock/advance')
        .set(world[role].auth)
        .send({ by: 'P1D' })
        .expect(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    await world.app.request.post('/api/v1/sandbox/clock/advance').send({ by: 'P1D' }).expect(401);
    expect(await clockOf(world)).toMatchObject({ enabled: true, offsetSeconds: 0 });
    expect(
      await mongoose.connection.collection('events').countDocuments({ type: 'sandbox.clock_advanced' }),
    ).toBe(0);
    expect(
      await mongoose.connection.collection('audit_log').countDocuments({ 'entity.type': 'sandbox_clock' }),
    ).toBe(0);
  });

  it('moves every clock reading forward, activates due points, and writes an audit entry', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 2500);
    expect(purchase).toMatchObject({ status: 'pending', balance: { available: 0, pending: 25 } });

    const response = await advance(world, { by: 'P15D' }).expect(200);
    expect(response.body).toMatchObject({
      status: 'done',
      offsetSeconds: 15 * 86_400,
      ran: { 'ledger.activate-points': { activated: 1 }, 'ledger.expire-points': { expired: 0 } },
      error: null,
    });
    expect(Date.parse(response.body.now) - Date.parse(response.body.from)).toBe(15 * DAY);
    const clock = await clockOf(world);
    expect(clock.offsetSeconds).toBe(15 * 86_400);
    expect(Date.parse(clock.now) - Date.now()).toBeGreaterThan(15 * DAY - 60_000);
    expect(world.app.runtime.platform.clock.now().getTime() - Date.now()).toBeGreaterThan(15 * DAY - 60_000);
    const lot = await mongoose.connection
      .collection('point_lots')
      .findOne({ memberId: new mongoose.Types.ObjectId(member.id) });
    expect(lot?.status).toBe('active');
    expect((await memberDetail(world, member.id)).balance).toMatchObject({ available: 25, pending: 0 });

    const audit = await world.app.request
      .get('/api/v1/audit')
      .query({ entityType: 'sandbox_clock' })
      .set(world.admin.auth)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      action: 'sandbox.clock_advanced',
      actor: { kind: 'staff', id: world.admin.id },
      reason: 'by P15D',
      before: { offsetSeconds: 0 },
      after: { offsetSeconds: 15 * 86_400 },
    });

    const events = await mongoose.connection
      .collection('events')
      .find({ type: 'sandbox.clock_advanced' })
      .toArray();
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({
      by: 'P15D',
      offsetSeconds: 15 * 86_400,
      from: response.body.from,
      to: response.body.now,
      actor: { kind: 'staff', id: world.admin.id },
    });

    // A new purchase is dated on the sandbox clock and pends from there.
    const later = await buy(world, member.id, 1000);
    expect(Date.parse(later.availableAt)).toBeGreaterThan(Date.now() + 28 * DAY);
    await expectLedgerClean(world);
  });

  it('moves to a date-time, only forward, and replays an Idempotency-Key instead of moving twice', async () => {
    const { now } = await clockOf(world);
    const target = new Date(Date.parse(now) + 2 * DAY).toISOString();
    const key = randomUUID();
    const first = await advance(world, { to: target }).set('Idempotency-Key', key).expect(200);
    expect(first.body.now).toBe(target);
    const replay = await advance(world, { to: target }).set('Idempotency-Key', key).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const again = await advance(world, { to: target }).expect(409);
    expect(again.body.error.code).toBe('CLOCK_BACKWARDS');
    expect(Date.parse((await clockOf(world)).now)).toBeGreaterThanOrEqual(Date.parse(target));
  });

  it('keeps security windows on real time: a card code from the phone still identifies the member', async () => {
    const member = await signUpMember(world.app, { name: 'Real Time' });
    const card = await world.app.request
      .get(`/api/v1/members/${member.memberId}/card`)
      .set(member.auth)
      .expect(200);
    const code = cardCode(card.body.cardNumber as string, card.body.cardSecret as string, Date.now());
    const identified = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code })
      .expect(200);
    expect(identified.body.member.id).toBe(member.memberId);
    // A code computed at the sandbox time (17+ days ahead) is no code at all.
    const future = cardCode(
      card.body.cardNumber as string,
      card.body.cardSecret as string,
      world.app.runtime.platform.clock.now().getTime(),
    );
    const refused = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: future })
      .expect(422);
    expect(refused.body.error.code).toBe('CARD_CODE_EXPIRED');
  });

  it('answers 202 with the advance to follow when the sweeps take longer than the wait', async () => {
    const { SandboxService } = await import('../../backend/src/modules/sandbox/sandbox.service.js');
    const { platform, services } = world.app.runtime;
    let finish: () => void = () => undefined;
    const slow = new SandboxService({
      sandboxClock: platform.sandboxClock ?? null,
      clock: platform.clock,
      audit: services.audit,
      events: services.events,
      logger: platform.logger,
      waitMs: 0,
      runSweeps: async (onPass) => {
        await onPass({ 'ledger.activate-points': { activated: 2 } }, 1);
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return { ran: { 'ledger.activate-points': { activated: 2 } }, passes: 2 };
      },
    });
    const started = await slow.advance({ by: 'PT1H' }, { kind: 'anonymous' });
    expect(started.status).toBe('running');
    const followed = await world.app.request
      .get(`/api/v1/sandbox/clock/advances/${started.id}`)
      .set(world.admin.auth)
      .expect(200);
    expect(followed.body).toMatchObject({ status: 'running', passes: 1 });
    finish();
    await expect.poll(async () => (await slow.get(started.id)).status, { timeout: 10_000 }).toBe('done');
    expect(await slow.get(started.id)).toMatchObject({
      passes: 2,
      ran: { 'ledger.activate-points': { activated: 2 } },
    });
    await world.app.request
      .get(`/api/v1/sandbox/clock/advances/${new mongoose.Types.ObjectId().toHexString()}`)
      .set(world.admin.auth)
      .expect(404);
  });
});

/**
 * The same history on a manual clock (what the ledger's unit tests do: set the clock, run the jobs) and
 * on the sandbox clock through the API: a purchase 40 days ago (active, part spent, expiring in 20
 * days), one 5 days ago and one now (both pending), then 31 days later.
 */
describe('an advance of 31 days', () => {
  type Snapshot = {
    balance: { available: number; pending: number; expiringSoon: { points: number; expiresAt: number }[] };
    entries: { type: string; points: number; at: number; reason: string }[];
    lots: {
      points: number;
      remaining: number;
      status: string;
      availableAt: number;
      expiresAt: number | null;
    }[];
  };

  async function history(options: {
    clock?: Clock;
    moveOn: (world: LedgerWorld) => Promise<void>;
  }): Promise<Snapshot> {
    const world = await createLedgerWorld({
      ...(options.clock ? { clock: options.clock } : { env: { SANDBOX_CLOCK: 'true' } }),
      program: { pendingDays: 14, expiryMonths: 2 },
    });
    try {
      const t0 = world.app.runtime.platform.clock.now().getTime() - 1000;
      const member = await createMember(world);
      const at = (days: number) => new Date(t0 + days * DAY).toISOString();
      await buy(world, member.id, 4000, { occurredAt: at(-40) });
      await buy(world, member.id, 2000, { occurredAt: at(-5) });
      await buy(world, member.id, 1500, { occurredAt: at(0) });
      await world.app.request
        .post('/api/v1/redemptions')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ memberId: member.id, points: 15 })
        .expect(201);
      await options.moveOn(world);
      const memberId = new mongoose.Types.ObjectId(member.id);
      const relative = (date: Date) => Math.round((date.getTime() - t0) / 60_000);
      const entries = await mongoose.connection
        .collection('ledger_entries')
        .find({ memberId })
        .sort({ at: 1, _id: 1 })
        .toArray();
      const lots = await mongoose.connection
        .collection('point_lots')
        .find({ memberId })
        .sort({ earnedAt: 1 })
        .toArray();
      await expectLedgerClean(world);
      return {
        balance: await memberDetail(world, member.id).then(({ balance }) => ({
          available: balance.available,
          pending: balance.pending,
          expiringSoon: balance.expiringSoon.map((lot) => ({
            points: lot.points,
            expiresAt: relative(new Date(lot.expiresAt)),
          })),
        })),
        entries: entries.map((e) => ({
          type: e.type as string,
          points: e.points as number,
          at: relative(e.at as Date),
          reason: (e.reason as string).replace(/\d{4}-\d{2}-\d{2}/g, 'DATE').replace(/[a-f0-9]{24}/g, 'ID'),
        })),
        lots: lots.map((l) => ({
          points: l.points as number,
          remaining: l.remaining as number,
          status: l.status as string,
          availableAt: relative(l.availableAt as Date),
          expiresAt: l.expiresAt ? relative(l.expiresAt as Date) : null,
        })),
      };
    } finally {
      await world.close();
    }
  }

  it('produces exactly the ledger the manual clock and the jobs produce', async () => {
    const manualClock = new ManualClock(Date.now());
    const manual = await history({
      clock: manualClock,
      moveOn: async (world) => {
        manualClock.advance(31 * DAY);
        const { ledger } = world.app.runtime.services;
        await ledger.activateDue();
        await ledger.expireDue();
      },
    });
    const sandbox = await history({
      moveOn: async (world) => {
        const response = await advance(world, { by: 'P31D' }).expect(200);
        expect(response.body.ran).toEqual({
          'ledger.activate-points': { activated: 2 },
          'ledger.expire-points': { expired: 1, points: 25 },
          // No stamp card: no stamp reward to expire.
          'stamps.expire-rewards': { expired: 0 },
          // No sale was left open at a till.
          'checkouts.expire': { expired: 0 },
          // No gift certificate: no breakage.
          'gift-certificates.expire': { expired: 0, breakageMinor: 0 },
          // No coupon: none to expire.
          'coupons.expire': { expired: 0 },
          // No tier ladder: nobody to move, downgrade or warn.
          'tiers.evaluate': { moved: 0, downgraded: 0, kept: 0, warned: 0 },
          // No referral terms: nothing to clear.
          'referrals.clear': { rewarded: 0, deferred: 0, rejected: 0, expired: 0 },
          // No webhook endpoint: nothing to deliver.
          'webhooks.deliver': { delivered: 0, retrying: 0, failed: 0 },
        });
      },
    });
    expect(sandbox).toEqual(manual);
    // 40 + 20 + 15 earned, 15 spent from the oldest lot, whose other 25 expired; the rest became spendable.
    expect(sandbox.balance).toMatchObject({ available: 35, pending: 0 });
    expect(sandbox.lots.map((l) => l.status)).toEqual(['expired', 'active', 'active']);
    expect(sandbox.entries.map((e) => e.type)).toEqual(['earn', 'earn', 'earn', 'redeem', 'expire']);
  }, 120_000);
});

describe('an advance while purchases are being recorded', () => {
  let world: LedgerWorld;
  beforeAll(async () => {
    world = await createLedgerWorld({
      env: { SANDBOX_CLOCK: 'true' },
      program: { pendingDays: 14, expiryMonths: 12 },
    });
  });
  afterAll(() => world.close());

  it('loses and duplicates nothing, and the ledger verifies clean', async () => {
    const members = await Promise.all([1, 2, 3].map(() => createMember(world)));
    const sales = Array.from({ length: 30 }, (_, i) => ({
      memberId: members[i % 3]?.id ?? '',
      totalMinor: 1000 + i * 100,
    }));
    const recorded = Promise.all(
      sales.map(async (sale, i) => {
        if (i % 10 === 5) await new Promise((resolve) => setTimeout(resolve, 20));
        return buy(world, sale.memberId, sale.totalMinor);
      }),
    );
    const advanced = advance(world, { by: 'P15D' });
    const [purchases, advanceResponse] = await Promise.all([recorded, advanced]);
    expect(advanceResponse.status).toBe(200);
    expect(new Set(purchases.map((p) => p.id)).size).toBe(30);
    // Whatever an in-flight sale dated before the move is due now: the next sweep makes it spendable.
    await advance(world, { by: 'PT1M' }).expect(200);
    const expected = sales.reduce((sum, sale) => sum + Math.floor(sale.totalMinor / 100), 0);
    let total = 0;
    for (const member of members) {
      const detail = await memberDetail(world, member.id);
      total += detail.balance.available + detail.balance.pending;
      expect(detail.stats.purchaseCount).toBe(10);
    }
    expect(total).toBe(expected);
    const memberIds = members.map((m) => new mongoose.Types.ObjectId(m.id));
    const earns = await mongoose.connection
      .collection('ledger_entries')
      .countDocuments({ memberId: { $in: memberIds }, type: 'earn' });
    expect(earns).toBe(30);
    const due = await mongoose.connection.collection('point_lots').countDocuments({
      memberId: { $in: memberIds },
      status: 'pending',
      availableAt: { $lte: world.app.runtime.platform.clock.now() },
    });
    expect(due).toBe(0);
    await expectLedgerClean(world);
  }, 60_000);
});
