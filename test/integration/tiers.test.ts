import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { ManualClock } from '@regulars/backend';
import { buy, createLedgerWorld, createMember, type LedgerWorld } from './ledger-helpers.js';

const DAY = 24 * 3600_000;
const clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));
let world: LedgerWorld;
/** A member who bought €250 before any ladder existed. */
let earlyBuyer: string;

/** Bronze (base), Silver from €100, Gold from €200 spent in the last 12 months; kept 12 months, 30 days' grace. */
const ladder = (overrides: Record<string, unknown> = {}) => ({
  basis: 'spend',
  window: { kind: 'rolling_months', months: 12 },
  retention: { kind: 'months', months: 12 },
  downgrade: { policy: 'to_qualified', graceDays: 30, warnDaysBefore: 14 },
  tiers: [
    { code: 'bronze', name: 'Bronze', threshold: 0 },
    { code: 'silver', name: 'Silver', threshold: 10_000, discountPercent: 5 },
    { code: 'gold', name: 'Gold', threshold: 20_000, discountPercent: 10 },
  ],
  ...overrides,
});

beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 0 } });
}, 120_000);
afterAll(() => world.close());

const tierOf = async (memberId: string) =>
  (await world.app.request.get(`/api/v1/members/${memberId}/tier`).set(world.cashier.auth).expect(200))
    .body as {
    tier: { code: string };
    since: string | null;
    qualifiedUntil: string | null;
    downgradeAt: string | null;
    qualifyingValue: number;
    next: { code: string; remaining: number } | null;
    keep: { remaining: number; by: string } | null;
    override: { kind: string; tier: string; reason: string } | null;
    history: Array<{ kind: string; from: string | null; to: string; reason: string }>;
  };
const events = (type: string, memberId: string) =>
  mongoose.connection
    .collection('events')
    .find({ type, memberId: new Types.ObjectId(memberId) })
    .sort({ _id: 1 })
    .toArray();
/** The member's `tier` field, as the rules read it. */
const memberField = async (memberId: string) =>
  (await world.app.request.get(`/api/v1/members/${memberId}`).set(world.cashier.auth).expect(200)).body as {
    tier: string | null;
  };
const sweep = () => world.app.runtime.services.tiers.sweep();
const refund = (purchaseId: string, amountMinor?: number) =>
  world.app.request
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(world.manager.auth)
    .set('Idempotency-Key', randomUUID())
    .send(amountMinor ? { amountMinor } : {});

describe('the tier ladder: bad input', () => {
  it('answers 404 TIER_LADDER_NOT_FOUND for the ladder, and no tier for a member, before any ladder is published', async () => {
    const response = await world.app.request.get('/api/v1/tiers/ladder').set(world.marketer.auth).expect(404);
    expect(response.body.error.code).toBe('TIER_LADDER_NOT_FOUND');
    const member = await createMember(world);
    earlyBuyer = member.id;
    // Purchases are counted before any ladder exists.
    await buy(world, member.id, 25_000);
    // The member's tier is null (200) until a ladder exists: the card and the desk show none.
    const tier = await world.app.request
      .get(`/api/v1/members/${member.id}/tier`)
      .set(world.cashier.auth)
      .expect(200);
    expect(tier.body).toBeNull();
  });

  it('refuses a ladder with no base tier, overlapping thresholds or a duplicate code, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string, unknown]> = [
      [{ tiers: [{ code: 'silver', name: 'Silver', threshold: 100 }] }, 'TIER_LADDER_NO_BASE', undefined],
      [
        {
          tiers: [
            { code: 'bronze', name: 'Bronze', threshold: 0 },
            { code: 'silver', name: 'Silver', threshold: 500 },
            { code: 'gold', name: 'Gold', threshold: 500 },
          ],
        },
        'TIER_THRESHOLDS_NOT_INCREASING',
        [{ path: 'tiers[2].threshold', message: '500 is not above 500 (tiers[1])' }],
      ],
      [
        {
          tiers: [
            { code: 'bronze', name: 'Bronze', threshold: 0 },
            { code: 'bronze', name: 'Bronze 2', threshold: 500 },
          ],
        },
        'TIER_CODE_DUPLICATE',
        [{ path: 'tiers[1].code', message: '"bronze" is already tiers[0]' }],
      ],
    ];
    for (const [overrides, code, details] of cases) {
      for (const path of ['/api/v1/tiers/ladder', '/api/v1/tiers/preview']) {
        const response = await world.app.request
          .post(path)
          .set(world.marketer.auth)
          .send(ladder(overrides))
          .expect(422);
        expect(response.body.error.code).toBe(code);
        if (details) expect(response.body.error.details).toEqual(details);
      }
    }
    // A privilege nothing carries out is refused, not stored: the earn multiplier is a rule.
    const hollow = await world.app.request
      .post('/api/v1/tiers/ladder')
      .set(world.marketer.auth)
      .send(ladder({ tiers: [{ code: 'bronze', name: 'Bronze', threshold: 0, earnMultiplier: 1.5 }] }))
      .expect(400);
    expect(hollow.body.error.code).toBe('VALIDATION_FAILED');
    expect(await mongoose.connection.collection('tier_ladders').countDocuments()).toBe(0);
  });

  it('lets only marketers and admins publish (a cashier gets 403)', async () => {
    await world.app.request.post('/api/v1/tiers/ladder').set(world.cashier.auth).send(ladder()).expect(403);
  });
});

