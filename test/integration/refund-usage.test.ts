import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { ManualClock } from '@regulars/backend';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  publishRule,
  type LedgerWorld,
} from './ledger-helpers.js';

// Tuesday 10 March 2026, 10:00 in Madrid (the program's default time zone).
const TUESDAY = Date.parse('2026-03-10T09:00:00Z');
const DAY_MS = 24 * 3600_000;
const clock = new ManualClock(TUESDAY);
let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld({ clock });
});
afterAll(() => world.close());

const pointsOf = (result: Awaited<ReturnType<typeof buy>>, ruleId: string) =>
  result.breakdown.find((b) => b.ruleId === ruleId)?.points ?? 0;

const usageOf = async (memberId: string, key: string) =>
  (
    (
      await mongoose.connection
        .collection('members')
        .findOne({ _id: new mongoose.Types.ObjectId(memberId) }, { projection: { ruleUsage: 1 } })
    )?.ruleUsage as Record<string, { periodKey: string; times: number; points: number }> | undefined
  )?.[key];

const spentPoints = async (ruleId: string) =>
  (
    await mongoose.connection
      .collection<{ _id: string; spentPoints: number }>('rule_budgets')
      .findOne({ _id: ruleId })
  )?.spentPoints ?? 0;

function refund(purchaseId: string, body: Record<string, unknown>) {
  return world.app.request
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(world.manager.auth)
    .set('Idempotency-Key', randomUUID())
    .send(body);
}

/** Publishes a rule for one test and pauses it afterwards, so that tests do not earn each other's rules. */
async function withRule(definition: Record<string, unknown>, test: (ruleId: string) => Promise<void>) {
  const ruleId = await publishRule(world.app, world.marketer, definition);
  try {
    await test(ruleId);
  } finally {
    await world.app.request.post(`/api/v1/rules/${ruleId}/pause`).set(world.marketer.auth).expect(200);
  }
}

describe('refunds give back rule-limit usage', () => {
  it('a sale refunded in full no longer counts against "max 1 time per day": buying again earns again', async () => {
    clock.set(TUESDAY);
    await withRule(
      {
        name: 'First visit of the day',
        effects: [{ type: 'awardFixedPoints', points: 7 }],
        limits: [{ period: 'day', maxTimes: 1 }],
      },
      async (daily) => {
        const member = await createMember(world);
        const first = await buy(world, member.id, 500);
        const second = await buy(world, member.id, 500);
        expect([pointsOf(first, daily), pointsOf(second, daily)]).toEqual([7, 0]);
        await refund(first.id, { amountMinor: 500 }).expect(201);
        expect(await usageOf(member.id, `${daily}|day`)).toEqual({
          periodKey: '2026-03-10',
          times: 0,
          points: 0,
        });
        const again = await buy(world, member.id, 500);
        expect(pointsOf(again, daily)).toBe(7);
        expect(pointsOf(await buy(world, member.id, 500), daily)).toBe(0);
        await expectLedgerClean(world);
      },
    );
  });

  it('a partial refund gives no application back: the daily limit still holds', async () => {
    clock.set(TUESDAY + 2 * DAY_MS);
    await withRule(
      {
        name: 'First visit of the day',
        effects: [{ type: 'awardFixedPoints', points: 7 }],
        limits: [{ period: 'day', maxTimes: 1 }],
      },
      async (daily) => {
        const member = await createMember(world);
        const first = await buy(world, member.id, 1000);
        await refund(first.id, { amountMinor: 999 }).expect(201);
        // 7 × 999 / 1000 = 6.993: 6 points back, the application stays.
        expect(await usageOf(member.id, `${daily}|day`)).toMatchObject({ times: 1, points: 1 });
        expect(pointsOf(await buy(world, member.id, 500), daily)).toBe(0);
        await refund(first.id, { amountMinor: 1 }).expect(201);
        expect(await usageOf(member.id, `${daily}|day`)).toMatchObject({ times: 0, points: 0 });
        expect(pointsOf(await buy(world, member.id, 500), daily)).toBe(7);
        await expectLedgerClean(world);
      },
    );
  });

  it("leaves a later period's counter alone: refunding yesterday's sale does not free today's use", async () => {
    clock.set(TUESDAY + 4 * DAY_MS);
    await withRule(
      {
        name: 'First visit of the day',
        effects: [{ type: 'awardFixedPoints', points: 7 }],
        limits: [{ period: 'day', maxTimes: 1 }],
      },
      async (daily) => {
        const member = await createMember(world);
        const yesterday = await buy(world, member.id, 500);
        clock.advance(DAY_MS);
        expect(pointsOf(await buy(world, member.id, 500), daily)).toBe(7);
        const before = await usageOf(member.id, `${daily}|day`);
        const refunded = await refund(yesterday.id, { amountMinor: 500 }).expect(201);
        expect(refunded.body.pointsReversed).toBe(12); // 7 + 5 of the base rule: the points do go back
        expect(await usageOf(member.id, `${daily}|day`)).toEqual(before);
        expect(before).toMatchObject({ times: 1, points: 7 });
        expect(pointsOf(await buy(world, member.id, 500), daily)).toBe(0);
        await expectLedgerClean(world);
      },
    );
  });

  it('gives points usage back in proportion over partial refunds, adding up exactly, and reports it', async () => {
    clock.set(TUESDAY + 7 * DAY_MS);
    await withRule(
      {
        name: '2 points per €1, at most 50 a week',
        effects: [{ type: 'awardPointsPerSpend', points: 2, perAmountMinor: 100 }],
        limits: [{ period: 'week', maxPoints: 50 }],
      },
      async (weekly) => {
        const member = await createMember(world);
        const purchase = await buy(world, member.id, 1000);
        expect(pointsOf(purchase, weekly)).toBe(20);
        const counter = () => usageOf(member.id, `${weekly}|week`);
        expect(await counter()).toMatchObject({ times: 1, points: 20 });
        const left: unknown[] = [];
        for (const amountMinor of [333, 333, 334]) {
          await refund(purchase.id, { amountMinor }).expect(201);
          left.push(await counter());
        }
        // floor(20 × 333 / 1000) = 6, floor(20 × 666 / 1000) = 13, then the rest: 6 + 7 + 7 = 20.
        expect(left).toMatchObject([
          { times: 1, points: 14 },
          { times: 1, points: 7 },
          { times: 0, points: 0 },
        ]);
        const events = await mongoose.connection
          .collection('events')
          .find({ type: 'refund.recorded', 'payload.purchaseId': purchase.id })
          .sort({ _id: 1 })
          .toArray();
        expect(events.map((e) => (e.payload as { ruleUsageReturned: unknown }).ruleUsageReturned)).toEqual([
          [{ ruleId: weekly, times: 0, points: 6, budgetPoints: 0 }],
          [{ ruleId: weekly, times: 0, points: 7, budgetPoints: 0 }],
          [{ ruleId: weekly, times: 1, points: 7, budgetPoints: 0 }],
        ]);
        // The whole weekly allowance is free again: 50 points over the next purchases.
        const next = [];
        for (let i = 0; i < 3; i += 1) next.push(pointsOf(await buy(world, member.id, 2000), weekly));
        expect(next).toEqual([40, 10, 0]);
        await expectLedgerClean(world);
      },
    );
  });
});

