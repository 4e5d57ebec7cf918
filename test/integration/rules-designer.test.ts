import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { ManualClock } from '@regulars/backend';
import { buy, createLedgerWorld, createMember, publishRule, type LedgerWorld } from './ledger-helpers.js';

const clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));
let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 0 }, baseRule: false });
}, 120_000);
afterAll(() => world.close());

const line = (sku: string, category: string, unitPriceMinor = 300) => ({
  sku,
  name: sku,
  category,
  quantity: 1,
  unitPriceMinor,
});

async function createRule(definition: Record<string, unknown>) {
  const response = await world.app.request
    .post('/api/v1/rules')
    .set(world.marketer.auth)
    .send({ definition })
    .expect(201);
  return response.body as { id: string; draft: Record<string, unknown> };
}

describe('categories and SKUs in rules', () => {
  it('are saved normalised: "Coffee " and "LATTE-L" are kept as "coffee" and "latte-l"', async () => {
    const rule = await createRule({
      name: 'Coffee Lovers',
      conditions: { items: { categories: ['Coffee ', 'coffee'] } },
      effects: [{ type: 'awardPointsPerItem', points: 5, items: { skus: ['LATTE-L'] } }],
    });
    expect(rule.draft.conditions).toEqual({ items: { categories: ['coffee'] } });
    expect(rule.draft.effects).toEqual([
      { type: 'awardPointsPerItem', points: 5, items: { skus: ['latte-l'] } },
    ]);
    expect(rule.draft.name).toBe('Coffee Lovers');
    await world.app.request.post(`/api/v1/rules/${rule.id}/archive`).set(world.marketer.auth).expect(200);
  });

  it('match case-insensitively: a purchase of a "Coffee" line earns on a rule for "coffee"', async () => {
    const ruleId = await publishRule(world.app, world.marketer, {
      name: 'Coffee 10 per item',
      effects: [{ type: 'awardPointsPerItem', points: 10, items: { categories: ['coffee'] } }],
    });
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 600, {
      items: [line('ESP', 'Coffee'), line('CROISSANT', 'Bakery')],
    });
    expect(purchase.pointsEarned).toBe(10);
    expect(purchase.breakdown).toEqual([expect.objectContaining({ ruleId, points: 10 })]);
    await world.app.request.post(`/api/v1/rules/${ruleId}/archive`).set(world.marketer.auth).expect(200);
  });

  it('match at evaluation too, so a rule stored before normalisation ("Coffee") still earns on "COFFEE"', async () => {
    const rule = await createRule({
      name: 'Old coffee rule',
      effects: [{ type: 'awardPointsPerItem', points: 7, items: { categories: ['coffee'], skus: ['esp'] } }],
    });
    // As such a rule was kept before saving normalised it.
    await mongoose.connection
      .collection('rules')
      .updateOne(
        { _id: new Types.ObjectId(rule.id) },
        { $set: { 'draft.effects.0.items': { categories: ['Coffee'], skus: ['Esp'] } } },
      );
    await world.app.request.post(`/api/v1/rules/${rule.id}/publish`).set(world.marketer.auth).expect(200);
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 300, { items: [line('ESP', 'COFFEE')] });
    expect(purchase.pointsEarned).toBe(7);
    await world.app.request.post(`/api/v1/rules/${rule.id}/archive`).set(world.marketer.auth).expect(200);
  });
});

