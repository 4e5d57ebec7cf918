import type { LedgerMismatch, LedgerVerifyResult } from '@regulars/contracts';
import { MemberModel } from '../members/member.model.js';
import { LedgerEntryModel } from './ledger-entry.model.js';
import { LotModel } from './lot.model.js';

type MemberTotals = {
  entries: number;
  debtDeltas: number;
  active: number;
  pending: number;
  cached: { available: number; pending: number; debt: number } | null;
};

const MAX_REPORTED = 1000;

/**
 * A module's own ledger check (gift certificates…), run by `verify` after the points ledger's. The ledger
 * never imports an instrument: the app hands it the checks. Answers how many records it checked.
 */
export interface LedgerCheck {
  verify(report: (mismatch: LedgerMismatch) => void): Promise<number>;
}

/**
 * Proves the cached balances equal the ledger: for every member, the sum of entries equals available +
 * pending; available equals the active lots' remaining minus debt; pending equals the pending lots'
 * remaining; every lot's remaining equals the sum of the entries' changes to it; every entry is
 * internally consistent. Streams the collections once each, so memory grows with members and lots,
 * not with entries.
 */
export class LedgerVerifyService {
  constructor(private readonly checks: readonly LedgerCheck[] = []) {}

  async verify(): Promise<LedgerVerifyResult> {
    const mismatches: LedgerMismatch[] = [];
    const report = (m: LedgerMismatch) => {
      if (mismatches.length < MAX_REPORTED) mismatches.push(m);
    };
    const members = new Map<string, MemberTotals>();
    const totals = (id: string): MemberTotals => {
      let t = members.get(id);
      if (!t) {
        t = { entries: 0, debtDeltas: 0, active: 0, pending: 0, cached: null };
        members.set(id, t);
      }
      return t;
    };
    const lotDeltas = new Map<string, number>();

    for await (const entry of LedgerEntryModel.find(
      {},
      { memberId: 1, points: 1, lotChanges: 1, debtDelta: 1 },
    ).lean()) {
      const memberId = String(entry.memberId);
      const t = totals(memberId);
      t.entries += entry.points;
      t.debtDeltas += entry.debtDelta ?? 0;
      let sum = 0;
      for (const change of entry.lotChanges ?? []) {
        sum += change.delta;
        const lotId = String(change.lotId);
        lotDeltas.set(lotId, (lotDeltas.get(lotId) ?? 0) + change.delta);
      }
      const expected = sum - (entry.debtDelta ?? 0);
      if (expected !== entry.points) {
        report({
          check: 'entry_consistency',
          memberId,
          entityId: String(entry._id),
          expected,
          actual: entry.points,
          message: `entry ${String(entry._id)} says ${entry.points} points but moves ${sum} in lots and ${entry.debtDelta ?? 0} of debt`,
        });
      }
    }

    for await (const lot of LotModel.find({}, { memberId: 1, points: 1, remaining: 1, status: 1 }).lean()) {
      const lotId = String(lot._id);
      const memberId = String(lot.memberId);
      const t = totals(memberId);
      if (lot.status === 'active') t.active += lot.remaining;
      if (lot.status === 'pending') t.pending += lot.remaining;
      const fromEntries = lotDeltas.get(lotId) ?? 0;
      if (fromEntries !== lot.remaining) {
        report({
          check: 'lot_remaining',
          memberId,
          entityId: lotId,
          expected: fromEntries,
          actual: lot.remaining,
          message: `lot ${lotId} has ${lot.remaining} remaining but its entries add up to ${fromEntries}`,
        });
      }
      if (
        lot.remaining < 0 ||
        lot.remaining > lot.points ||
        (lot.status === 'expired' && lot.remaining !== 0)
      ) {
        report({
          check: 'lot_bounds',
          memberId,
          entityId: lotId,
          expected: Math.max(0, Math.min(lot.remaining, lot.points)),
          actual: lot.remaining,
          message: `lot ${lotId} (${lot.status}) has ${lot.remaining} remaining of ${lot.points}`,
        });
      }
    }

    for await (const member of MemberModel.find({}, { points: 1 }).lean()) {
      const p = member.points;
      const cached = { available: p?.available ?? 0, pending: p?.pending ?? 0, debt: p?.debt ?? 0 };
      if (
        !members.has(String(member._id)) &&
        cached.available === 0 &&
        cached.pending === 0 &&
        cached.debt === 0
      )
        continue;
      totals(String(member._id)).cached = cached;
    }

    for (const [memberId, t] of members) {
      const cached = t.cached ?? { available: 0, pending: 0, debt: 0 };
      const check = (name: string, expected: number, actual: number, what: string) => {
        if (expected !== actual)
          report({
            check: name,
            memberId,
            entityId: memberId,
            expected,
            actual,
            message: `member ${memberId}: ${what} is ${actual}, the ledger says ${expected}`,
          });
      };
      check('member_total', t.entries, cached.available + cached.pending, 'available + pending');
      check('member_available', t.active - cached.debt, cached.available, 'available');
      check('member_pending', t.pending, cached.pending, 'pending');
      check('member_debt', t.debtDeltas, cached.debt, 'debt');
      if (!t.cached) check('member_exists', 0, 1, 'a member with ledger entries or lots that does not exist');
    }

    for (const check of this.checks) await check.verify(report);

    return { ok: mismatches.length === 0, checked: members.size, mismatches };
  }
}
