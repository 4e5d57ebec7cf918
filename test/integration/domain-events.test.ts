import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { ManualClock } from '@regulars/backend';
import { serverWireVersion } from '../../backend/src/platform/mongo.js';
import { forceClientBulkWrite } from '../../backend/src/platform/write-batch.js';
import { signUpMember } from '../support/callers.js';
import {
  buy,
  cardCode,
  createLedgerWorld,
  createMember,
  memberDetail,
  purchaseBody,
  type LedgerWorld,
} from './ledger-helpers.js';

const DAY = 24 * 3600_000;
const clock = new ManualClock(Date.UTC(2026, 0, 10, 9));
let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 14, expiryMonths: 12 } });
});
afterAll(async () => {
  forceClientBulkWrite(null);
  await world.close();
});

type StoredEvent = {
  _id: mongoose.Types.ObjectId;
  type: string;
  occurredAt: Date;
  memberId: mongoose.Types.ObjectId | null;
  storeId: mongoose.Types.ObjectId | null;
  subject: Record<string, string>;
  payloadVersion: number;
  payload: Record<string, unknown>;
};

const oid = (id: string) => new mongoose.Types.ObjectId(id);

/** The events in the outbox matching `filter`, in id order. */
const eventsWhere = (filter: Record<string, unknown>) =>
  mongoose.connection.collection<StoredEvent>('events').find(filter).sort({ _id: 1 }).toArray();
const eventsOf = (memberId: string, type?: string) =>
  eventsWhere({ memberId: oid(memberId), ...(type ? { type } : {}) });

/** The one event of `type` about `subject` (fails when there is none or more than one). */
async function theEvent(type: string, subject: Record<string, string>) {
  const filter: Record<string, unknown> = { type };
  for (const [key, value] of Object.entries(subject)) filter[`subject.${key}`] = value;
  const found = await eventsWhere(filter);
  expect(found, `${type} ${JSON.stringify(subject)}`).toHaveLength(1);
  return found[0] as StoredEvent;
}

function postPurchase(body: Record<string, unknown>, key: string = randomUUID()) {
  return world.app.request
    .post('/api/v1/purchases')
    .set(world.cashier.auth)
    .set('Idempotency-Key', key)
    .send(body);
}

describe('purchases', () => {
  it('records purchase.recorded and points.earned with the purchase', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 2599, { externalId: `R-${randomUUID()}` });
    const recorded = await theEvent('purchase.recorded', { purchaseId: purchase.id });
    expect(recorded).toMatchObject({
      memberId: oid(member.id),
      storeId: oid(world.storeId),
      subject: { purchaseId: purchase.id },
      payloadVersion: 1,
      payload: {
        purchaseId: purchase.id,
        currency: 'EUR',
        totalMinor: 2599,
        itemCount: 1,
        pointsEarned: 25,
        pointsSpent: 0,
        redemptionIds: [],
      },
    });
    const earned = await theEvent('points.earned', { purchaseId: purchase.id });
    expect(earned).toMatchObject({
      memberId: oid(member.id),
      storeId: oid(world.storeId),
      payloadVersion: 1,
      payload: {
        purchaseId: purchase.id,
        points: 25,
        status: 'pending',
        availableAt: purchase.availableAt,
        rules: [{ ruleId: purchase.breakdown[0]?.ruleId, ruleVersion: 1, points: 25 }],
      },
    });
    expect(earned.subject.lotId).toBe(earned.payload.lotId);
    // Nothing personal travels in a payload.
    const text = JSON.stringify([recorded, earned]);
    expect(text).not.toContain(member.phone);
    expect(text).not.toContain(member.name);
  });

  it('records an anonymous purchase without points.earned', async () => {
    const purchase = await buy(world, undefined, 800);
    const recorded = await theEvent('purchase.recorded', { purchaseId: purchase.id });
    expect(recorded).toMatchObject({ memberId: null, payload: { pointsEarned: 0 } });
    expect(await eventsWhere({ type: 'points.earned', 'subject.purchaseId': purchase.id })).toEqual([]);
  });

  it('writes no second event for a purchase replayed with the same Idempotency-Key', async () => {
    const member = await createMember(world);
    const key = randomUUID();
    const body = purchaseBody(world, member.id, 1000);
    const first = await postPurchase(body, key).expect(201);
    const again = await postPurchase(body, key).expect(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await eventsOf(member.id)).map((e) => e.type)).toEqual([
      'member.created',
      'purchase.recorded',
      'points.earned',
    ]);
  });

  it('writes no event for a purchase of a blocked member', async () => {
    const member = await createMember(world);
    await world.app.request
      .post(`/api/v1/members/${member.id}/block`)
      .set(world.manager.auth)
      .send({ reason: 'fraud' })
      .expect(200);
    const refused = await postPurchase(purchaseBody(world, member.id, 900));
    expect(refused.body.error.code).toBe('MEMBER_BLOCKED');
    expect(await eventsOf(member.id, 'purchase.recorded')).toEqual([]);
  });
});

