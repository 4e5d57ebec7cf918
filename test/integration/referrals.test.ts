import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { ManualClock } from '@regulars/backend';
import { normaliseEmail, normaliseReferralCode } from '../../backend/src/modules/referrals/referral-code.js';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  type LedgerWorld,
} from './ledger-helpers.js';

const DAY = 24 * 3600_000;
const clock = new ManualClock(Date.parse('2026-05-03T10:00:00Z'));
let world: LedgerWorld;

const TERMS = {
  isActive: true,
  referrerReward: { kind: 'points', points: 500 },
  refereeReward: { kind: 'points', points: 200 },
  refereeRewardOn: 'first_purchase',
  minimumPurchaseMinor: 2000,
  clearingDays: 30,
  attributionDays: 60,
  monthlyCap: null,
  lifetimeCap: null,
  capPolicy: 'reject',
  reviewThreshold: 50,
};

beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 14 }, baseRule: false });
}, 120_000);
afterAll(() => world.close());

const referrals = () => world.app.runtime.services.referrals;
const dispatch = () => world.app.runtime.services.eventDispatcher.dispatch({ maxBatches: 200 });

async function saveTerms(overrides: Record<string, unknown> = {}) {
  const response = await world.app.request
    .put('/api/v1/referral-terms')
    .set(world.marketer.auth)
    .send({ ...TERMS, ...overrides });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { version: number };
}

async function codeOf(memberId: string) {
  const response = await world.app.request
    .get(`/api/v1/members/${memberId}/referral`)
    .set(world.cashier.auth)
    .expect(200);
  return response.body as { code: string; shareUrl: string; friends: Array<Record<string, unknown>> };
}

async function claim(memberId: string, code: string, extra: Record<string, unknown> = {}) {
  return world.app.request
    .post(`/api/v1/members/${memberId}/referral`)
    .set(world.cashier.auth)
    .send({ code, ...extra });
}

async function referral(id: string) {
  const response = await world.app.request
    .get(`/api/v1/referrals/${id}`)
    .set(world.marketer.auth)
    .expect(200);
  return response.body as Record<string, unknown> & { status: string; rejectReason: string | null };
}

async function refund(purchaseId: string, amountMinor: number) {
  await world.app.request
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(world.manager.auth)
    .set('Idempotency-Key', randomUUID())
    .send({ amountMinor, reason: 'returned' })
    .expect(201);
}

describe('normalisation', () => {
  it('reads Gmail addresses without dots and +tags, and other addresses without +tags', () => {
    expect(normaliseEmail('M.A.R.I.A+promo@GoogleMail.com')).toBe('maria@gmail.com');
    expect(normaliseEmail('maria@gmail.com')).toBe('maria@gmail.com');
    expect(normaliseEmail('ma.ria+x@example.com')).toBe('ma.ria@example.com');
  });

  it('reads a code in any case, with spaces or without its dash', () => {
    expect(normaliseReferralCode('maria 7k3f')).toBe('MARIA-7K3F');
    expect(normaliseReferralCode('MARIA7K3F')).toBe('MARIA-7K3F');
  });
});

describe('terms', () => {
  it('refuses a zero reward and a clearing window shorter than the return window, writing nothing', async () => {
    const zero = await world.app.request
      .put('/api/v1/referral-terms')
      .set(world.marketer.auth)
      .send({ ...TERMS, referrerReward: { kind: 'points', points: 0 } });
    expect(zero.status).toBe(400);
    expect(zero.body.error.code).toBe('VALIDATION_FAILED');
    const short = await world.app.request
      .put('/api/v1/referral-terms')
      .set(world.marketer.auth)
      .send({ ...TERMS, clearingDays: 7 });
    expect(short.status).toBe(422);
    expect(short.body.error).toMatchObject({
      code: 'REFERRAL_CLEARING_TOO_SHORT',
      details: { clearingDays: 7, returnWindowDays: 14 },
    });
    expect(await mongoose.connection.collection('referral_terms').countDocuments()).toBe(0);
  });

  it('keeps every version and audits each save', async () => {
    await saveTerms();
    await saveTerms({ minimumPurchaseMinor: 2000 });
    const history = await world.app.request
      .get('/api/v1/referral-terms')
      .set(world.marketer.auth)
      .expect(200);
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(
      await mongoose.connection.collection('audit_log').countDocuments({ action: 'referral_terms.save' }),
    ).toBe(2);
  });
});

