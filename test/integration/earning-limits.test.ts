import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { ManualClock } from '@regulars/backend';
import { serverWireVersion } from '../../backend/src/platform/mongo.js';
import { forceClientBulkWrite } from '../../backend/src/platform/write-batch.js';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  publishRule,
  purchaseBody,
  type LedgerWorld,
} from './ledger-helpers.js';

// Tuesday 10 March 2026, 10:00 in Madrid (the program's default time zone).
const TUESDAY = Date.parse('2026-03-10T09:00:00Z');
const clock = new ManualClock(TUESDAY);
const DAY_MS = 24 * 3600_000;
let world: LedgerWorld;
let daily: string;
let weekly: string;

beforeAll(async () => {
  world = await createLedgerWorld({ clock });
  daily = await publishRule(world.app, world.marketer, {
    name: 'First visit of the day',
    effects: [{ type: 'awardFixedPoints', points: 7 }],
    limits: [{ period: 'day', maxTimes: 1 }],
  });
  weekly = await publishRule(world.app, world.marketer, {
    name: 'Up to 10 bonus points a week',
    effects: [{ type: 'awardFixedPoints', points: 4 }],
    limits: [{ period: 'week', maxPoints: 10 }],
  });
});
afterAll(async () => {
  forceClientBulkWrite(null);
  await world.close();
});

const pointsOf = (result: Awaited<ReturnType<typeof buy>>, ruleId: string) =>
  result.breakdown.find((b) => b.ruleId === ruleId)?.points ?? 0;

const ruleUsageOf = async (memberId: string) =>
  (
    await mongoose.connection
      .collection('members')
      .findOne({ _id: new mongoose.Types.ObjectId(memberId) }, { projection: { ruleUsage: 1 } })
  )?.ruleUsage as Record<string, { periodKey: string; times: number; points: number }>;

// The accrual's writes go to the server in one client bulkWrite where it has the command (MongoDB 8.0+
// and the embedded server) and one command each on older servers: both paths keep the same promises.
const paths = [
  { name: 'one command per write (MongoDB before 8.0)', useClientBulkWrite: false, isAvailable: () => true },
  {
    name: 'one client bulkWrite (MongoDB 8.0+)',
    useClientBulkWrite: true,
    isAvailable: () => serverWireVersion() >= 25,
  },
];

describe.each(paths)('rule limits per member, writes sent as $name', (path) => {
  beforeAll(() => {
    clock.set(TUESDAY);
    if (path.isAvailable()) forceClientBulkWrite(path.useClientBulkWrite);
  });

  it('gives a once-a-day bonus once per local day, and again the next day', async (context) => {
    if (!path.isAvailable()) context.skip();
    const member = await createMember(world);
    const first = await buy(world, member.id, 500);
    const second = await buy(world, member.id, 500);
    expect([pointsOf(first, daily), pointsOf(second, daily)]).toEqual([7, 0]);

    clock.advance(DAY_MS);
    const nextDay = await buy(world, member.id, 500);
    expect(pointsOf(nextDay, daily)).toBe(7);
    // One counter per rule and period, replaced when its period is over: the member does not grow.
    const usage = await ruleUsageOf(member.id);
    expect(usage[`${daily}|day`]).toEqual({ periodKey: '2026-03-11', times: 1, points: 7 });
    expect(Object.keys(usage).filter((key) => key.startsWith(daily))).toHaveLength(1);
    await expectLedgerClean(world);
  });

  it('caps a weekly points limit across purchases and resets it on Monday', async (context) => {
    if (!path.isAvailable()) context.skip();
    clock.set(Date.parse('2026-03-16T09:00:00Z')); // Monday
    const member = await createMember(world);
    const week = [];
    for (let i = 0; i < 4; i += 1) week.push(pointsOf(await buy(world, member.id, 300), weekly));
    expect(week).toEqual([4, 4, 2, 0]);
    clock.set(Date.parse('2026-03-23T08:00:00Z')); // the next Monday, 09:00 in Madrid
    expect(pointsOf(await buy(world, member.id, 300), weekly)).toBe(4);
    expect((await ruleUsageOf(member.id))[`${weekly}|week`]).toEqual({
      periodKey: '2026-W13',
      times: 1,
      points: 4,
    });
    await expectLedgerClean(world);
  });

  it('lets one of five concurrent purchases take the daily bonus, and counts every one in the stats', async (context) => {
    if (!path.isAvailable()) context.skip();
    const member = await createMember(world);
    const results = await Promise.all(Array.from({ length: 5 }, () => buy(world, member.id, 1000)));
    expect(results.reduce((sum, r) => sum + pointsOf(r, daily), 0)).toBe(7);
    const detail = await memberDetail(world, member.id);
    expect(detail.stats.purchaseCount).toBe(5);
    expect(detail.balance.available).toBe(results.reduce((sum, r) => sum + r.pointsEarned, 0));
    await expectLedgerClean(world);
  });

  it('stores the answer with the purchase: a retry with the key replays it without a second accrual', async (context) => {
    if (!path.isAvailable()) context.skip();
    const member = await createMember(world);
    const key = randomUUID();
    const send = () =>
      world.app.request
        .post('/api/v1/purchases')
        .set(world.cashier.auth)
        .set('Idempotency-Key', key)
        .send(purchaseBody(world, member.id, 800));
    const first = await send().expect(201);
    const record = await mongoose.connection
      .collection<{ _id: string }>('idempotency_keys')
      .findOne({ _id: { $regex: ` ${key}$` } });
    expect(record).toMatchObject({ state: 'done', status: 201, body: first.body });
    const again = await send().expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await memberDetail(world, member.id)).stats.purchaseCount).toBe(1);
  });
});
