import { nativeCollection } from '../../platform/mongo.js';
import { RuleBudgetModel, type RuleBudgetDoc } from './rule-budget.model.js';

/** A process leases at most this share of a budget at a time (and never more than MAX_LEASE points). */
const LEASE_SHARE = 100;
const MAX_LEASE = 1_000;
/** A lease not used for this long goes back to its budget. */
const IDLE_MS = 5_000;

type Lease = { points: number; lastUsedAt: number };

const budgetCollection = () => nativeCollection<RuleBudgetDoc>(RuleBudgetModel);

/**
 * Global rule budgets, reserved in blocks. Every budget is one counter in MongoDB (`spentPoints`),
 * increased only by a conditional `$inc` (`spentPoints <= total − n`), so all API processes together
 * never give more than the budget. Rather than one `$inc` per accrual (a round trip on the busiest path,
 * on a document every accrual touches), a process takes a block — 1 % of the budget, at most 1,000
 * points — and hands it out locally; when the budget has less than a block left, it takes exactly what
 * each accrual needs, so the last points are not held back by a lease. A lease goes back to the budget
 * after 5 s without use and when the process stops; a crash loses at most one lease per rule and
 * process (points never given, never points given twice).
 */
export class BudgetLeases {
  private readonly leases = new Map<string, Lease>();
  /** Block reservations in flight, per rule. */
  private readonly refills = new Map<string, Promise<void>>();
  /** Until when a rule's budget is known to have less than a block left. */
  private readonly shortUntil = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.timer = setInterval(() => void this.returnIdle().catch(() => undefined), IDLE_MS);
    this.timer.unref();
  }

  /** Takes `points` of the rule's budget; false when the budget has fewer left. */
  async take(ruleId: string, points: number, totalPoints: number): Promise<boolean> {
    for (;;) {
      if (this.takeLeased(ruleId, points)) return true;
      // One block at a time per rule: concurrent accruals wait for the block being taken and share it,
      // rather than each leasing one (32 connections would otherwise hold 32 blocks at once).
      const refill = this.refills.get(ruleId);
      if (!refill) break;
      await refill;
    }
    const block = Math.min(MAX_LEASE, Math.floor(totalPoints / LEASE_SHARE));
    if (block > 0 && (this.shortUntil.get(ruleId) ?? 0) <= this.now()) {
      const refill = reserve(ruleId, points + block, totalPoints);
      const settled = refill.then(
        () => undefined,
        () => undefined,
      );
      this.refills.set(ruleId, settled);
      let isTaken: boolean;
      try {
        isTaken = await refill;
      } finally {
        this.refills.delete(ruleId);
      }
      if (isTaken) {
        this.credit(ruleId, block);
        return true;
      }
      // Less than a block is left: exact reservations from now on, until a lease may have come back.
      this.shortUntil.set(ruleId, this.now() + IDLE_MS);
    }
    // What the lease holds stays there for smaller needs: relying on it across the await below could
    // count points that a concurrent accrual of this process takes meanwhile.
    return reserve(ruleId, points, totalPoints);
  }

  private takeLeased(ruleId: string, points: number): boolean {
    const lease = this.leases.get(ruleId);
    if (!lease || lease.points < points) return false;
    lease.points -= points;
    lease.lastUsedAt = this.now();
    return true;
  }

  private credit(ruleId: string, points: number): void {
    const lease = this.leases.get(ruleId) ?? { points: 0, lastUsedAt: 0 };
    lease.points += points;
    lease.lastUsedAt = this.now();
    this.leases.set(ruleId, lease);
  }

  /** Gives back points taken for an accrual that did not commit; they stay leased to this process. */
  giveBack(ruleId: string, points: number): void {
    this.credit(ruleId, points);
  }

  /**
   * Points left per budget for this process: what no process has taken, plus what this one holds.
   * (Other processes' leases come back within 5 s of their last use.)
   */
  async remaining(
    budgets: readonly { ruleId: string; totalPoints: number }[],
  ): Promise<Record<string, { remainingPoints: number }>> {
    const docs = await budgetCollection()
      .find({ _id: { $in: budgets.map((b) => b.ruleId) } })
      .toArray();
    const spent = new Map(docs.map((d) => [d._id, d.spentPoints]));
    const result: Record<string, { remainingPoints: number }> = {};
    for (const { ruleId, totalPoints } of budgets) {
      const held = this.leases.get(ruleId)?.points ?? 0;
      result[ruleId] = { remainingPoints: totalPoints - (spent.get(ruleId) ?? 0) + held };
    }
    return result;
  }

  /** Returns the leases unused for 5 s (or all of them) to their budgets. */
  async returnIdle(options: { isAll?: boolean } = {}): Promise<void> {
    const cutoff = this.now() - IDLE_MS;
    for (const [ruleId, lease] of this.leases) {
      if (lease.points === 0 || (!options.isAll && lease.lastUsedAt > cutoff)) continue;
      const points = lease.points;
      lease.points = 0;
      try {
        await budgetCollection().updateOne({ _id: ruleId }, { $inc: { spentPoints: -points } });
      } catch (error) {
        lease.points += points;
        throw error;
      }
    }
  }

  /** Stops the idle timer and returns every lease (graceful shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.returnIdle({ isAll: true });
  }
}

/** The conditional `$inc`: true when the budget had `points` left and they are now counted as spent. */
async function reserve(ruleId: string, points: number, totalPoints: number): Promise<boolean> {
  // The upsert below would create a counter above the total when none exists yet.
  if (points > totalPoints) return false;
  try {
    const res = await budgetCollection().updateOne(
      { _id: ruleId, spentPoints: { $lte: totalPoints - points } },
      { $inc: { spentPoints: points } },
      { upsert: true },
    );
    return res.matchedCount === 1 || res.upsertedCount === 1;
  } catch (error) {
    // The upsert collides with the existing counter when the condition fails: the budget is short.
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
}
