import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent, EventType } from '@regulars/contracts';
import { ManualClock } from '@regulars/backend';
import { EventDispatcher, type EventSubscriber } from '../../backend/src/modules/events/event-dispatcher.js';
import { EventModel, SubscriberCursorModel } from '../../backend/src/modules/events/event.model.js';
import { runInTransaction } from '../../backend/src/modules/ledger/transaction.js';
import { createApiKey, signInStaff } from '../support/callers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends one member's events in order, one transaction each, the way modules emit them. */
async function emit(world: TestApp, memberId: string | null, types: EventType[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [step, type] of types.entries()) {
    const id = await runInTransaction((session) =>
      world.runtime.services.events.append(session, { type, memberId, payload: { step } }),
    );
    ids.push(id.toHexString());
  }
  return ids;
}

/** A subscriber that records each batch it is handed; `failures` first calls throw. */
function recorder(id: string, types: string[], options: { failures?: number } = {}) {
  let failuresLeft = options.failures ?? 0;
  const batches: DomainEvent[][] = [];
  const subscriber = {
    id,
    types,
    calls: 0,
    batches,
    received: () => batches.flat(),
    async handle(events: DomainEvent[]) {
      subscriber.calls += 1;
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('receiver down');
      }
      batches.push(events);
    },
  } satisfies EventSubscriber & Record<string, unknown>;
  return subscriber;
}

const idsOf = (events: DomainEvent[]) => events.map((event) => event.id);
const ofMember = (events: DomainEvent[], memberId: string) =>
  idsOf(events.filter((event) => event.memberId === memberId));
const newMemberId = () => new Types.ObjectId().toHexString();
/**
 * The app always registers its own subscribers (webhooks takes every event, so the counts of a dispatch
 * include its share); these tests look at the subscribers they register.
 */
const ours = <T extends { id: string }>(items: T[]) => items.filter((item) => item.id.startsWith('test.'));

/** Events some subscriber of the dispatcher (the app's, by default) has not been handed yet. */
async function pendingCount(dispatcher?: EventDispatcher): Promise<number> {
  const progress = await (dispatcher ?? app?.runtime.services.eventDispatcher)?.progress();
  if (!progress) throw new Error('no app');
  return progress.reduce((sum, subscriber) => sum + subscriber.pending, 0);
}

