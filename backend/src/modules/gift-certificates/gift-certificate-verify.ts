import type { LedgerMismatch } from '@regulars/contracts';
import type { LedgerCheck } from '../ledger/ledger-verify.service.js';
import {
  GiftCertificateDayTotalsModel,
  GiftCertificateEntryModel,
  GiftCertificateHoldModel,
  GiftCertificateModel,
} from './gift-certificate.model.js';

/**
 * `ledger:verify` for gift certificates: every certificate's balance equals the sum of its entries, its
 * held amount the sum of its open holds, its available amount balance − held (never negative), an
 * expired one holds nothing, and the liability pre-aggregate's outstanding value per currency and day of
 * issue equals what its certificates hold. Streams each collection once.
 */
export class GiftCertificateLedgerCheck implements LedgerCheck {
  async verify(report: (mismatch: LedgerMismatch) => void): Promise<number> {
    const entries = new Map<string, number>();
    for await (const entry of GiftCertificateEntryModel.find(
      {},
      { certificateId: 1, amountMinor: 1 },
    ).lean()) {
      const id = String(entry.certificateId);
      entries.set(id, (entries.get(id) ?? 0) + entry.amountMinor);
    }
    const holds = new Map<string, number>();
    for await (const hold of GiftCertificateHoldModel.find({}, { certificateId: 1, amountMinor: 1 }).lean()) {
      const id = String(hold.certificateId);
      holds.set(id, (holds.get(id) ?? 0) + hold.amountMinor);
    }
    const outstanding = new Map<string, number>();
    let checked = 0;
    for await (const c of GiftCertificateModel.find(
      {},
      { memberId: 1, balanceMinor: 1, heldMinor: 1, availableMinor: 1, status: 1, currency: 1, issueDay: 1 },
    ).lean()) {
      checked += 1;
      const id = String(c._id);
      const memberId = c.memberId ? String(c.memberId) : null;
      const check = (name: string, expected: number, actual: number, what: string) => {
        if (expected !== actual)
          report({
            check: name,
            memberId,
            entityId: id,
            expected,
            actual,
            message: `gift certificate ${id}: ${what} is ${actual}, its ledger says ${expected}`,
          });
      };
      check('gift_certificate_balance', entries.get(id) ?? 0, c.balanceMinor, 'the balance');
      check('gift_certificate_held', holds.get(id) ?? 0, c.heldMinor, 'the held amount');
      check(
        'gift_certificate_available',
        c.balanceMinor - c.heldMinor,
        c.availableMinor,
        'the available amount',
      );
      if (c.availableMinor < 0 || (c.status === 'expired' && c.balanceMinor !== 0))
        check(
          'gift_certificate_bounds',
          0,
          c.status === 'expired' ? c.balanceMinor : c.availableMinor,
          'a bound',
        );
      entries.delete(id);
      const day = `${c.currency}:${c.issueDay}`;
      outstanding.set(day, (outstanding.get(day) ?? 0) + c.balanceMinor);
    }
    for (const [id, sum] of entries) {
      report({
        check: 'gift_certificate_exists',
        memberId: null,
        entityId: id,
        expected: 0,
        actual: sum,
        message: `entries of ${sum} belong to gift certificate ${id}, which does not exist`,
      });
    }
    for await (const row of GiftCertificateDayTotalsModel.find({}).lean()) {
      const expected = outstanding.get(row._id) ?? 0;
      outstanding.delete(row._id);
      if (expected !== row.outstanding)
        report({
          check: 'gift_certificate_liability',
          memberId: null,
          entityId: row._id,
          expected,
          actual: row.outstanding,
          message: `liability of ${row._id}: outstanding is ${row.outstanding}, its certificates hold ${expected}`,
        });
    }
    for (const [day, expected] of outstanding) {
      if (expected !== 0)
        report({
          check: 'gift_certificate_liability',
          memberId: null,
          entityId: day,
          expected,
          actual: 0,
          message: `liability of ${day} is missing; its certificates hold ${expected}`,
        });
    }
    return checked;
  }
}