describe('codes and attribution', () => {
  it('gives a code people can say aloud and a share link to the card join flow', async () => {
    const maria = await createMember(world, { name: 'María López' });
    const { code, shareUrl } = await codeOf(maria.id);
    expect(code).toMatch(/^MARIA-[34679ACDEFGHJKMNPQRTUVWXY]{4}$/);
    expect(shareUrl).toMatch(new RegExp(`/card/\\?ref=${code}$`));
    const opened = await world.app.request
      .post(`/api/v1/referral-codes/${code.toLowerCase()}/opens`)
      .expect(200);
    expect(opened.body).toEqual({ code, referrerName: 'María', isActive: true });
  });

  it('refuses an unknown code, one’s own code, a second code and a code after the first purchase', async () => {
    const maria = await createMember(world, { name: 'Maria' });
    const pablo = await createMember(world, { name: 'Pablo' });
    const ana = await createMember(world, { name: 'Ana' });
    const mariaCode = (await codeOf(maria.id)).code;
    const pabloCode = (await codeOf(pablo.id)).code;
    expect((await claim(ana.id, 'NOBODY-7777')).body.error.code).toBe('REFERRAL_CODE_NOT_FOUND');
    const own = await claim(maria.id, mariaCode);
    expect(own.status).toBe(422);
    expect(own.body.error.code).toBe('REFERRAL_OWN_CODE');
    expect((await claim(ana.id, mariaCode)).status).toBe(201);
    const second = await claim(ana.id, pabloCode);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ALREADY_REFERRED');
    const late = await createMember(world, { name: 'Luis' });
    await buy(world, late.id, 3000);
    const tooLate = await claim(late.id, mariaCode);
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error.code).toBe('REFERRAL_TOO_LATE');
    expect(await mongoose.connection.collection('referrals').countDocuments({ code: pabloCode })).toBe(0);
  });
});

describe('the full path on the injected clock', () => {
  it('join with a code → first purchase → the return window passes → both rewarded', async () => {
    await saveTerms();
    const maria = await createMember(world, { name: 'Maria' });
    const ana = await createMember(world, { name: 'Ana' });
    const { code } = await codeOf(maria.id);
    const claimed = await claim(ana.id, code);
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ status: 'attributed', score: 0, review: { status: 'none' } });
    const purchase = await buy(world, ana.id, 2500);
    await dispatch();
    const qualified = await referral(claimed.body.id);
    expect(qualified).toMatchObject({ status: 'qualified', qualifyingPurchaseId: purchase.id });
    expect(qualified.clearsAt).toBe(new Date(clock.now().getTime() + 30 * DAY).toISOString());

    clock.advance(29 * DAY);
    expect(await referrals().clearDue()).toMatchObject({ rewarded: 0 });
    clock.advance(1 * DAY);
    expect(await referrals().clearDue()).toMatchObject({ rewarded: 1 });
    expect(await referrals().clearDue()).toMatchObject({ rewarded: 0 });
    const rewarded = await referral(claimed.body.id);
    expect(rewarded).toMatchObject({
      status: 'rewarded',
      referrerReward: { kind: 'points', points: 500 },
      refereeReward: { kind: 'points', points: 200 },
    });
    expect((await memberDetail(world, maria.id)).balance.available).toBe(500);
    expect((await memberDetail(world, ana.id)).balance.available).toBe(200);
    const view = await codeOf(maria.id);
    expect(view.friends).toMatchObject([{ name: 'Ana', status: 'rewarded' }]);
    for (const type of [
      'referral.attributed',
      'referral.qualified',
      'referral.cleared',
      'referral.rewarded',
    ]) {
      expect(
        await mongoose.connection
          .collection('events')
          .countDocuments({ type, 'payload.referralId': claimed.body.id }),
        type,
      ).toBe(1);
    }
    await dispatch();
    const funnel = await world.app.request
      .get(`/api/v1/referrals/funnel?referrerId=${maria.id}`)
      .set(world.marketer.auth)
      .expect(200);
    expect(funnel.body).toMatchObject({
      joins: 1,
      qualified: 1,
      cleared: 1,
      rewarded: 1,
      rewardsCostMinor: 700,
    });
    await expectLedgerClean(world);
  });

  it('a partial refund that drops the purchase under the minimum after the reward → reversed', async () => {
    await saveTerms();
    const maria = await createMember(world, { name: 'Maria' });
    const ana = await createMember(world, { name: 'Ana' });
    const claimed = await claim(ana.id, (await codeOf(maria.id)).code);
    const purchase = await buy(world, ana.id, 2500);
    await dispatch();
    clock.advance(31 * DAY);
    await referrals().clearDue();
    expect((await referral(claimed.body.id)).status).toBe('rewarded');
    await refund(purchase.id, 1000);
    await dispatch();
    const reversed = await referral(claimed.body.id);
    expect(reversed).toMatchObject({
      status: 'reversed',
      reversal: { pointsTaken: 700, pointsDebt: 0, couponsVoided: 0 },
    });
    expect((await memberDetail(world, maria.id)).balance.available).toBe(0);
    expect((await memberDetail(world, ana.id)).balance.available).toBe(0);
    await expectLedgerClean(world);
  });

  it('a refund under the minimum before clearing rejects it; a first purchase under the minimum too', async () => {
    await saveTerms();
    const maria = await createMember(world, { name: 'Maria' });
    const [ana, luis] = [
      await createMember(world, { name: 'Ana' }),
      await createMember(world, { name: 'Luis' }),
    ];
    const code = (await codeOf(maria.id)).code;
    const a = await claim(ana.id, code);
    const l = await claim(luis.id, code);
    const purchase = await buy(world, ana.id, 2500);
    await buy(world, luis.id, 1500);
    await dispatch();
    expect((await referral(l.body.id)).rejectReason).toBe('first_purchase_below_minimum');
    await refund(purchase.id, 600);
    await dispatch();
    expect(await referral(a.body.id)).toMatchObject({ status: 'rejected', rejectReason: 'refunded' });
  });
});