describe('the event dispatcher', () => {
  it('runs in the worker: hands each subscriber its types, in order per member, and finishes every event', async () => {
    app = await createTestApp();
    const world = app;
    const points = recorder('test.points', ['points.*']);
    const everything = recorder('test.all', ['*']);
    world.runtime.services.eventDispatcher.register(points);
    world.runtime.services.eventDispatcher.register(everything);

    const members = [newMemberId(), newMemberId(), newMemberId()];
    const sequence: EventType[] = [
      'member.created',
      'purchase.recorded',
      'points.earned',
      'points.activated',
      'redemption.created',
      'points.expired',
    ];
    // Members' histories are written concurrently, each in order.
    const emitted = await Promise.all(members.map((memberId) => emit(world, memberId, sequence)));
    await emit(world, null, ['program.updated']);

    await world.runtime.startWorkers();
    for (let i = 0; i < 200 && (await pendingCount()) > 0; i += 1) await sleep(100);
    expect(await pendingCount()).toBe(0);

    const pointsSteps = [2, 3, 5];
    for (const [index, memberId] of members.entries()) {
      const ids = emitted[index] ?? [];
      expect(ofMember(everything.received(), memberId)).toEqual(ids);
      expect(ofMember(points.received(), memberId)).toEqual(pointsSteps.map((step) => ids[step]));
    }
    expect(everything.received().map((e) => e.type)).toContain('program.updated');
    expect(points.received().every((e) => e.type.startsWith('points.'))).toBe(true);

    const cursors = await SubscriberCursorModel.find({ _id: /^test\./ })
      .sort({ _id: 1 })
      .lean();
    expect(cursors.map((c) => [c._id, c.handled, c.lastError])).toEqual([
      ['test.all', 19, null],
      ['test.points', 9, null],
    ]);
  });

  it('retries a subscriber that throws after a backoff on the injected clock, while the others go on', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    app = await createTestApp({ clock });
    const { eventDispatcher } = app.runtime.services;
    const flaky = recorder('test.flaky', ['*'], { failures: 2 });
    const healthy = recorder('test.healthy', ['*']);
    eventDispatcher.register(flaky);
    eventDispatcher.register(healthy);
    const memberId = newMemberId();
    const first = await emit(app, memberId, ['member.created', 'purchase.recorded', 'points.earned']);

    // Each event to webhooks, healthy and reports (which follows these three types), and the purchase to
    // referrals.
    expect(await eventDispatcher.dispatch()).toEqual({ delivered: 10, failed: 1 });
    expect(idsOf(healthy.received())).toEqual(first);
    expect(flaky.received()).toEqual([]);
    expect(await SubscriberCursorModel.findById('test.flaky').lean()).toMatchObject({
      lastError: 'receiver down',
      failures: 1,
      retryAt: new Date('2026-03-01T10:00:01Z'),
    });
    expect(await pendingCount()).toBe(3);

    // Not due yet: the healthy subscriber still gets what comes next.
    const second = await emit(app, memberId, ['points.activated']);
    expect(await eventDispatcher.dispatch()).toEqual({ delivered: 3, failed: 0 });
    expect(flaky.calls).toBe(1);
    expect(idsOf(healthy.received())).toEqual([...first, ...second]);

    clock.advance(1000);
    expect(await eventDispatcher.dispatch()).toEqual({ delivered: 0, failed: 1 });
    expect(await SubscriberCursorModel.findById('test.flaky').lean()).toMatchObject({
      failures: 2,
      retryAt: new Date('2026-03-01T10:00:03Z'),
    });
    clock.advance(1999);
    await eventDispatcher.dispatch();
    expect(flaky.calls).toBe(2);

    clock.advance(1);
    expect(await eventDispatcher.dispatch()).toEqual({ delivered: 4, failed: 0 });
    expect(idsOf(flaky.received())).toEqual([...first, ...second]);
    expect(await SubscriberCursorModel.findById('test.flaky').lean()).toMatchObject({
      lastError: null,
      failures: 0,
      retryAt: null,
      handled: 4,
    });
    expect(await pendingCount()).toBe(0);
  });

  it('resumes after a dispatcher dies between handing a batch and recording it: duplicates, nothing lost', async () => {
    app = await createTestApp();
    const world = app;
    const lockKey = `test:dispatch:${randomBytes(4).toString('hex')}`;
    const deps = {
      clock: world.runtime.platform.clock,
      redis: world.runtime.platform.redis,
      lockKey,
      logger: world.runtime.logger,
      lockTtlMs: 300,
    };
    const memberA = newMemberId();
    const memberB = newMemberId();
    const [a1, a2, a3] = await emit(world, memberA, ['member.created', 'purchase.recorded', 'points.earned']);
    const [b1, b2] = await emit(world, memberB, ['member.created', 'points.adjusted']);

    // The first dispatcher is handed its batch and never comes back: the process was killed there.
    const crashed = new EventDispatcher(deps);
    let handed: (events: DomainEvent[]) => void = () => undefined;
    const wasHanded = new Promise<DomainEvent[]>((resolve) => (handed = resolve));
    crashed.register({
      id: 'test.receiver',
      types: ['*'],
      handle: (events) => {
        handed(events);
        return new Promise<void>(() => undefined);
      },
    });
    void crashed.dispatch({ batchSize: 3 });
    const lostBatch = await wasHanded;
    expect(lostBatch).toHaveLength(3);
    const [b3] = await emit(world, memberB, ['points.earned']);

    const restarted = new EventDispatcher(deps);
    const receiver = recorder('test.receiver', ['*']);
    restarted.register(receiver);
    // Its lock expires on its own (real time); the next dispatcher then takes over.
    let delivered = 0;
    for (let i = 0; i < 100 && delivered === 0; i += 1) {
      delivered = (await restarted.dispatch({ batchSize: 3 })).delivered;
      if (delivered === 0) await sleep(50);
    }
    expect(delivered).toBe(6);
    const received = receiver.received();
    expect(idsOf(received).slice(0, 3)).toEqual(idsOf(lostBatch));
    expect(ofMember(received, memberA)).toEqual([a1, a2, a3]);
    expect(ofMember(received, memberB)).toEqual([b1, b2, b3]);
    expect(await pendingCount(restarted)).toBe(0);
    expect(await SubscriberCursorModel.findById('test.receiver').lean()).toMatchObject({ handled: 6 });
  });

  it('places a cursor from before subscribers followed seq just before the first event it was not marked as handed', async () => {
    app = await createTestApp();
    const { eventDispatcher } = app.runtime.services;
    const memberId = newMemberId();
    const [old1, old2, old3, old4] = await emit(app, memberId, [
      'member.created',
      'points.earned',
      'points.activated',
      'points.expired',
    ]);
    await eventDispatcher.numberNow();
    // What the old dispatcher left: the first two handed to it (the first finished), the rest pending.
    await EventModel.updateOne({ _id: old1 }, { $set: { fanout: 'done', deliveredTo: ['test.legacy'] } });
    await EventModel.updateOne({ _id: old2 }, { $set: { fanout: 'pending', deliveredTo: ['test.legacy'] } });
    await EventModel.updateMany({ _id: { $in: [old3, old4] } }, { $set: { fanout: 'pending' } });
    await SubscriberCursorModel.collection.insertOne({
      _id: 'test.legacy' as never,
      lastEventId: new Types.ObjectId(old2),
      handled: 2,
      lastError: null,
      updatedAt: new Date(),
    });
    const legacy = recorder('test.legacy', ['*']);
    eventDispatcher.register(legacy);
    const [fresh] = await emit(app, memberId, ['member.updated']);
    await eventDispatcher.dispatch();
    expect(idsOf(legacy.received())).toEqual([old3, old4, fresh]);
    expect(await SubscriberCursorModel.findById('test.legacy').lean()).toMatchObject({
      lastSeq: 5,
      handled: 5,
    });
    expect(await pendingCount()).toBe(0);
  });

  it('finishes events nobody subscribes to, and refuses a subscriber with an unknown type at registration', async () => {
    app = await createTestApp();
    const { eventDispatcher } = app.runtime.services;
    const points = recorder('test.points', ['points.earned']);
    eventDispatcher.register(points);
    await emit(app, newMemberId(), ['member.created', 'points.earned']);
    // Both to webhooks and reports, points.earned to test.points.
    expect(await eventDispatcher.dispatch()).toEqual({ delivered: 5, failed: 0 });
    expect(await pendingCount()).toBe(0);
    expect(() => eventDispatcher.register(recorder('test.typo', ['point.*']))).toThrow(/unknown event type/);
    expect(() => eventDispatcher.register(recorder('test.points', ['*']))).toThrow(/registered twice/);
  });

  it("shows admins each subscriber's backlog, last error and next retry in GET /api/v1/events/subscribers", async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    app = await createTestApp({ clock });
    const { eventDispatcher } = app.runtime.services;
    eventDispatcher.register(recorder('test.flaky', ['points.*'], { failures: 1 }));
    eventDispatcher.register(recorder('test.members', ['member.*']));
    const admin = await signInStaff(app, 'admin');

    const before = await app.request.get('/api/v1/events/subscribers').set(admin.auth).expect(200);
    expect(
      ours(before.body.items as Array<{ id: string; pending: number }>).map(
        (s: { id: string; pending: number }) => [s.id, s.pending],
      ),
    ).toEqual([
      ['test.flaky', 0],
      ['test.members', 0],
    ]);

    const memberId = newMemberId();
    const [created] = await emit(app, memberId, ['member.created', 'points.earned', 'points.activated']);
    await eventDispatcher.dispatch();
    clock.advance(500);
    await emit(app, newMemberId(), ['member.created']);

    const response = await app.request.get('/api/v1/events/subscribers').set(admin.auth).expect(200);
    expect(ours(response.body.items)).toEqual([
      {
        id: 'test.flaky',
        types: ['points.*'],
        pending: 2,
        oldestPendingAt: '2026-03-01T10:00:00.000Z',
        handled: 0,
        lastEventId: null,
        lastError: 'receiver down',
        lastErrorAt: '2026-03-01T10:00:00.000Z',
        failures: 1,
        retryAt: '2026-03-01T10:00:01.000Z',
        updatedAt: '2026-03-01T10:00:00.000Z',
      },
      {
        id: 'test.members',
        types: ['member.*'],
        pending: 1,
        oldestPendingAt: '2026-03-01T10:00:00.500Z',
        handled: 1,
        lastEventId: created,
        lastError: null,
        lastErrorAt: null,
        failures: 0,
        retryAt: null,
        updatedAt: '2026-03-01T10:00:00.000Z',
      },
    ]);

    const manager = await signInStaff(app, 'manager');
    const refused = await app.request.get('/api/v1/events/subscribers').set(manager.auth).expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const key = await createApiKey(app, ['events:read']);
    await app.request.get('/api/v1/events/subscribers').set(key.auth).expect(403);
  });
});