describe('evaluation', () => {
  let silverMember: string;

  beforeAll(async () => {
    const published = await world.app.request
      .post('/api/v1/tiers/ladder')
      .set(world.marketer.auth)
      .send({ ...ladder(), reason: 'launch' })
      .expect(201);
    expect(published.body.version).toBe(1);
    expect(published.body.tiers[1]).toEqual({
      code: 'silver',
      name: 'Silver',
      threshold: 10_000,
      neverDowngrade: false,
      discountPercent: 5,
    });
    const audit = await mongoose.connection
      .collection('audit_log')
      .findOne({ action: 'tier_ladder.publish' });
    expect(audit?.reason).toBe('launch');
  });

  it('moves a member who bought before the ladder existed onto it with the sweep', async () => {
    const result = await sweep();
    expect(result.moved).toBe(1);
    const tier = await tierOf(earlyBuyer);
    expect(tier.tier.code).toBe('gold');
    expect(tier.history[0]).toMatchObject({ kind: 'ladder_change', from: null, to: 'gold' });
    expect((await memberField(earlyBuyer)).tier).toBe('gold');
    expect((await sweep()).moved).toBe(0);
  });

  it('upgrades at once on a qualifying purchase and a refund that un-qualifies reverses it', async () => {
    const member = await createMember(world);
    silverMember = member.id;
    await buy(world, member.id, 6_000);
    let tier = await tierOf(member.id);
    expect(tier.tier.code).toBe('bronze');
    expect(tier.next).toEqual(expect.objectContaining({ code: 'silver', remaining: 4_000 }));

    const second = await buy(world, member.id, 5_000);
    tier = await tierOf(member.id);
    expect(tier.tier.code).toBe('silver');
    expect(tier.since).toBe(clock.now().toISOString());
    expect(tier.qualifiedUntil).toBe('2027-03-02T10:00:00.000Z');
    expect(tier.downgradeAt).toBe(new Date(Date.parse('2027-03-02T10:00:00Z') + 30 * DAY).toISOString());
    expect(tier.next).toEqual(expect.objectContaining({ code: 'gold', remaining: 9_000 }));
    expect((await memberField(member.id)).tier).toBe('silver');
    const upgraded = await events('tier.upgraded', member.id);
    expect(upgraded).toHaveLength(1);
    expect(upgraded[0]?.payload).toMatchObject({ from: 'bronze', to: 'silver', kind: 'upgrade' });
    expect(upgraded[0]?.subject).toEqual({ purchaseId: second.id });

    // A partial refund that keeps €100 keeps Silver; the one that drops below reverses the upgrade.
    await refund(second.id, 1_000).expect(201);
    expect((await tierOf(member.id)).tier.code).toBe('silver');
    await refund(second.id, 4_000).expect(201);
    tier = await tierOf(member.id);
    expect(tier.tier.code).toBe('bronze');
    expect(tier.qualifyingValue).toBe(6_000);
    expect(tier.history[0]).toMatchObject({ kind: 'refund_reversal', from: 'silver', to: 'bronze' });
    expect((await events('tier.downgraded', member.id))[0]?.payload).toMatchObject({
      kind: 'refund_reversal',
    });
    expect((await memberField(member.id)).tier).toBe('bronze');

    await buy(world, member.id, 4_000);
    expect((await tierOf(member.id)).tier.code).toBe('silver');
  });

  it('never changes a tier when points are spent (thresholds count points earned, never the balance)', async () => {
    const reward = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({ name: 'Mug', pointsCost: 50, kind: 'free_product', sku: 'MUG' })
      .expect(201);
    const before = await tierOf(silverMember);
    await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: silverMember, rewardId: reward.body.id, storeId: world.storeId })
      .expect(201);
    const after = await tierOf(silverMember);
    expect(after).toEqual(before);
  });

  it('warns, keeps the tier through grace and downgrades exactly at the end of grace (injected clock)', async () => {
    const start = clock.now().getTime();
    const member = await createMember(world);
    await buy(world, member.id, 12_000);
    const tier = await tierOf(member.id);
    const downgradeAt = Date.parse(tier.downgradeAt!);
    expect(tier.keep).toEqual({
      remaining: 10_000,
      by: new Date(Date.parse(tier.qualifiedUntil!) - 1).toISOString(),
    });
    try {
      clock.set(downgradeAt - 14 * DAY - 1);
      await sweep();
      expect(await events('tier.will_downgrade', member.id)).toHaveLength(0);
      clock.set(downgradeAt - 14 * DAY);
      await sweep();
      const warned = await events('tier.will_downgrade', member.id);
      expect(warned).toHaveLength(1);
      expect(warned[0]?.payload).toMatchObject({ tier: 'silver', to: 'bronze', remaining: 10_000 });
      await sweep();
      expect(await events('tier.will_downgrade', member.id)).toHaveLength(1);

      clock.set(downgradeAt - 1);
      await sweep();
      expect((await tierOf(member.id)).tier.code).toBe('silver');
      clock.set(downgradeAt);
      const result = await sweep();
      expect(result.downgraded).toBeGreaterThanOrEqual(1);
      const after = await tierOf(member.id);
      expect(after.tier.code).toBe('bronze');
      expect(after.history[0]).toMatchObject({ kind: 'downgrade', from: 'silver', to: 'bronze' });
      // Idempotent: a second run changes nothing.
      const again = await sweep();
      expect(again.downgraded).toBe(0);
      expect((await events('tier.downgraded', member.id)).length).toBe(1);
    } finally {
      clock.set(start);
    }
  });

  it('keeps the tier of a member who qualifies again during grace', async () => {
    const start = clock.now().getTime();
    const member = await createMember(world);
    await buy(world, member.id, 10_000);
    const first = await tierOf(member.id);
    const qualifiedUntil = Date.parse(first.qualifiedUntil!);
    try {
      clock.set(qualifiedUntil + 10 * DAY);
      await buy(world, member.id, 10_000);
      clock.set(Date.parse(first.downgradeAt!));
      await sweep();
      const kept = await tierOf(member.id);
      expect(kept.tier.code).toBe('silver');
      expect(kept.qualifiedUntil).toBe(new Date('2028-03-02T10:00:00Z').toISOString());
    } finally {
      clock.set(start);
    }
  });

  it('sets and clears a manual override with a reason, shown in the projection and the history', async () => {
    const member = await createMember(world);
    const path = `/api/v1/members/${member.id}/tier/override`;
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'floor', tier: 'gold' }, 'TIER_OVERRIDE_REASON_REQUIRED'],
      [{ kind: 'floor', tier: 'gold', reason: '   ' }, 'TIER_OVERRIDE_REASON_REQUIRED'],
      [{ kind: 'floor', tier: 'diamond', reason: 'VIP' }, 'TIER_UNKNOWN'],
      [{ kind: 'fixed_until', tier: 'gold', reason: 'VIP' }, 'TIER_OVERRIDE_UNTIL_INVALID'],
      [
        { kind: 'fixed_until', tier: 'gold', reason: 'VIP', until: '2020-01-01T00:00:00Z' },
        'TIER_OVERRIDE_UNTIL_INVALID',
      ],
      [
        { kind: 'floor', tier: 'gold', reason: 'VIP', until: '2030-01-01T00:00:00Z' },
        'TIER_OVERRIDE_UNTIL_INVALID',
      ],
    ];
    for (const [body, code] of refused) {
      const response = await world.app.request.post(path).set(world.manager.auth).send(body).expect(422);
      expect(response.body.error.code).toBe(code);
    }
    await world.app.request
      .post(path)
      .set(world.cashier.auth)
      .send({ kind: 'floor', tier: 'gold', reason: 'x' })
      .expect(403);
    expect(
      await mongoose.connection
        .collection('tier_changes')
        .countDocuments({ memberId: new Types.ObjectId(member.id) }),
    ).toBe(0);

    const set = await world.app.request
      .post(path)
      .set(world.manager.auth)
      .send({ kind: 'floor', tier: 'gold', reason: 'Complaint settled' })
      .expect(200);
    expect(set.body.tier.code).toBe('gold');
    expect(set.body.override).toEqual({
      kind: 'floor',
      tier: 'gold',
      until: null,
      reason: 'Complaint settled',
    });
    expect(set.body.downgradeAt).toBeNull();
    expect(set.body.history[0]).toMatchObject({ kind: 'override', from: 'bronze', to: 'gold' });
    expect((await memberField(member.id)).tier).toBe('gold');

    const cleared = await world.app.request
      .post(`${path}/clear`)
      .set(world.manager.auth)
      .send({ reason: 'Goodwill period over' })
      .expect(200);
    expect(cleared.body.tier.code).toBe('bronze');
    expect(cleared.body.override).toBeNull();
    expect(cleared.body.history[0]).toMatchObject({
      kind: 'override_cleared',
      reason: 'Goodwill period over',
    });
  });

  it('holds a fixed tier until its date, then the ladder decides again (the sweep)', async () => {
    const start = clock.now().getTime();
    const member = await createMember(world);
    const until = new Date(start + 10 * DAY).toISOString();
    await world.app.request
      .post(`/api/v1/members/${member.id}/tier/override`)
      .set(world.manager.auth)
      .send({ kind: 'fixed_until', tier: 'silver', until, reason: 'Trial' })
      .expect(200);
    // A qualifying purchase does not move a fixed tier.
    await buy(world, member.id, 25_000);
    expect((await tierOf(member.id)).tier.code).toBe('silver');
    try {
      clock.set(Date.parse(until));
      await sweep();
      const after = await tierOf(member.id);
      expect(after.tier.code).toBe('gold');
      expect(after.override).toBeNull();
      expect(after.history[0]).toMatchObject({ kind: 'override_cleared', from: 'silver', to: 'gold' });
    } finally {
      clock.set(start);
    }
  });

  it('previews a draft ladder without writing, and the sweep moves members onto a published one', async () => {
    const draft = ladder({
      tiers: [
        { code: 'bronze', name: 'Bronze', threshold: 0 },
        { code: 'silver', name: 'Silver', threshold: 10_000 },
        { code: 'platinum', name: 'Platinum', threshold: 15_000 },
      ],
    });
    const before = await mongoose.connection.collection('member_tiers').find().toArray();
    const preview = await world.app.request
      .post('/api/v1/tiers/preview')
      .set(world.marketer.auth)
      .send(draft)
      .expect(200);
    expect(preview.body.evaluated).toBe(before.length);
    const platinum = preview.body.perTier.find((t: { code: string }) => t.code === 'platinum');
    expect(platinum.members).toBeGreaterThan(0);
    expect(preview.body.movedUp + preview.body.movedDown).toBeGreaterThan(0);
    expect(await mongoose.connection.collection('member_tiers').find().toArray()).toEqual(before);

    await world.app.request.post('/api/v1/tiers/ladder').set(world.marketer.auth).send(draft).expect(201);
    const result = await sweep();
    expect(result.moved).toBe(preview.body.movedUp + preview.body.movedDown);
    const counts = await mongoose.connection
      .collection('member_tiers')
      .aggregate([{ $group: { _id: '$tierCode', n: { $sum: 1 } } }])
      .toArray();
    for (const tier of preview.body.perTier as Array<{ code: string; members: number }>)
      expect(counts.find((c) => c._id === tier.code)?.n ?? 0).toBe(tier.members);
    await world.app.request.post('/api/v1/tiers/ladder').set(world.marketer.auth).send(ladder()).expect(201);
    await sweep();
  });
});

