import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { BudgetLeases } from '../../backend/src/modules/purchases/budget-leases.js';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  publishRule,
  type LedgerWorld,
} from './ledger-helpers.js';

let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(() => world.close());

const spentPoints = async (ruleId: string) =>
  ((await mongoose.connection
    .collection<{ _id: string; spentPoints: number }>('rule_budgets')
    .findOne({ _id: ruleId })) ?? { spentPoints: 0 })!.spentPoints;

describe('rule budgets reserved in blocks', () => {
  it('gives a large budget accrual by accrual, leasing a block, and returns the unused block', async () => {
    const ruleId = await publishRule(world.app, world.marketer, {
      name: 'Spring launch: 10,000 points in total',
      effects: [{ type: 'awardFixedPoints', points: 10 }],
      budget: { totalPoints: 10_000 },
    });
    try {
      const members = await Promise.all(Array.from({ length: 8 }, () => createMember(world)));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => buy(world, members[i % members.length]!.id, 250)),
      );
      const given = results.reduce(
        (sum, r) => sum + (r.breakdown.find((b) => b.ruleId === ruleId)?.points ?? 0),
        0,
      );
      expect(given).toBe(400);
      // The process took a block (1 % of the budget) beyond what it gave: counted as spent, not given.
      const spent = await spentPoints(ruleId);
      expect(spent).toBeGreaterThanOrEqual(400);
      expect(spent).toBeLessThanOrEqual(400 + 100);
      // At shutdown (or after 5 s unused) the block goes back: spent is exactly what was given.
      await world.app.runtime.services.earning.close();
      expect(await spentPoints(ruleId)).toBe(400);
      await expectLedgerClean(world);
    } finally {
      await world.app.request.post(`/api/v1/rules/${ruleId}/pause`).set(world.marketer.auth);
    }
  });
});

describe('BudgetLeases (several API processes on one budget)', () => {
  it('never gives more than the budget, and gives all of it once the leases are returned', async () => {
    const ruleId = `budget-${Date.now()}`;
    const total = 1_000;
    const processes = [new BudgetLeases(), new BudgetLeases(), new BudgetLeases()];
    let given = 0;
    // Each "process" runs 5 concurrent accruals of 7 points until its budget answers no.
    await Promise.all(
      processes.flatMap((leases) =>
        Array.from({ length: 5 }, async () => {
          while (await leases.take(ruleId, 7, total)) given += 7;
        }),
      ),
    );
    expect(given).toBeLessThanOrEqual(total);
    expect(await spentPoints(ruleId)).toBeLessThanOrEqual(total);
    // What the others still lease comes back, and then the rest can be given.
    for (const leases of processes) await leases.close();
    expect(await spentPoints(ruleId)).toBe(given);
    const last = new BudgetLeases();
    while (await last.take(ruleId, 7, total)) given += 7;
    await last.close();
    expect(given).toBe(Math.floor(total / 7) * 7);
    expect(await spentPoints(ruleId)).toBe(given);
  });

  it('takes one block at a time for concurrent accruals, instead of one block each', async () => {
    const ruleId = `herd-${Date.now()}`;
    const leases = new BudgetLeases();
    const taken = await Promise.all(Array.from({ length: 32 }, () => leases.take(ruleId, 10, 10_000)));
    expect(taken.every(Boolean)).toBe(true);
    // 320 points given; at most one block of 100 held beyond them (32 blocks would be 3,200).
    const spent = await spentPoints(ruleId);
    expect(spent).toBeGreaterThanOrEqual(320);
    expect(spent).toBeLessThanOrEqual(320 + 100);
    await leases.close();
    expect(await spentPoints(ruleId)).toBe(320);
  });

  it('returns a lease after 5 s without use, keeps one in use, and takes points given back first', async () => {
    const ruleId = `idle-${Date.now()}`;
    let now = 1_000_000;
    const leases = new BudgetLeases(() => now);
    expect(await leases.take(ruleId, 10, 10_000)).toBe(true);
    expect(await spentPoints(ruleId)).toBe(110); // 10 given + a block of 100
    leases.giveBack(ruleId, 10); // that accrual did not commit
    now += 4_000;
    await leases.returnIdle();
    expect(await spentPoints(ruleId)).toBe(110); // used 4 s ago: kept
    now += 1_001;
    await leases.returnIdle();
    expect(await spentPoints(ruleId)).toBe(0);
    await leases.close();
  });

  it('refuses an accrual larger than the whole budget without creating the counter', async () => {
    const ruleId = `small-${Date.now()}`;
    const leases = new BudgetLeases();
    expect(await leases.take(ruleId, 50, 30)).toBe(false);
    expect(await spentPoints(ruleId)).toBe(0);
    await leases.close();
  });
});