describe('refunding the purchase of a checkout', () => {
  it('gives back the daily limit it used: the next checkout of the day earns the bonus again', async () => {
    clock.set(TUESDAY + 9 * DAY_MS);
    await withRule(
      {
        name: 'First visit of the day',
        effects: [{ type: 'awardFixedPoints', points: 7 }],
        limits: [{ period: 'day', maxTimes: 1 }],
      },
      async (daily) => {
        const member = await createMember(world);
        const checkout = async () => {
          const opened = await world.app.request
            .post('/api/v1/checkouts')
            .set(world.cashier.auth)
            .send({
              storeId: world.storeId,
              member: { memberId: member.id },
              currency: 'EUR',
              items: [{ sku: 'LATTE', name: 'Latte', quantity: 1, unitPriceMinor: 320 }],
            })
            .expect(201);
          const completed = await world.app.request
            .post(`/api/v1/checkouts/${opened.body.id as string}/complete`)
            .set(world.cashier.auth)
            .set('Idempotency-Key', randomUUID())
            .send({})
            .expect(200);
          return completed.body as {
            purchaseId: string;
            breakdown: { ruleId: string; points: number }[];
          };
        };
        const bonus = (receipt: Awaited<ReturnType<typeof checkout>>) =>
          receipt.breakdown.find((b) => b.ruleId === daily)?.points ?? 0;
        const first = await checkout();
        expect([bonus(first), bonus(await checkout())]).toEqual([7, 0]);
        await refund(first.purchaseId, { amountMinor: 320 }).expect(201);
        expect(bonus(await checkout())).toBe(7);
        await expectLedgerClean(world);
      },
    );
  });
});

