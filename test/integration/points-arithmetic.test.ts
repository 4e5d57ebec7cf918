// Issue #24 through the API: per-unit earning on discounted units, the three stacking modes, and the
// migration of stored rules from the old `exclusive` (within a group) to `exclusive_in_group`.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, migrateStackingModes, seedDemoData } from '@regulars/backend';
import { buy, createLedgerWorld, createMember, publishRule, type LedgerWorld } from './ledger-helpers.js';

let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld({ baseRule: false });
});
afterAll(() => world.close());

async function archiveAll() {
  const list = await world.app.request.get('/api/v1/rules?limit=100').set(world.marketer.auth).expect(200);
  for (const rule of list.body.items as { id: string; status: string }[]) {
    if (rule.status !== 'archived')
      await world.app.request.post(`/api/v1/rules/${rule.id}/archive`).set(world.marketer.auth).expect(200);
  }
}

function simulate(items: unknown[], rules: unknown = 'published') {
  return world.app.request
    .post('/api/v1/rules/simulate')
    .set(world.marketer.auth)
    .send({ basket: { currency: 'EUR', at: '2025-06-03T09:30:00Z', items }, rules });
}

describe('per-unit earning through a recorded purchase', () => {
  it('a unit of A bought with 10% off earns its per-unit point; the amount rule earns on what was paid', async () => {
    await archiveAll();
    await publishRule(world.app, world.marketer, {
      name: '1 point per unit of A',
      effects: [{ type: 'awardPointsPerItem', points: 1, items: { skus: ['A'] } }],
    });
    await publishRule(world.app, world.marketer, {
      name: '1 point per €1 on A',
      effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, items: { skus: ['A'] } }],
    });
    const member = await createMember(world);
    const one = await buy(world, member.id, 900, {
      items: [{ sku: 'A', name: 'A', quantity: 1, unitPriceMinor: 1000, discountMinor: 100 }],
    });
    expect(Object.fromEntries(one.breakdown.map((line) => [line.ruleName, line.points]))).toEqual({
      '1 point per unit of A': 1,
      '1 point per €1 on A': 9,
    });
    const several = await buy(world, member.id, 2300, {
      items: [{ sku: 'A', name: 'A', quantity: 3, unitPriceMinor: 1000, discountMinor: 700 }],
    });
    expect(several.pointsEarned).toBe(3 + 23);

    const trace = await simulate([
      { sku: 'A', quantity: 1, unitPriceMinor: 1000, discountMinor: 100 },
    ]).expect(200);
    const messages = (trace.body.trace as { ruleName: string; message: string }[]).map(
      (entry) => entry.message,
    );
    expect(messages).toContain('gave 1 point (1 point per unit on the units bought, 1 for items of sku a)');
    expect(messages).toContain(
      'gave 9 points (1 point per 1.00 EUR on the amount paid, 9.00 EUR for items of sku a)',
    );
  });
});

describe('stacking modes over the same two rules', () => {
  const regular = { name: 'Regular 1,000', effects: [{ type: 'awardFixedPoints', points: 1000 }] };
  const promo = (stacking: Record<string, unknown> | undefined) => ({
    name: 'Promotion 2,000',
    effects: [{ type: 'awardFixedPoints', points: 2000 }],
    ...(stacking ? { stacking } : {}),
  });
  const items = [{ sku: 'latte', quantity: 1, unitPriceMinor: 350 }];

  it('stackable and exclusive_in_group give 3,000; exclusive gives 2,000, on a simulation and on a purchase', async () => {
    for (const [stacking, expected] of [
      [undefined, 3000],
      [{ mode: 'stackable' }, 3000],
      [{ mode: 'exclusive_in_group', group: 'promos' }, 3000],
      [{ mode: 'exclusive' }, 2000],
    ] as const) {
      await archiveAll();
      await publishRule(world.app, world.marketer, regular);
      await publishRule(world.app, world.marketer, promo(stacking));
      const simulated = await simulate(items).expect(200);
      expect(simulated.body.points, JSON.stringify(stacking)).toBe(expected);
      const member = await createMember(world);
      const purchase = await buy(world, member.id, 350, { items: [{ ...items[0], name: 'Latte' }] });
      expect(purchase.pointsEarned, JSON.stringify(stacking)).toBe(expected);
    }
  });

  it('refuses a mode that does not exist and two exclusive rules nothing can tell apart, naming the field', async () => {
    await archiveAll();
    const unknown = await world.app.request
      .post('/api/v1/rules')
      .set(world.marketer.auth)
      .send({ definition: promo({ mode: 'solo' }) })
      .expect(422);
    expect(unknown.body.error.code).toBe('RULE_INVALID');
    expect(unknown.body.error.details[0]).toMatchObject({ path: 'definition.stacking.mode' });

    await publishRule(world.app, world.marketer, promo({ mode: 'exclusive' }));
    const tie = await world.app.request
      .post('/api/v1/rules')
      .set(world.marketer.auth)
      .send({ definition: { ...promo({ mode: 'exclusive' }), name: 'Same promotion' } })
      .expect(422);
    expect(tie.body.error.code).toBe('RULE_SET_CONFLICT');
    expect(tie.body.error.details[0].path).toBe('definition.priority');
    // A different priority settles it.
    await world.app.request
      .post('/api/v1/rules')
      .set(world.marketer.auth)
      .send({ definition: { ...promo({ mode: 'exclusive' }), name: 'Same promotion', priority: 1 } })
      .expect(201);
    const inline = await simulate(items, { inline: promo({ mode: 'exclusive' }) }).expect(422);
    expect(inline.body.error.details[0].path).toBe('rules.inline.priority');
  });
});

