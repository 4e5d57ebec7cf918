import { describe, expect, it } from 'vitest';
import {
  afterPurchase,
  afterRefund,
  atDue,
  baseState,
  monthOf,
  retentionEnd,
  startOfLocalDay,
  windowStart,
  type Bucket,
  type Ladder,
  type TierState,
} from './tier-evaluation.js';

const TZ = 'Europe/Madrid';
const DAY = 24 * 3600_000;

const makeLadder = (overrides: Partial<Ladder> = {}): Ladder => ({
  basis: 'spend',
  window: { kind: 'rolling_months', months: 12 },
  retention: { kind: 'months', months: 12 },
  downgrade: { policy: 'to_qualified', graceDays: 30, warnDaysBefore: 14 },
  tiers: [
    { code: 'bronze', name: 'Bronze', threshold: 0, neverDowngrade: false, discountPercent: 0 },
    { code: 'silver', name: 'Silver', threshold: 10_000, neverDowngrade: false, discountPercent: 0 },
    { code: 'gold', name: 'Gold', threshold: 20_000, neverDowngrade: false, discountPercent: 0 },
  ],
  ...overrides,
});

/** A member who reached `tier` at `at` by spending `spend` that day. */
function reached(ladder: Ladder, spend: number, at: Date): { state: TierState; buckets: Bucket[] } {
  const buckets = [{ month: monthOf(at, TZ), points: 0, spendMinor: spend }];
  const { state } = afterPurchase(ladder, baseState(ladder, at), {
    buckets,
    at,
    timeZone: TZ,
    purchaseId: 'p1',
  });
  return { state, buckets };
}