describe('rules: member.tier', () => {
  it('"Gold members earn 1.5×" publishes and multiplies the base points of gold members only', async () => {
    const created = await world.app.request
      .post('/api/v1/rule-templates/tier-multiplier/instantiate')
      .set(world.marketer.auth)
      .send({ params: { tiers: ['gold'] } })
      .expect(201);
    await world.app.request
      .post(`/api/v1/rules/${created.body.id}/publish`)
      .set(world.marketer.auth)
      .expect(200);
    const gold = await createMember(world);
    await buy(world, gold.id, 20_000);
    expect((await tierOf(gold.id)).tier.code).toBe('gold');
    const goldSale = await buy(world, gold.id, 1_000);
    expect(goldSale.pointsEarned).toBe(15);
    const bronze = await createMember(world);
    const bronzeSale = await buy(world, bronze.id, 1_000);
    expect(bronzeSale.pointsEarned).toBe(10);
    await world.app.request
      .post(`/api/v1/rules/${created.body.id}/archive`)
      .set(world.marketer.auth)
      .expect(200);
  });
});

describe('checkout: the tier discount (the discount card)', () => {
  it('applies the tier’s percent as an applied offer when the checkout opens, and the purchase records it', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 12_000);
    expect((await tierOf(member.id)).tier.code).toBe('silver');
    const opened = await world.app.request
      .post('/api/v1/checkouts')
      .set(world.cashier.auth)
      .send({
        storeId: world.storeId,
        currency: 'EUR',
        member: { memberId: member.id },
        items: [{ sku: 'CAKE', name: 'Cake', quantity: 2, unitPriceMinor: 1_000 }],
      })
      .expect(201);
    expect(opened.body.applied).toEqual([
      expect.objectContaining({
        type: 'tierDiscount',
        kind: 'percent_discount',
        label: 'Silver 5%',
        amountMinor: 100,
      }),
    ]);
    expect(opened.body.totals).toMatchObject({ subtotalMinor: 2_000, discountMinor: 100, toPayMinor: 1_900 });
    const receipt = await world.app.request
      .post(`/api/v1/checkouts/${opened.body.id}/complete`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({})
      .expect(200);
    const purchase = await world.app.request
      .get(`/api/v1/purchases/${receipt.body.purchaseId}`)
      .set(world.manager.auth)
      .expect(200);
    // Points are earned, and the tier counts spend, on what was paid.
    expect(purchase.body).toMatchObject({ totalMinor: 1_900, pointsEarned: 19 });
    expect((await tierOf(member.id)).qualifyingValue).toBe(13_900);

    // A bronze member (0%) and an anonymous sale get no member price.
    const bronze = await createMember(world);
    for (const member of [{ member: { memberId: bronze.id } }, {}]) {
      const plain = await world.app.request
        .post('/api/v1/checkouts')
        .set(world.cashier.auth)
        .send({
          storeId: world.storeId,
          currency: 'EUR',
          items: [{ sku: 'CAKE', quantity: 1, unitPriceMinor: 1_000 }],
          ...member,
        })
        .expect(201);
      expect(plain.body.applied).toEqual([]);
    }
  });
});