describe('GET /api/v1/catalog/terms', () => {
  it('lists the categories and SKUs purchases used, normalised, sorted and without duplicates', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 900, {
      items: [line('TEA-G', 'Tea'), line('tea-g', 'TEA '), line('MUFFIN', 'Bakery')],
    });
    const categories = await world.app.request
      .get('/api/v1/catalog/terms?kind=category')
      .set(world.marketer.auth)
      .expect(200);
    expect(categories.body.kind).toBe('category');
    expect(categories.body.items).toEqual(expect.arrayContaining(['bakery', 'coffee', 'tea']));
    expect(new Set(categories.body.items).size).toBe(categories.body.items.length);
    expect([...categories.body.items].sort()).toEqual(categories.body.items);
    const skus = await world.app.request
      .get('/api/v1/catalog/terms?kind=sku&prefix=T')
      .set(world.cashier.auth)
      .expect(200);
    expect(skus.body).toEqual({ kind: 'sku', items: ['tea-g'] });
  });

  it('returns 400 VALIDATION_FAILED for an unknown kind', async () => {
    const response = await world.app.request
      .get('/api/v1/catalog/terms?kind=colour')
      .set(world.marketer.auth)
      .expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /api/v1/rules/:id/versions/:version/republish', () => {
  it('publishes an earlier version again as the next version, audited, with author and date in the history', async () => {
    const ruleId = await publishRule(world.app, world.marketer, {
      name: 'Welcome bonus',
      effects: [{ type: 'awardFixedPoints', points: 50 }],
    });
    await world.app.request
      .patch(`/api/v1/rules/${ruleId}`)
      .set(world.marketer.auth)
      .send({ definition: { name: 'Welcome bonus', effects: [{ type: 'awardFixedPoints', points: 80 }] } })
      .expect(200);
    await world.app.request.post(`/api/v1/rules/${ruleId}/publish`).set(world.marketer.auth).expect(200);

    const republished = await world.app.request
      .post(`/api/v1/rules/${ruleId}/versions/1/republish`)
      .set(world.marketer.auth)
      .expect(200);
    expect(republished.body.published.version).toBe(3);
    expect(republished.body.hasUnpublishedChanges).toBe(false);
    expect(republished.body.draft.effects).toEqual([{ type: 'awardFixedPoints', points: 50 }]);

    const versions = await world.app.request
      .get(`/api/v1/rules/${ruleId}/versions`)
      .set(world.marketer.auth)
      .expect(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(versions.body.items[0].definition.effects).toEqual([{ type: 'awardFixedPoints', points: 50 }]);
    expect(versions.body.items[0].publishedBy).toBe(`staff:${world.marketer.id}`);

    const member = await createMember(world);
    expect((await buy(world, member.id, 100, { items: [line('X', 'misc', 100)] })).pointsEarned).toBe(50);

    const audit = await mongoose.connection
      .collection('audit_log')
      .findOne({ action: 'rule.republish', 'entity.id': ruleId });
    expect(audit?.after).toEqual({ version: 3, fromVersion: 1 });
    await world.app.request.post(`/api/v1/rules/${ruleId}/archive`).set(world.marketer.auth).expect(200);
  });

  it('returns 404 RULE_VERSION_NOT_FOUND for a version never published, and changes nothing', async () => {
    const ruleId = await publishRule(world.app, world.marketer, {
      name: 'Only one version',
      effects: [{ type: 'awardFixedPoints', points: 5 }],
    });
    const response = await world.app.request
      .post(`/api/v1/rules/${ruleId}/versions/4/republish`)
      .set(world.marketer.auth)
      .expect(404);
    expect(response.body.error.code).toBe('RULE_VERSION_NOT_FOUND');
    const rule = await world.app.request.get(`/api/v1/rules/${ruleId}`).set(world.marketer.auth).expect(200);
    expect(rule.body.published.version).toBe(1);
    expect(rule.body.hasUnpublishedChanges).toBe(false);
    await world.app.request.post(`/api/v1/rules/${ruleId}/archive`).set(world.marketer.auth).expect(200);
    const archived = await world.app.request
      .post(`/api/v1/rules/${ruleId}/versions/1/republish`)
      .set(world.marketer.auth)
      .expect(409);
    expect(archived.body.error.code).toBe('RULE_ARCHIVED');
  });

  it('is refused to a cashier', async () => {
    const ruleId = await publishRule(world.app, world.marketer, {
      name: 'Cashier cannot',
      effects: [{ type: 'awardFixedPoints', points: 5 }],
    });
    await world.app.request
      .post(`/api/v1/rules/${ruleId}/versions/1/republish`)
      .set(world.cashier.auth)
      .expect(403);
  });
});

describe('POST /api/v1/rules/simulate with { inline, alone: true } ("this rule alone")', () => {
  const basket = { currency: 'EUR', items: [line('LATTE', 'Coffee', 1000)] };
  const simulate = (rules: unknown) =>
    world.app.request.post('/api/v1/rules/simulate').set(world.marketer.auth).send({ basket, rules });

  it('runs only that rule, and a multiplier with just the published rules it multiplies', async () => {
    const baseId = await publishRule(world.app, world.marketer, {
      name: 'Base 1 per €1',
      isBaseEarn: true,
      effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, rounding: 'floor' }],
    });
    const bonus = { name: 'Bonus', effects: [{ type: 'awardFixedPoints', points: 5 }] };

    const alone = await simulate({ inline: bonus, alone: true }).expect(200);
    expect(alone.body.points).toBe(5);
    expect(alone.body.trace.map((row: { ruleId: string }) => row.ruleId)).toEqual(['inline']);

    const onTop = await simulate({ inline: bonus }).expect(200);
    expect(onTop.body.points).toBeGreaterThanOrEqual(15);

    const double = {
      name: 'Double base',
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
    };
    const multiplied = await simulate({ inline: double, alone: true }).expect(200);
    expect(multiplied.body.points).toBe(20);
    expect(multiplied.body.trace.map((row: { ruleId: string }) => row.ruleId).sort()).toEqual(
      [baseId, 'inline'].sort(),
    );
  });
});