describe('caps under concurrency', () => {
  it('100 concurrent clearings under a monthly cap of 5 reward exactly 5; the rest CAP_REACHED', async () => {
    await saveTerms({ monthlyCap: 5, refereeReward: null });
    const maria = await createMember(world, { name: 'Maria' });
    const code = (await codeOf(maria.id)).code;
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      const friend = await createMember(world, { name: `Friend${i}` });
      const claimed = await claim(friend.id, code);
      expect(claimed.status).toBe(201);
      ids.push(claimed.body.id as string);
      await buy(world, friend.id, 2500);
    }
    await dispatch();
    clock.advance(31 * DAY);
    const outcomes = await Promise.all(ids.map((id) => referrals().clearOne(new Types.ObjectId(id))));
    expect(outcomes.filter((o) => o === 'rewarded')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(95);
    const rejected = await mongoose.connection
      .collection('referrals')
      .countDocuments({ referrerId: new Types.ObjectId(maria.id), rejectReason: 'CAP_REACHED' });
    expect(rejected).toBe(95);
    expect((await memberDetail(world, maria.id)).balance.available).toBe(2500);
  }, 240_000);

  it('moves the clearing to the 1st of next month under the next_month policy', async () => {
    await saveTerms({ monthlyCap: 1, refereeReward: null, capPolicy: 'next_month' });
    const maria = await createMember(world, { name: 'Maria' });
    const code = (await codeOf(maria.id)).code;
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const friend = await createMember(world, { name: `Friend${i}` });
      ids.push((await claim(friend.id, code)).body.id as string);
      await buy(world, friend.id, 2500);
    }
    await dispatch();
    clock.advance(31 * DAY);
    expect(await referrals().clearDue()).toMatchObject({ rewarded: 1, deferred: 2 });
    const deferred = await mongoose.connection
      .collection('referrals')
      .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, deferredByCap: true })
      .toArray();
    expect(deferred).toHaveLength(2);
    const next = deferred[0]?.clearsAt as Date;
    expect(next.getTime()).toBeGreaterThan(clock.now().getTime());
    clock.set(next.getTime());
    expect(await referrals().clearDue()).toMatchObject({ rewarded: 1, deferred: 1 });
  }, 120_000);
});