describe('refunds give back rule budgets', () => {
  it('a budget of 30 points: exhausted → refund → the next purchases earn again up to what came back', async () => {
    clock.set(TUESDAY + 10 * DAY_MS);
    await withRule(
      {
        name: 'Launch bonus, 30 points in total',
        effects: [{ type: 'awardFixedPoints', points: 10 }],
        budget: { totalPoints: 30 },
      },
      async (launch) => {
        const members = await Promise.all(Array.from({ length: 3 }, () => createMember(world)));
        const sales = [];
        for (const member of members) sales.push(await buy(world, member.id, 1000));
        expect(sales.map((s) => pointsOf(s, launch))).toEqual([10, 10, 10]);
        expect(pointsOf(await buy(world, members[0]!.id, 1000), launch)).toBe(0);
        expect(await spentPoints(launch)).toBe(30);

        await refund(sales[0]!.id, { amountMinor: 1000 }).expect(201);
        expect(await spentPoints(launch)).toBe(20);
        expect(pointsOf(await buy(world, members[1]!.id, 1000), launch)).toBe(10);
        expect(pointsOf(await buy(world, members[2]!.id, 1000), launch)).toBe(0);

        // Half of a sale back: 5 budget points come back, and the next purchase gets exactly those.
        await refund(sales[1]!.id, { amountMinor: 500 }).expect(201);
        expect(await spentPoints(launch)).toBe(25);
        expect(pointsOf(await buy(world, members[2]!.id, 1000), launch)).toBe(5);
        expect(pointsOf(await buy(world, members[0]!.id, 1000), launch)).toBe(0);
        expect(await spentPoints(launch)).toBe(30);
        await expectLedgerClean(world);
      },
    );
  });

  it('gives back what a leased block budget counted, leaving the leases exact', async () => {
    clock.set(TUESDAY + 11 * DAY_MS);
    await withRule(
      {
        name: 'Spring launch: 10,000 points in total',
        effects: [{ type: 'awardFixedPoints', points: 10 }],
        budget: { totalPoints: 10_000 },
      },
      async (spring) => {
        const member = await createMember(world);
        const sales = await Promise.all(Array.from({ length: 4 }, () => buy(world, member.id, 400)));
        expect(sales.map((s) => pointsOf(s, spring))).toEqual([10, 10, 10, 10]);
        await refund(sales[0]!.id, { amountMinor: 400 }).expect(201);
        await refund(sales[1]!.id, { amountMinor: 200 }).expect(201);
        // The process still leases a block (counted as spent); once it is returned, spent is exactly what
        // the members keep: 40 given − 10 − 5 given back.
        await world.app.runtime.services.earning.close();
        expect(await spentPoints(spring)).toBe(25);
        await expectLedgerClean(world);
      },
    );
  });
});

describe('concurrent refunds', () => {
  it('never give back more than the purchase consumed, of limits or budget', async () => {
    clock.set(TUESDAY + 14 * DAY_MS);
    const limited = await publishRule(world.app, world.marketer, {
      name: '3 points per €1, at most 100 a month',
      effects: [{ type: 'awardPointsPerSpend', points: 3, perAmountMinor: 100 }],
      limits: [{ period: 'month', maxPoints: 100 }],
    });
    try {
      await withRule(
        {
          name: 'Launch bonus, 40 points in total',
          effects: [{ type: 'awardFixedPoints', points: 17 }],
          budget: { totalPoints: 40 },
        },
        async (budgeted) => {
          const member = await createMember(world);
          const purchase = await buy(world, member.id, 1000);
          expect([pointsOf(purchase, limited), pointsOf(purchase, budgeted)]).toEqual([30, 17]);
          const other = await buy(world, (await createMember(world)).id, 1000);
          expect(pointsOf(other, budgeted)).toBe(17);
          expect(await spentPoints(budgeted)).toBe(34);

          // 14 refunds of 77 race for a purchase of 1000: 12 fit (924), one more than the 76 left does not.
          const results = await Promise.all(
            Array.from({ length: 14 }, () => refund(purchase.id, { amountMinor: 77 })),
          );
          const accepted = results.filter((r) => r.status === 201);
          expect(accepted).toHaveLength(12);
          expect(results.filter((r) => r.status === 422)).toHaveLength(2);
          await refund(purchase.id, { amountMinor: 76 }).expect(201);

          const events = await mongoose.connection
            .collection('events')
            .find({ type: 'refund.recorded', 'payload.purchaseId': purchase.id })
            .toArray();
          expect(events).toHaveLength(13);
          const returned = events.flatMap(
            (e) =>
              (
                e.payload as {
                  ruleUsageReturned: {
                    ruleId: string;
                    times: number;
                    points: number;
                    budgetPoints: number;
                  }[];
                }
              ).ruleUsageReturned,
          );
          const sum = (ruleId: string, key: 'times' | 'points' | 'budgetPoints') =>
            returned.filter((r) => r.ruleId === ruleId).reduce((total, r) => total + r[key], 0);
          expect([sum(limited, 'points'), sum(limited, 'times')]).toEqual([30, 1]);
          expect(sum(budgeted, 'budgetPoints')).toBe(17);
          expect(await usageOf(member.id, `${limited}|month`)).toMatchObject({ times: 0, points: 0 });
          expect(await spentPoints(budgeted)).toBe(17);
          await expectLedgerClean(world);
        },
      );
    } finally {
      await world.app.request.post(`/api/v1/rules/${limited}/pause`).set(world.marketer.auth).expect(200);
    }
  });
});
