// Bounded work per purchase (issue #11): purchases evaluate the published set on the request's thread, so
// the set's cost is bounded when a rule joins it (RULE_LIMITS.maxItemMatchesInSet, maxConditionsInSet).
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { buy, createLedgerWorld, createMember, publishRule } from './ledger-helpers.js';

describe('the published set cost', () => {
  it('refuses a rule that would make the published set too costly for each purchase, and keeps the set', async () => {
    const world = await createLedgerWorld({ baseRule: false });
    try {
      // Rules of 199 item conditions and one item effect: 25 of them are 5,000 item matches, the most allowed.
      const heavy = (n: number) => ({
        name: `Heavy ${n}`,
        conditions: {
          any: Array.from({ length: 199 }, (_, c) => ({
            items: { skus: [`sku-${n}-${c}`], minQuantity: 2 },
          })),
        },
        effects: [{ type: 'awardPointsPerItem', points: 1, items: { categories: [`cat-${n}`] } }],
      });
      for (let n = 0; n < 25; n++) await publishRule(world.app, world.marketer, heavy(n));
      // A 26th cannot even be saved as a draft next to them (drafts are checked against the active set).
      const refused = await world.app.request
        .post('/api/v1/rules')
        .set(world.marketer.auth)
        .send({ definition: heavy(25) })
        .expect(422);
      expect(refused.body.error).toMatchObject({
        code: 'RULE_TOO_COMPLEX',
        details: [{ path: '', limit: 5000 }],
      });
      expect(refused.body.error.message).toMatch(/5200 item matches/);
      expect(await mongoose.connection.collection('rules').countDocuments({ name: /^Heavy/ })).toBe(25);
      // A purchase of 500 lines is evaluated against the whole published set.
      const member = await createMember(world);
      const items = Array.from({ length: 500 }, (_, i) => ({
        sku: i % 2 ? `sku-${i % 25}-${i % 199}` : `other-${i}`,
        category: `cat-${i % 30}`,
        quantity: 2,
        unitPriceMinor: 100,
      }));
      const bought = await buy(world, member.id, 100000, { items });
      expect(bought.pointsEarned).toBeGreaterThan(0);
    } finally {
      await world.close();
    }
  });
});