// The purchase's writes (its events included) go in one client bulkWrite on MongoDB 8.0+ and the embedded
// server, one command each on older servers: an abort must leave no event on either path.
const writePaths = [
  { name: 'one command per write', useClientBulkWrite: false, isAvailable: () => true },
  { name: 'one client bulkWrite', useClientBulkWrite: true, isAvailable: () => serverWireVersion() >= 25 },
];

describe.each(writePaths)('purchases with their writes sent as $name', (path) => {
  beforeAll(() => {
    if (path.isAvailable()) forceClientBulkWrite(path.useClientBulkWrite);
  });
  afterAll(() => forceClientBulkWrite(null));

  it('writes no event for a dry run, nor for a purchase refused after its writes were queued', async (context) => {
    if (!path.isAvailable()) context.skip();
    const member = await signUpMember(world.app);
    const card = await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth);
    const code = cardCode(card.body.cardNumber, card.body.cardSecret);
    const dry = await postPurchase(purchaseBody(world, undefined, 500, { cardCode: code, dryRun: true }));
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(await eventsOf(member.memberId, 'purchase.recorded')).toEqual([]);

    await postPurchase(purchaseBody(world, undefined, 500, { cardCode: code })).expect(201);
    // The same code again: the batch with the purchase and its events fails on the code's use record.
    const refused = await postPurchase(purchaseBody(world, undefined, 700, { cardCode: code }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CARD_CODE_USED');
    const recorded = await eventsOf(member.memberId, 'purchase.recorded');
    expect(recorded.map((e) => e.payload.totalMinor)).toEqual([500]);
  });
});

describe('refunds and adjustments', () => {
  it('records refund.recorded with the points that followed the money', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 4000);
    const refund = await world.app.request
      .post(`/api/v1/purchases/${purchase.id}/refunds`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 1000, reason: 'cold coffee' })
      .expect(201);
    const event = await theEvent('refund.recorded', { refundId: refund.body.id });
    expect(event).toMatchObject({
      memberId: oid(member.id),
      storeId: oid(world.storeId),
      subject: { refundId: refund.body.id, purchaseId: purchase.id },
      payloadVersion: 1,
      payload: {
        refundId: refund.body.id,
        purchaseId: purchase.id,
        currency: 'EUR',
        amountMinor: 1000,
        refundedMinor: 1000,
        isFullyRefunded: false,
        pointsReversed: 10,
        pointsRestored: 0,
        pointsWrittenOff: 0,
      },
    });
  });

  it('records points.adjusted, and nothing for an adjustment refused for insufficient points', async () => {
    const member = await createMember(world);
    const adjustment = await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points: 30, reason: 'Welcome gift for Ana' })
      .expect(201);
    const event = await theEvent('points.adjusted', { adjustmentId: adjustment.body.id });
    expect(event).toMatchObject({
      memberId: oid(member.id),
      storeId: null,
      payloadVersion: 1,
      payload: {
        adjustmentId: adjustment.body.id,
        points: 30,
        actor: { kind: 'staff', id: world.manager.id },
      },
    });
    expect(JSON.stringify(event.payload)).not.toContain('Ana');

    const refused = await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points: -31, reason: 'too much' })
      .expect(409);
    expect(refused.body.error.code).toBe('INSUFFICIENT_POINTS');
    expect((await eventsOf(member.id, 'points.adjusted')).map((e) => e.payload.points)).toEqual([30]);
  });
});