describe('calendar arithmetic in the program time zone', () => {
  it('puts a purchase at 00:30 on 1 January in Madrid in January, not December', () => {
    const at = new Date('2025-12-31T23:30:00Z');
    expect(monthOf(at, TZ)).toBe(2026 * 12);
    expect(monthOf(at, 'UTC')).toBe(2025 * 12 + 11);
  });

  it('finds local midnight across DST and the windows it opens', () => {
    expect(startOfLocalDay(2027, 1, 1, TZ).toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(startOfLocalDay(2026, 7, 1, TZ).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    const at = new Date('2026-05-10T10:00:00Z');
    expect(windowStart({ kind: 'rolling_months', months: 3 }, at, TZ)).toBe(2026 * 12 + 2);
    expect(windowStart({ kind: 'calendar_year' }, at, TZ)).toBe(2026 * 12);
    expect(windowStart({ kind: 'lifetime' }, at, TZ)).toBeNull();
  });

  it('keeps a tier N months (the 31st ends on a shorter month’s last day) or to the end of next year', () => {
    expect(
      retentionEnd({ kind: 'months', months: 1 }, new Date('2026-01-31T10:00:00Z'), TZ).toISOString(),
    ).toBe('2026-02-28T10:00:00.000Z');
    expect(
      retentionEnd({ kind: 'end_of_next_calendar_year' }, new Date('2026-06-15T10:00:00Z'), TZ).toISOString(),
    ).toBe('2027-12-31T23:00:00.000Z');
  });
});

describe('downgrade policies with grace, at their boundaries', () => {
  const at = new Date('2026-03-02T10:00:00Z');

  for (const [policy, expected] of [
    ['to_qualified', 'bronze'],
    ['one_down', 'silver'],
  ] as const) {
    it(`${policy}: a gold member who does not qualify again keeps gold until grace ends, then goes to ${expected}`, () => {
      const ladder = makeLadder({ downgrade: { policy, graceDays: 30, warnDaysBefore: 14 } });
      const { state, buckets } = reached(ladder, 25_000, at);
      expect(state.tierCode).toBe('gold');
      expect(state.qualifiedUntil?.toISOString()).toBe('2027-03-02T10:00:00.000Z');
      const dueAt = state.dueAt!;
      expect(dueAt.getTime()).toBe(Date.parse('2027-03-02T10:00:00Z') + 30 * DAY);
      expect(state.warnAt?.getTime()).toBe(dueAt.getTime() - 14 * DAY);
      // The sweep is only called for due states; called early it changes nothing.
      expect(
        atDue(ladder, state, { buckets, now: new Date(dueAt.getTime() - 1), timeZone: TZ }).state,
      ).toEqual(state);
      const after = atDue(ladder, state, { buckets, now: dueAt, timeZone: TZ });
      expect(after.state.tierCode).toBe(expected);
      expect(after.changes).toEqual([
        expect.objectContaining({ kind: 'downgrade', from: 'gold', to: expected }),
      ]);
      // Run again (a retry after a crash): nothing more happens.
      expect(atDue(ladder, after.state, { buckets, now: dueAt, timeZone: TZ }).changes).toEqual([]);
    });
  }

  it('one_down steps once per period: gold → silver → bronze a period later', () => {
    const ladder = makeLadder({ downgrade: { policy: 'one_down', graceDays: 0, warnDaysBefore: 0 } });
    const { state, buckets } = reached(ladder, 25_000, at);
    const twoYears = new Date(at.getTime() + 800 * DAY);
    const after = atDue(ladder, state, { buckets, now: twoYears, timeZone: TZ });
    expect(after.changes.map((c) => c.to)).toEqual(['silver', 'bronze']);
  });

  it('none, and a tier marked never-downgrade, keep the tier for good', () => {
    const none = makeLadder({ downgrade: { policy: 'none', graceDays: 0, warnDaysBefore: 0 } });
    expect(reached(none, 25_000, at).state.dueAt).toBeNull();
    const ladder = makeLadder();
    ladder.tiers[2] = { ...ladder.tiers[2]!, neverDowngrade: true };
    expect(reached(ladder, 25_000, at).state.dueAt).toBeNull();
  });

  it('a purchase in grace counts: the member keeps the tier another period', () => {
    const ladder = makeLadder();
    const { state, buckets } = reached(ladder, 10_000, at);
    const inGrace = new Date(state.qualifiedUntil!.getTime() + 5 * DAY);
    buckets.push({ month: monthOf(inGrace, TZ), points: 0, spendMinor: 10_000 });
    const after = atDue(ladder, state, { buckets, now: state.dueAt!, timeZone: TZ });
    expect(after.changes).toEqual([]);
    expect(after.state.tierCode).toBe('silver');
    expect(after.state.qualifiedUntil?.toISOString()).toBe('2028-03-02T10:00:00.000Z');
  });

  it('a calendar-year ladder judges the year that just closed, not the one that starts', () => {
    const ladder = makeLadder({
      window: { kind: 'calendar_year' },
      retention: { kind: 'end_of_next_calendar_year' },
      downgrade: { policy: 'to_qualified', graceDays: 0, warnDaysBefore: 0 },
    });
    const { state, buckets } = reached(ladder, 12_000, new Date('2026-06-15T10:00:00Z'));
    expect(state.qualifiedUntil?.toISOString()).toBe('2027-12-31T23:00:00.000Z');
    buckets.push({ month: 2027 * 12 + 10, points: 0, spendMinor: 10_000 });
    const kept = atDue(ladder, state, { buckets, now: state.dueAt!, timeZone: TZ });
    expect(kept.state.tierCode).toBe('silver');
    expect(kept.state.qualifiedUntil?.toISOString()).toBe('2028-12-31T23:00:00.000Z');
    const dropped = atDue(ladder, kept.state, { buckets, now: kept.state.dueAt!, timeZone: TZ });
    expect(dropped.state.tierCode).toBe('bronze');
  });

  it('a floor holds: the member never goes below it', () => {
    const ladder = makeLadder();
    const { state, buckets } = reached(ladder, 25_000, at);
    const floored: TierState = {
      ...state,
      override: { kind: 'floor', tierCode: 'silver', until: null, reason: 'x' },
    };
    const after = atDue(ladder, floored, { buckets, now: state.dueAt!, timeZone: TZ });
    expect(after.state.tierCode).toBe('silver');
    expect(after.state.dueAt).toBeNull();
  });
});

// --- The property: incremental equals recomputed from the ledger -------------------------------

/** A deterministic generator (mulberry32), so that a failing history can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One ledger entry: a purchase's points earned and spend, or a refund's share taken back (negative). */
type Entry = {
  at: Date;
  purchaseId: string;
  purchaseAt: Date;
  points: number;
  spendMinor: number;
  kind: 'purchase' | 'refund';
};

function randomLadder(next: () => number): Ladder {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  return makeLadder({
    basis: pick(['spend', 'points_earned'] as const),
    window: pick([
      { kind: 'rolling_months', months: 1 + Math.floor(next() * 12) },
      { kind: 'calendar_year' },
      { kind: 'lifetime' },
    ] as const),
    retention: pick([
      { kind: 'months', months: 1 + Math.floor(next() * 12) },
      { kind: 'end_of_next_calendar_year' },
    ] as const),
    downgrade: {
      policy: pick(['none', 'one_down', 'to_qualified'] as const),
      graceDays: Math.floor(next() * 40),
      warnDaysBefore: 0,
    },
    tiers: [
      { code: 'bronze', name: 'Bronze', threshold: 0, neverDowngrade: false, discountPercent: 0 },
      { code: 'silver', name: 'Silver', threshold: 5_000, neverDowngrade: false, discountPercent: 0 },
      { code: 'gold', name: 'Gold', threshold: 15_000, neverDowngrade: next() < 0.2, discountPercent: 0 },
      { code: 'platinum', name: 'Platinum', threshold: 40_000, neverDowngrade: false, discountPercent: 0 },
    ],
  });
}

/** The buckets straight from the ledger entries (what the `$inc`s must add up to). */
function bucketsFromLedger(entries: readonly Entry[]): Bucket[] {
  const byMonth = new Map<number, Bucket>();
  for (const e of entries) {
    const month = monthOf(e.purchaseAt, TZ);
    const bucket = byMonth.get(month) ?? { month, points: 0, spendMinor: 0 };
    bucket.points += e.points;
    bucket.spendMinor += e.spendMinor;
    byMonth.set(month, bucket);
  }
  return [...byMonth.values()];
}

/** Replays the ledger from scratch with a sweep every day at midnight UTC and before each entry. */
function recompute(ladder: Ladder, entries: readonly Entry[], start: Date, end: Date): TierState {
  let state = baseState(ladder, start);
  const seen: Entry[] = [];
  let index = 0;
  for (let day = start.getTime(); day <= end.getTime(); day += DAY) {
    const dayEnd = Math.min(day + DAY, end.getTime() + 1);
    while (index < entries.length && entries[index]!.at.getTime() < dayEnd) {
      const entry = entries[index++]!;
      if (state.dueAt && state.dueAt <= entry.at)
        state = atDue(ladder, state, { buckets: bucketsFromLedger(seen), now: entry.at, timeZone: TZ }).state;
      seen.push(entry);
      const input = {
        buckets: bucketsFromLedger(seen),
        at: entry.at,
        timeZone: TZ,
        purchaseId: entry.purchaseId,
      };
      state = (entry.kind === 'purchase' ? afterPurchase : afterRefund)(ladder, state, input).state;
    }
    const sweepAt = new Date(Math.min(day + DAY, end.getTime()));
    if (state.dueAt && state.dueAt <= sweepAt)
      state = atDue(ladder, state, { buckets: bucketsFromLedger(seen), now: sweepAt, timeZone: TZ }).state;
  }
  return state;
}

describe('property: the tier computed incrementally equals the tier recomputed from the ledger', () => {
  it('holds for 10,000 random histories of purchases, refunds and time passing (late and repeated sweeps)', () => {
    const HISTORIES = 10_000;
    for (let seed = 1; seed <= HISTORIES; seed++) {
      const next = random(seed);
      const ladder = randomLadder(next);
      const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 365) * DAY);
      let now = start.getTime();
      const entries: Entry[] = [];
      const purchases: Array<{ id: string; at: Date; points: number; spendMinor: number; refunded: number }> =
        [];
      // The incremental side: buckets kept by deltas, the state stepped by each event and by sweeps
      // that run at random times (sometimes days late, sometimes twice).
      const buckets = new Map<number, Bucket>();
      const add = (at: Date, points: number, spendMinor: number) => {
        const month = monthOf(at, TZ);
        const bucket = buckets.get(month) ?? { month, points: 0, spendMinor: 0 };
        bucket.points += points;
        bucket.spendMinor += spendMinor;
        buckets.set(month, bucket);
      };
      let state = baseState(ladder, start);
      const sweepAt = (at: Date) => {
        if (state.dueAt && state.dueAt <= at)
          state = atDue(ladder, state, { buckets: [...buckets.values()], now: at, timeZone: TZ }).state;
      };
      const steps = 5 + Math.floor(next() * 30);
      for (let step = 0; step < steps; step++) {
        now += Math.floor(next() * 90 * DAY);
        const at = new Date(now);
        if (next() < 0.3) sweepAt(new Date(now - Math.floor(next() * DAY)));
        sweepAt(at);
        const refundable = purchases.filter((p) => p.refunded < p.spendMinor);
        if (refundable.length > 0 && next() < 0.3) {
          const purchase = refundable[Math.floor(next() * refundable.length)]!;
          const amount = Math.min(
            purchase.spendMinor - purchase.refunded,
            1 + Math.floor(next() * purchase.spendMinor),
          );
          const pointsBefore = Math.floor((purchase.points * purchase.refunded) / purchase.spendMinor);
          purchase.refunded += amount;
          const pointsBack =
            Math.floor((purchase.points * purchase.refunded) / purchase.spendMinor) - pointsBefore;
          entries.push({
            at,
            purchaseId: purchase.id,
            purchaseAt: purchase.at,
            points: -pointsBack,
            spendMinor: -amount,
            kind: 'refund',
          });
          add(purchase.at, -pointsBack, -amount);
          state = afterRefund(ladder, state, {
            buckets: [...buckets.values()],
            at,
            timeZone: TZ,
            purchaseId: purchase.id,
          }).state;
        } else {
          const spendMinor = 500 + Math.floor(next() * 20_000);
          const points = Math.floor(spendMinor / 100);
          const id = `p${step}`;
          purchases.push({ id, at, points, spendMinor, refunded: 0 });
          entries.push({ at, purchaseId: id, purchaseAt: at, points, spendMinor, kind: 'purchase' });
          add(at, points, spendMinor);
          state = afterPurchase(ladder, state, {
            buckets: [...buckets.values()],
            at,
            timeZone: TZ,
            purchaseId: id,
          }).state;
        }
      }
      const end = new Date(now + Math.floor(next() * 400 * DAY));
      sweepAt(end);
      sweepAt(end);
      const expected = recompute(ladder, entries, start, end);
      if (
        state.tierCode !== expected.tierCode ||
        state.qualifiedUntil?.getTime() !== expected.qualifiedUntil?.getTime()
      )
        throw new Error(
          `history ${seed}: incremental ${state.tierCode} until ${state.qualifiedUntil?.toISOString()}, recomputed ${expected.tierCode} until ${expected.qualifiedUntil?.toISOString()}`,
        );
      // The buckets kept by deltas add up to the ledger.
      expect([...buckets.values()].sort((a, b) => a.month - b.month)).toEqual(
        bucketsFromLedger(entries).sort((a, b) => a.month - b.month),
      );
    }
  }, 120_000);
});
