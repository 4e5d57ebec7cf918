import type { GiftCertificateLiability, GiftCertificateLiabilityReport } from '@regulars/contracts';
import { GiftCertificateDayTotalsModel } from './gift-certificate.model.js';
import { localDay } from './gift-certificate.service.js';

const DAY_MS = 24 * 3600_000;
/** A row's sum of one type: `$inc` creates only the fields an entry touched, so the others read as 0. */
const sum = (value: number | undefined) => value ?? 0;

/**
 * The liability report: what certificates still hold (the merchant owes it) by the age of their issue, and
 * what was issued (sold at the till included), reloaded, redeemed, refunded, expired, adjusted and voided
 * (sold certificates taken back by the refund of their sale), per currency. It reads the
 * per-day pre-aggregate (one row per currency and day of issue, kept in the transaction of every entry),
 * never the ledger; ages are counted in whole days of the program's time zone.
 */
export async function liabilityReport(now: Date, timeZone: string): Promise<GiftCertificateLiabilityReport> {
  const today = Date.parse(`${localDay(now, timeZone)}T00:00:00Z`);
  const rows = await GiftCertificateDayTotalsModel.find({}).sort({ currency: 1, issueDay: 1 }).lean();
  const byCurrency = new Map<string, GiftCertificateLiability>();
  for (const row of rows) {
    const t =
      byCurrency.get(row.currency) ??
      ({
        currency: row.currency,
        outstandingMinor: 0,
        outstandingByAge: { days0To90: 0, days91To180: 0, days181To365: 0, over365: 0 },
        certificates: 0,
        issuedMinor: 0,
        reloadedMinor: 0,
        redeemedMinor: 0,
        refundedMinor: 0,
        expiredMinor: 0,
        adjustedMinor: 0,
        voidedMinor: 0,
      } satisfies GiftCertificateLiability);
    const age = Math.round((today - Date.parse(`${row.issueDay}T00:00:00Z`)) / DAY_MS);
    const bucket =
      age <= 90 ? 'days0To90' : age <= 180 ? 'days91To180' : age <= 365 ? 'days181To365' : 'over365';
    t.outstandingByAge[bucket] += sum(row.outstanding);
    t.outstandingMinor += sum(row.outstanding);
    t.certificates += sum(row.certificates);
    t.issuedMinor += sum(row.issue);
    t.reloadedMinor += sum(row.reload);
    // Redeemed and expired are debits in the ledger; the report shows them as positive amounts.
    t.redeemedMinor -= sum(row.redeem);
    t.refundedMinor += sum(row.refund);
    t.expiredMinor -= sum(row.expire);
    t.adjustedMinor += sum(row.adjust);
    t.voidedMinor -= sum(row.void);
    byCurrency.set(row.currency, t);
  }
  return { asOf: now.toISOString(), currencies: [...byCurrency.values()] };
}