describe('redemptions', () => {
  async function createReward(body: Record<string, unknown> = {}) {
    const response = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({ name: '€2 off', pointsCost: 20, kind: 'fixed_discount', valueMinor: 200, ...body })
      .expect(201);
    return response.body as { id: string };
  }
  const redeem = (body: Record<string, unknown>, key: string = randomUUID()) =>
    world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', key)
      .send({ storeId: world.storeId, ...body });
  /** A member with `points` spendable points (an adjustment credits them available at once). */
  async function memberWith(points: number) {
    const member = await createMember(world);
    await world.app.request
      .post(`/api/v1/members/${member.id}/adjustments`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ points, reason: 'starting balance' })
      .expect(201);
    return member;
  }

  it('records redemption.created, once per Idempotency-Key, and redemption.cancelled', async () => {
    const member = await memberWith(50);
    const reward = await createReward();
    const key = randomUUID();
    const redemption = await redeem({ memberId: member.id, rewardId: reward.id }, key).expect(201);
    await redeem({ memberId: member.id, rewardId: reward.id }, key).expect(201);
    const created = await theEvent('redemption.created', { redemptionId: redemption.body.id });
    expect(created).toMatchObject({
      memberId: oid(member.id),
      storeId: oid(world.storeId),
      subject: { redemptionId: redemption.body.id, rewardId: reward.id },
      payloadVersion: 1,
      payload: {
        redemptionId: redemption.body.id,
        rewardId: reward.id,
        pointsSpent: 20,
        apply: { kind: 'fixed_discount', valueMinor: 200 },
      },
    });

    await world.app.request
      .post(`/api/v1/redemptions/${redemption.body.id}/cancel`)
      .set(world.cashier.auth)
      .expect(200);
    const cancelled = await theEvent('redemption.cancelled', { redemptionId: redemption.body.id });
    expect(cancelled).toMatchObject({
      memberId: oid(member.id),
      storeId: oid(world.storeId),
      payloadVersion: 1,
      payload: {
        redemptionId: redemption.body.id,
        rewardId: reward.id,
        pointsSpent: 20,
        pointsReturned: 20,
        pointsExpired: 0,
      },
    });
    expect((await eventsOf(member.id)).map((e) => e.type)).toEqual([
      'member.created',
      'points.adjusted',
      'redemption.created',
      'redemption.cancelled',
    ]);
  });

  it('records a payment with points without a reward', async () => {
    const member = await memberWith(50);
    const redemption = await redeem({ memberId: member.id, points: 15 }).expect(201);
    const created = await theEvent('redemption.created', { redemptionId: redemption.body.id });
    expect(created.subject).toEqual({ redemptionId: redemption.body.id });
    expect(created.payload).toMatchObject({
      rewardId: null,
      pointsSpent: 15,
      apply: { kind: 'points_payment', valueMinor: redemption.body.apply.valueMinor },
    });
  });

  it('writes no event for a redemption refused for insufficient points, nor for a dry run', async () => {
    const member = await memberWith(10);
    const reward = await createReward({ stock: 3 });
    const refused = await redeem({ memberId: member.id, rewardId: reward.id }).expect(409);
    expect(refused.body.error.code).toBe('INSUFFICIENT_POINTS');
    await redeem({ memberId: member.id, points: 5, dryRun: true }).expect(200);
    expect(await eventsOf(member.id, 'redemption.created')).toEqual([]);
  });

  it('writes no event for a cancellation refused because the redemption paid for a purchase', async () => {
    const member = await memberWith(40);
    const redemption = await redeem({ memberId: member.id, points: 10 }).expect(201);
    await buy(world, member.id, 1000, { redemptionIds: [redemption.body.id] });
    const refused = await world.app.request
      .post(`/api/v1/redemptions/${redemption.body.id}/cancel`)
      .set(world.cashier.auth)
      .expect(409);
    expect(refused.body.error.code).toBe('REDEMPTION_SETTLED');
    expect(await eventsOf(member.id, 'redemption.cancelled')).toEqual([]);
    const recorded = await eventsOf(member.id, 'purchase.recorded');
    expect(recorded[0]?.payload).toMatchObject({ pointsSpent: 10, redemptionIds: [redemption.body.id] });
  });
});

