import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@regulars/backend';
import type { DomainEvent } from '@regulars/contracts';
import { LedgerEntryModel } from '../../backend/src/modules/ledger/ledger-entry.model.js';
import {
  ReportAppliedModel,
  ReportCohortModel,
  ReportDayModel,
  ReportMemberModel,
  ReportTotalsModel,
} from '../../backend/src/modules/reports/report.model.js';
import { createLedgerWorld, createMember, expectLedgerClean, type LedgerWorld } from './ledger-helpers.js';

const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
let world: LedgerWorld;
let stores: string[];

beforeAll(async () => {
  // Pending days and a short expiry, so that activations and expiries happen along the way.
  world = await createLedgerWorld({ clock, program: { pendingDays: 3, expiryMonths: 2 } });
  const other = await world.app.request
    .post('/api/v1/stores')
    .set(world.admin.auth)
    .send({ name: 'Puerto', code: `P${randomUUID().slice(0, 6)}` })
    .expect(201);
  stores = [world.storeId, other.body.id as string];
}, 120_000);
afterAll(() => world.close());

type Op =
  | { kind: 'join' }
  | { kind: 'buy'; member: number; store: number; amountMinor: number; isWalkIn: boolean }
  | { kind: 'refund'; purchase: number; share: number; isFull: boolean }
  | { kind: 'redeem'; member: number; points: number }
  | { kind: 'adjust'; member: number; points: number }
  | { kind: 'advance'; hours: number }
  | { kind: 'dispatch'; isReplayed: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'join' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('buy' as const),
      member: fc.nat(20),
      store: fc.nat(1),
      amountMinor: fc.integer({ min: 100, max: 9_000 }),
      isWalkIn: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      purchase: fc.nat(200),
      share: fc.integer({ min: 1, max: 99 }),
      isFull: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('redeem' as const),
      member: fc.nat(20),
      points: fc.integer({ min: 1, max: 60 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      member: fc.nat(20),
      points: fc.integer({ min: -30, max: 50 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      hours: fc.integer({ min: 1, max: 40 * 24 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dispatch' as const), isReplayed: fc.boolean() }) },
);

const members: string[] = [];
const purchases: Array<{ id: string; totalMinor: number }> = [];
let lastReplay: DomainEvent[] = [];

async function dispatchAll() {
  const { eventDispatcher } = world.app.runtime.services;
  for (let i = 0; i < 50; i += 1) {
    const { delivered, failed } = await eventDispatcher.dispatch();
    expect(failed).toBe(0);
    if (delivered === 0) return;
  }
}

async function run(step: Op): Promise<void> {
  const request = world.app.request;
  const pick = (n: number) => members[n % Math.max(members.length, 1)];
  switch (step.kind) {
    case 'join':
      members.push((await createMember(world)).id as string);
      return;
    case 'buy': {
      const memberId = step.isWalkIn ? undefined : pick(step.member);
      const response = await request
        .post('/api/v1/purchases')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({
          ...(memberId ? { memberId } : {}),
          storeId: stores[step.store],
          currency: 'EUR',
          totalMinor: step.amountMinor,
          items: [{ sku: 'TEA', name: 'Tea', quantity: 1, unitPriceMinor: step.amountMinor }],
        })
        .expect(201);
      purchases.push({ id: response.body.id as string, totalMinor: step.amountMinor });
      return;
    }
    case 'refund': {
      const purchase = purchases[step.purchase % Math.max(purchases.length, 1)];
      if (!purchase) return;
      const amountMinor = step.isFull
        ? purchase.totalMinor
        : Math.max(1, Math.floor((purchase.totalMinor * step.share) / 100));
      // 201, or 409/422 when it was refunded already: either way nothing half-done.
      await request
        .post(`/api/v1/purchases/${purchase.id}/refunds`)
        .set(world.manager.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ amountMinor });
      return;
    }
    case 'redeem': {
      const memberId = pick(step.member);
      if (!memberId) return;
      await request
        .post('/api/v1/redemptions')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ memberId, points: step.points, storeId: stores[step.member % 2] });
      return;
    }
    case 'adjust': {
      const memberId = pick(step.member);
      if (!memberId || step.points === 0) return;
      await request
        .post(`/api/v1/members/${memberId}/adjustments`)
        .set(world.manager.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ points: step.points, reason: 'Goodwill' });
      return;
    }
    case 'advance':
      clock.advance(step.hours * 3_600_000);
      return;
    case 'dispatch':
      await dispatchAll();
      // At least once: the last events handed over come again.
      if (step.isReplayed && lastReplay.length)
        await world.app.runtime.services.reportAggregates.applyEvents(lastReplay);
      return;
  }
}

/** The aggregates without what carries no information: zero figures and documents of zeros only. */
async function snapshot() {
  const clean = (doc: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    let hasFigure = false;
    for (const [key, value] of Object.entries(doc)) {
      if (typeof value === 'number' && value === 0) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      if (typeof value === 'number') hasFigure = true;
      out[key] = value instanceof Object && 'toHexString' in value ? String(value) : value;
    }
    return hasFigure ? out : null;
  };
  const read = async (model: { find(filter: object): { lean(): Promise<unknown[]> } }) =>
    ((await model.find({}).lean()) as Array<Record<string, unknown>>)
      .map((d) => clean(JSON.parse(JSON.stringify(d)) as Record<string, unknown>))
      .filter((d) => d !== null)
      .sort((a, b) => String(a._id).localeCompare(String(b._id)));
  return {
    days: await read(ReportDayModel),
    members: await read(ReportMemberModel),
    cohorts: await read(ReportCohortModel),
    totals: await read(ReportTotalsModel),
    applied: (await ReportAppliedModel.find({}).lean()).map((d) => d._id).sort(),
  };
}

describe('report pre-aggregates', () => {
  it('equal a rebuild from the source after a random sequence of purchases, refunds, redemptions and time', async () => {
    const services = world.app.runtime.services;
    // Keep the last batch each subscriber pass handed to the reports, to hand it over again.
    const original = services.reportAggregates.applyEvents.bind(services.reportAggregates);
    services.reportAggregates.applyEvents = async (events) => {
      lastReplay = [...events];
      return original(events);
    };
    for (let i = 0; i < 3; i += 1) members.push((await createMember(world)).id as string);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 60 }), async (ops) => {
        for (const step of ops) await run(step);
        await dispatchAll();
        const kept = await snapshot();
        await services.reportAggregates.rebuild();
        const rebuilt = await snapshot();
        expect(kept).toEqual(rebuilt);
        // And the liability is the ledger's.
        await expectLedgerClean(world);
        const [ledger] = await LedgerEntryModel.aggregate<{ points: number }>([
          { $group: { _id: null, points: { $sum: '$points' } } },
        ]);
        const liability = (
          await world.app.request.get('/api/v1/reports/liability').set(world.manager.auth).expect(200)
        ).body as { outstandingPoints: number };
        expect(liability.outstandingPoints).toBe(ledger?.points ?? 0);
      }),
      { numRuns: 4, seed: 19 },
    );
  }, 600_000);
});