describe('fraud signals and the review queue', () => {
  it('scores the same Gmail mailbox and the same device, sends it to review, and a manager decides (audited)', async () => {
    await saveTerms();
    const user = `m.aria.${randomUUID().slice(0, 6)}`;
    const maria = await createMember(world, { name: 'Maria', email: `${user}@gmail.com` });
    const ana = await createMember(world, {
      name: 'Ana',
      email: `${user.replace(/\./g, '')}+friend@googlemail.com`,
    });
    const memberSession = world.app.runtime.services.referrals;
    await memberSession.recordDevice(maria.id, 'device-maria-1234');
    const claimed = await claim(ana.id, (await codeOf(maria.id)).code, { deviceId: 'device-maria-1234' });
    expect(claimed.status).toBe(201);
    expect(claimed.body.review.status).toBe('pending');
    expect(claimed.body.signals.map((s: { type: string }) => s.type).sort()).toEqual([
      'same_device',
      'same_email',
    ]);
    expect(claimed.body.score).toBe(100);
    const queue = await world.app.request
      .get('/api/v1/referrals?review=pending')
      .set(world.manager.auth)
      .expect(200);
    expect(queue.body.items.map((r: { id: string }) => r.id)).toContain(claimed.body.id);
    await buy(world, ana.id, 2500);
    await dispatch();
    clock.advance(31 * DAY);
    await referrals().clearDue();
    expect((await referral(claimed.body.id)).status).toBe('qualified');
    const marketer = await world.app.request
      .post(`/api/v1/referrals/${claimed.body.id}/review`)
      .set(world.marketer.auth)
      .send({ decision: 'approve', note: 'ok' });
    expect(marketer.status).toBe(403);
    const approved = await world.app.request
      .post(`/api/v1/referrals/${claimed.body.id}/review`)
      .set(world.manager.auth)
      .send({ decision: 'approve', note: 'Sisters; checked by phone' })
      .expect(200);
    expect(approved.body.review).toMatchObject({ status: 'approved', note: 'Sisters; checked by phone' });
    const again = await world.app.request
      .post(`/api/v1/referrals/${claimed.body.id}/review`)
      .set(world.manager.auth)
      .send({ decision: 'reject', note: 'changed my mind' });
    expect(again.body.error.code).toBe('REFERRAL_NOT_IN_REVIEW');
    await referrals().clearDue();
    expect((await referral(claimed.body.id)).status).toBe('rewarded');
    expect(
      await mongoose.connection.collection('audit_log').countDocuments({ action: 'referral.review.approve' }),
    ).toBe(1);
  });

  it('a household on the allow-list shares a device without a signal; a rejected review rejects the referral', async () => {
    await saveTerms();
    const maria = await createMember(world, { name: 'Maria' });
    const ana = await createMember(world, { name: 'Ana' });
    const luis = await createMember(world, { name: 'Luis' });
    await world.app.request
      .post('/api/v1/referral-households')
      .set(world.manager.auth)
      .send({ memberIds: [maria.id, ana.id], note: 'Same flat' })
      .expect(201);
    await referrals().recordDevice(maria.id, 'family-tablet-01');
    const code = (await codeOf(maria.id)).code;
    const household = await claim(ana.id, code, { deviceId: 'family-tablet-01' });
    expect(household.body).toMatchObject({ score: 0, signals: [], review: { status: 'none' } });
    const other = await claim(luis.id, code, { deviceId: 'family-tablet-01' });
    expect(other.body).toMatchObject({ score: 50, review: { status: 'pending' } });
    await world.app.request
      .post(`/api/v1/referrals/${other.body.id}/review`)
      .set(world.manager.auth)
      .send({ decision: 'reject', note: 'Same device as the referrer' })
      .expect(200);
    expect(await referral(other.body.id)).toMatchObject({
      status: 'rejected',
      rejectReason: 'review_rejected',
    });
  });
});

describe('attribution window', () => {
  it('rejects a referral whose friend did not buy within the window', async () => {
    await saveTerms({ attributionDays: 10 });
    const maria = await createMember(world, { name: 'Maria' });
    const ana = await createMember(world, { name: 'Ana' });
    const claimed = await claim(ana.id, (await codeOf(maria.id)).code);
    clock.advance(11 * DAY);
    expect((await referrals().clearDue()).expired).toBeGreaterThanOrEqual(1);
    expect(await referral(claimed.body.id)).toMatchObject({
      status: 'rejected',
      rejectReason: 'attribution_expired',
    });
  });
});