describe('members', () => {
  it('records member.created for a sign-up and for staff registering a member, without personal data', async () => {
    const joined = await signUpMember(world.app, { name: 'Lucía Pérez' });
    const bySignup = await theEvent('member.created', { memberId: joined.memberId });
    expect(bySignup).toMatchObject({
      memberId: oid(joined.memberId),
      storeId: null,
      payloadVersion: 1,
      payload: {
        memberId: joined.memberId,
        via: 'signup',
        consents: { email: false, sms: false, push: false },
      },
    });
    expect(bySignup.payload.joinedAt).toBe(clock.now().toISOString());
    expect(JSON.stringify(bySignup)).not.toMatch(/Lucía|Pérez/);
    expect(JSON.stringify(bySignup)).not.toContain(joined.phone);

    const registered = await createMember(world, { email: 'ana@example.com', consents: { sms: true } });
    const byStaff = await theEvent('member.created', { memberId: registered.id });
    expect(byStaff.payload).toMatchObject({
      via: 'staff',
      consents: { email: false, sms: true, push: false },
    });
    expect(JSON.stringify(byStaff)).not.toContain('ana@example.com');
  });

  it('records member.updated with the fields that changed, not their values, and nothing for no change', async () => {
    const member = await createMember(world);
    const patch = (body: Record<string, unknown>) =>
      world.app.request.patch(`/api/v1/members/${member.id}`).set(world.cashier.auth).send(body).expect(200);
    await patch({ email: 'new@example.com', consents: { sms: true } });
    await patch({ email: 'new@example.com', consents: { sms: true } });
    const [updated, ...more] = await eventsOf(member.id, 'member.updated');
    expect(more).toEqual([]);
    expect(updated).toMatchObject({
      memberId: oid(member.id),
      subject: { memberId: member.id },
      payloadVersion: 1,
      payload: {
        memberId: member.id,
        changed: ['email', 'consents.sms'],
        consents: { email: false, sms: true, push: false },
      },
    });
    expect(JSON.stringify(updated)).not.toContain('new@example.com');
  });

  it('records member.blocked and member.unblocked once per change of state', async () => {
    const member = await createMember(world);
    const act = (action: 'block' | 'unblock') =>
      world.app.request
        .post(`/api/v1/members/${member.id}/${action}`)
        .set(world.manager.auth)
        .send({ reason: 'card reported stolen' })
        .expect(200);
    await act('block');
    await act('block');
    await act('unblock');
    const changes = (await eventsOf(member.id)).filter((e) => e.type !== 'member.created');
    expect(changes.map((e) => [e.type, e.payload])).toEqual([
      ['member.blocked', { memberId: member.id, isBlocked: true }],
      ['member.unblocked', { memberId: member.id, isBlocked: false }],
    ]);
  });
});

describe('catalogue, rules and program', () => {
  it('records reward.created and reward.updated with the reward as subscribers see it', async () => {
    const created = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({ name: 'Free croissant', pointsCost: 40, kind: 'free_product', sku: 'CROISSANT', stock: 10 })
      .expect(201);
    const id = created.body.id as string;
    expect(await theEvent('reward.created', { rewardId: id })).toMatchObject({
      memberId: null,
      storeId: null,
      payloadVersion: 1,
      payload: {
        rewardId: id,
        name: 'Free croissant',
        pointsCost: 40,
        kind: 'free_product',
        sku: 'CROISSANT',
        stock: 10,
        isActive: true,
      },
    });
    await world.app.request
      .patch(`/api/v1/rewards/${id}`)
      .set(world.marketer.auth)
      .send({ pointsCost: 35, isActive: false })
      .expect(200);
    expect(await theEvent('reward.updated', { rewardId: id })).toMatchObject({
      payload: { rewardId: id, pointsCost: 35, isActive: false, changed: ['isActive', 'pointsCost'] },
    });
  });

  it('records rule.published per version, and rule.paused, rule.resumed, rule.archived', async () => {
    const created = await world.app.request
      .post('/api/v1/rules')
      .set(world.marketer.auth)
      .send({
        definition: {
          name: 'Double Tuesdays',
          effects: [{ type: 'awardFixedPoints', points: 5 }],
        },
      })
      .expect(201);
    const id = created.body.id as string;
    const act = (action: string) =>
      world.app.request.post(`/api/v1/rules/${id}/${action}`).set(world.marketer.auth).expect(200);
    await act('publish');
    await act('pause');
    await act('resume');
    await act('archive');
    const events = await eventsWhere({ 'subject.ruleId': id });
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['rule.published', { ruleId: id, version: 1, name: 'Double Tuesdays', previousStatus: 'draft' }],
      ['rule.paused', { ruleId: id, version: 1, name: 'Double Tuesdays', previousStatus: 'published' }],
      ['rule.resumed', { ruleId: id, version: 1, name: 'Double Tuesdays', previousStatus: 'paused' }],
      ['rule.archived', { ruleId: id, version: 1, name: 'Double Tuesdays', previousStatus: 'published' }],
    ]);
    expect(events.every((e) => e.payloadVersion === 1 && e.memberId === null)).toBe(true);
  });

  it('writes no rule event for a refused publish', async () => {
    const created = await world.app.request
      .post('/api/v1/rules')
      .set(world.marketer.auth)
      .send({ definition: { name: 'Once', effects: [{ type: 'awardFixedPoints', points: 1 }] } })
      .expect(201);
    const id = created.body.id as string;
    await world.app.request.post(`/api/v1/rules/${id}/publish`).set(world.marketer.auth).expect(200);
    const again = await world.app.request
      .post(`/api/v1/rules/${id}/publish`)
      .set(world.marketer.auth)
      .expect(409);
    expect(again.body.error.code).toBe('NOTHING_TO_PUBLISH');
    expect(await eventsWhere({ 'subject.ruleId': id })).toHaveLength(1);
    await world.app.request.post(`/api/v1/rules/${id}/archive`).set(world.marketer.auth).expect(200);
  });

  it('records program.updated with what changed, and nothing when nothing did', async () => {
    const before = await eventsWhere({ type: 'program.updated' });
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ pendingDays: 7, name: 'Café Club' })
      .expect(200);
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ pendingDays: 7 })
      .expect(200);
    const after = await eventsWhere({ type: 'program.updated' });
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({
      memberId: null,
      storeId: null,
      subject: { programId: 'program' },
      payloadVersion: 1,
      payload: {
        changed: ['name', 'pendingDays'],
        settings: { name: 'Café Club', pendingDays: 7, expiryMonths: 12, currency: 'EUR' },
      },
    });
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ pendingDays: 14 })
      .expect(200);
  });
});