describe('the migration of stored rules to exclusive_in_group', () => {
  // Outcomes of the demo rule plus two rules in an exclusive group, computed by the engine before this
  // change (main at 679a0fc), with the rules as they were stored then.
  const baskets = [
    {
      items: [
        { sku: 'latte', category: 'coffee', quantity: 2, unitPriceMinor: 350 },
        { sku: 'croissant', category: 'pastry', quantity: 2, unitPriceMinor: 250 },
      ],
      before: { points: 212, breakdown: { 'Coffee promo': 200, '1 point per €1': 12 } },
    },
    {
      items: [
        { sku: 'latte', category: 'coffee', quantity: 1, unitPriceMinor: 350 },
        { sku: 'croissant', category: 'pastry', quantity: 3, unitPriceMinor: 250 },
      ],
      before: { points: 26, breakdown: { 'Double on pastry': 15, '1 point per €1': 11 } },
    },
    {
      items: [{ sku: 'beans', category: 'beans', quantity: 1, unitPriceMinor: 1299, discountMinor: 300 }],
      before: { points: 9, breakdown: { '1 point per €1': 9 } },
    },
  ];
  const legacy = [
    {
      name: 'Coffee promo',
      priority: 5,
      stacking: { mode: 'exclusive', group: 'promo' },
      conditions: { items: { categories: ['coffee'], minQuantity: 2 } },
      effects: [{ type: 'awardFixedPoints', points: 200 }],
    },
    {
      name: 'Double on pastry',
      priority: 1,
      stacking: { mode: 'exclusive', group: 'promo' },
      effects: [
        {
          type: 'awardPointsPerSpend',
          points: 2,
          perAmountMinor: 100,
          rounding: 'floor',
          items: { categories: ['pastry'] },
        },
      ],
    },
  ];

  async function outcomes() {
    const results = [];
    for (const basket of baskets) {
      const response = await simulate(basket.items).expect(200);
      results.push({
        points: response.body.points as number,
        breakdown: Object.fromEntries(
          (response.body.breakdown as { ruleName: string; points: number }[]).map((line) => [
            line.ruleName,
            line.points,
          ]),
        ),
      });
    }
    return results;
  }

  it('keeps the outcome of the demo rules and of stored group-exclusive rules, and runs idempotently', async () => {
    await archiveAll();
    await seedDemoData(world.app.runtime.services, createLogger(world.app.runtime.platform.config), {
      withMemberHistory: false,
      jwtSecret: world.app.runtime.platform.config.jwtSecret,
    });
    // Rules as an earlier version stored them: published, in the old shape the API no longer accepts.
    const now = new Date();
    const ids: string[] = [];
    for (const definition of legacy) {
      const _id = new mongoose.Types.ObjectId();
      ids.push(_id.toHexString());
      await mongoose.connection.collection('rules').insertOne({
        _id,
        name: definition.name,
        status: 'published',
        draft: definition,
        hasUnpublishedChanges: false,
        publishedVersion: 1,
        publishedAt: now,
        createdBy: 'system',
        updatedBy: 'system',
        createdAt: now,
        updatedAt: now,
      });
      await mongoose.connection.collection('rule_versions').insertOne({
        ruleId: _id.toHexString(),
        version: 1,
        definition: { id: _id.toHexString(), version: 1, isBaseEarn: false, ...definition },
        publishedAt: now,
        publishedBy: 'system',
      });
    }

    expect(await migrateStackingModes()).toEqual({ drafts: 2, versions: 2 });
    expect(await outcomes()).toEqual(baskets.map((basket) => basket.before));

    // A second start changes nothing.
    expect(await migrateStackingModes()).toEqual({ drafts: 0, versions: 0 });
    expect(await outcomes()).toEqual(baskets.map((basket) => basket.before));
    const stored = await world.app.request
      .get(`/api/v1/rules/${ids[0]!}`)
      .set(world.marketer.auth)
      .expect(200);
    expect(stored.body.draft.stacking).toEqual({ mode: 'exclusive_in_group', group: 'promo' });
    expect(stored.body.published.definition.stacking).toEqual({ mode: 'exclusive_in_group', group: 'promo' });
    // And the renamed draft publishes as it is.
    await world.app.request
      .patch(`/api/v1/rules/${ids[0]!}`)
      .set(world.marketer.auth)
      .send({ definition: stored.body.draft })
      .expect(200);
    await world.app.request.post(`/api/v1/rules/${ids[0]!}/publish`).set(world.marketer.auth).expect(200);
    expect(await outcomes()).toEqual(baskets.map((basket) => basket.before));
  });
});