describe('due-date sweeps', () => {
  it('records points.activated per lot when the return window closes and points.expired when the lot expires', async () => {
    const start = clock.now().getTime();
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 1200);
    const [earned] = await eventsOf(member.id, 'points.earned');
    const lotId = String(earned?.payload.lotId);

    clock.set(start + 14 * DAY);
    await world.app.runtime.services.ledger.activateDue();
    const activated = await theEvent('points.activated', { lotId });
    expect(activated).toMatchObject({
      memberId: oid(member.id),
      occurredAt: new Date(purchase.availableAt),
      payloadVersion: 1,
      payload: {
        lotId,
        points: 12,
        availableAt: purchase.availableAt,
        source: { type: 'purchase', id: purchase.id },
      },
    });
    await world.app.runtime.services.ledger.activateDue();
    expect(await eventsOf(member.id, 'points.activated')).toHaveLength(1);

    clock.set(start + 400 * DAY);
    await world.app.runtime.services.ledger.expireDue();
    const expired = await theEvent('points.expired', { lotId });
    expect(expired).toMatchObject({
      memberId: oid(member.id),
      payloadVersion: 1,
      payload: { lotId, points: 12, wasPending: false, source: { type: 'purchase', id: purchase.id } },
    });
    expect(expired.occurredAt.toISOString()).toBe(expired.payload.expiresAt);
    await world.app.runtime.services.ledger.expireDue();
    expect(await eventsOf(member.id, 'points.expired')).toHaveLength(1);
    clock.set(start);
  });
  it('records points.activated when a balance read settles the lot first, and none twice; a refused spend settles nothing', async () => {
    const start = clock.now().getTime();
    const member = await createMember(world);
    await buy(world, member.id, 3000);
    const [earned] = await eventsOf(member.id, 'points.earned');
    const lotId = String(earned?.payload.lotId);

    clock.set(start + 14 * DAY);
    expect((await memberDetail(world, member.id)).balance.available).toBe(30);
    await theEvent('points.activated', { lotId });
    await world.app.runtime.services.ledger.activateDue();
    expect(await eventsOf(member.id, 'points.activated')).toHaveLength(1);

    clock.set(start + 400 * DAY);
    // The redemption's transaction expires the lot before it spends, then is refused and rolled back.
    const dry = await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: member.id, points: 5, dryRun: true });
    expect(dry.body.error.code).toBe('INSUFFICIENT_POINTS');
    expect(await eventsOf(member.id, 'points.expired')).toEqual([]);
    await world.app.runtime.services.ledger.expireDue();
    await theEvent('points.expired', { lotId });
    clock.set(start);
  });
});
