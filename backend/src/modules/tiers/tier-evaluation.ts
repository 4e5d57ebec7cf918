// The ladder's arithmetic, with no I/O: which tier a member's activity qualifies for, when a reached tier
// is kept until, and what the daily sweep, a purchase and a refund do to a member's tier state. The
// service reads and writes the state; the property test replays random histories through these steps.
import type { TierLadderDraft, TierRetention, TierWindow } from '@regulars/contracts';

const DAY_MS = 24 * 3600_000;

/** A ladder as evaluation reads it (the published version or a draft being previewed). */
export type Ladder = Pick<TierLadderDraft, 'basis' | 'window' | 'retention'> & {
  downgrade: { policy: TierLadderDraft['downgrade']['policy']; graceDays: number; warnDaysBefore: number };
  tiers: Array<{
    code: string;
    name: string;
    threshold: number;
    neverDowngrade: boolean;
    discountPercent: number;
  }>;
};

/** A member's activity of one calendar month (program time zone): points earned and spend, net of refunds. */
export type Bucket = { month: number; points: number; spendMinor: number };

export type TierOverride = {
  kind: 'floor' | 'fixed_until';
  tierCode: string;
  until: Date | null;
  reason: string;
};

/** What a refund needs to take back the upgrade a purchase caused. */
export type UpgradeCause = {
  purchaseId: string;
  fromTierCode: string;
  fromQualifiedUntil: Date | null;
};

/** A member's place on the ladder (the member_tiers document without its ids). */
export type TierState = {
  tierCode: string;
  since: Date;
  /** Kept without qualifying again until then (null: the base tier, or no downgrade applies). */
  qualifiedUntil: Date | null;
  /** When the sweep must look at the member again: the downgrade (qualifiedUntil + grace) or a fixed override's end. */
  dueAt: Date | null;
  /** When `tier.will_downgrade` is due (null: sent, or nothing to warn about). */
  warnAt: Date | null;
  override: TierOverride | null;
  lastUpgrade: UpgradeCause | null;
};

export type TierChange = {
  kind: 'upgrade' | 'downgrade' | 'refund_reversal' | 'override' | 'override_cleared' | 'ladder_change';
  from: string | null;
  to: string;
  reason: string;
};

// --- Calendar months in the program's time zone --------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
const lastByZone = new Map<string, { hour: number; local: LocalDate }>();
type LocalDate = { year: number; month: number; day: number };

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local calendar date of an instant (cached per zone and quarter hour: every offset is a multiple of 15 minutes). */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const quarter = Math.floor(at.getTime() / 900_000);
  const last = lastByZone.get(timeZone);
  if (last?.hour === quarter) return last.local;
  const [year, month, day] = formatterFor(timeZone).format(at).split('-').map(Number);
  const local = { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
  lastByZone.set(timeZone, { hour: quarter, local });
  return local;
}

/** The month number (year × 12 + month − 1) an instant falls in, in the time zone: the bucket key. */
export function monthOf(at: Date, timeZone: string): number {
  const { year, month } = localDateOf(at, timeZone);
  return year * 12 + month - 1;
}

/** The instant local midnight starts a calendar date in the time zone (DST-safe: corrects by the offset found). */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  let guess = Date.UTC(year, month - 1, day);
  for (let i = 0; i < 2; i++) {
    const local = localDateOf(new Date(guess), timeZone);
    const hours = localHour(new Date(guess), timeZone);
    const localMs =
      Date.UTC(local.year, local.month - 1, local.day) + hours.hour * 3600_000 + hours.minute * 60_000;
    guess += Date.UTC(year, month - 1, day) - localMs;
  }
  return new Date(guess);
}

const hourFormatters = new Map<string, Intl.DateTimeFormat>();
function localHour(at: Date, timeZone: string): { hour: number; minute: number } {
  let formatter = hourFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    });
    hourFormatters.set(timeZone, formatter);
  }
  const [hour, minute] = formatter.format(at).split(':').map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
}

/** The first month counted by the window at `at` (null: lifetime, every month). */
export function windowStart(window: TierWindow, at: Date, timeZone: string): number | null {
  const month = monthOf(at, timeZone);
  if (window.kind === 'lifetime') return null;
  if (window.kind === 'calendar_year') return month - (month % 12);
  return month - window.months + 1;
}

/** Points earned or spend counted by the ladder's window at `at` (months after `at` are never in it). */
export function windowValue(
  ladder: Pick<Ladder, 'basis' | 'window'>,
  buckets: Iterable<Bucket>,
  at: Date,
  timeZone: string,
): number {
  const from = windowStart(ladder.window, at, timeZone);
  const to = monthOf(at, timeZone);
  let total = 0;
  for (const b of buckets) {
    if ((from === null || b.month >= from) && b.month <= to)
      total += ladder.basis === 'points_earned' ? b.points : b.spendMinor;
  }
  return Math.max(0, total);
}

/** How long a tier reached at `at` is kept: N months later, or the start of the year after next. */
export function retentionEnd(retention: TierRetention, at: Date, timeZone: string): Date {
  if (retention.kind === 'end_of_next_calendar_year') {
    const { year } = localDateOf(at, timeZone);
    return startOfLocalDay(year + 2, 1, 1, timeZone);
  }
  const end = new Date(at.getTime());
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + retention.months);
  // The 31st kept for a month ends on the last day of a shorter month.
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}

// --- The ladder -------------------------------------------------------------------------------

export const rankOf = (ladder: Ladder, code: string): number =>
  ladder.tiers.findIndex((t) => t.code === code);

/** The highest tier whose threshold the value reaches (the base tier at least). */
export function qualifiedRank(ladder: Ladder, value: number): number {
  let rank = 0;
  ladder.tiers.forEach((tier, index) => {
    if (value >= tier.threshold) rank = index;
  });
  return rank;
}

const codeAt = (ladder: Ladder, rank: number): string =>
  ladder.tiers[Math.max(0, rank)]?.code ?? ladder.tiers[0]!.code;

/** A member's state before anything happened: the base tier since `at`. */
export function baseState(ladder: Ladder, at: Date): TierState {
  return {
    tierCode: codeAt(ladder, 0),
    since: at,
    qualifiedUntil: null,
    dueAt: null,
    warnAt: null,
    override: null,
    lastUpgrade: null,
  };
}

/** The state's current rank (a tier the ladder no longer has counts as the base tier). */
function currentRank(ladder: Ladder, state: TierState): number {
  return Math.max(0, rankOf(ladder, state.tierCode));
}

function floorRank(ladder: Ladder, state: TierState): number {
  return state.override?.kind === 'floor' ? Math.max(0, rankOf(ladder, state.override.tierCode)) : 0;
}

const isFixed = (state: TierState, at: Date): boolean =>
  state.override?.kind === 'fixed_until' && state.override.until !== null && state.override.until > at;

/** The due dates of a tier kept until `qualifiedUntil`: the downgrade after grace, and its warning. */
export function withDueDates(ladder: Ladder, state: TierState): TierState {
  if (state.override?.kind === 'fixed_until' && state.override.until) {
    return { ...state, dueAt: state.override.until, warnAt: null };
  }
  const rank = currentRank(ladder, state);
  const tier = ladder.tiers[rank];
  const keepsForever =
    rank === 0 ||
    !tier ||
    tier.neverDowngrade ||
    ladder.downgrade.policy === 'none' ||
    rank <= floorRank(ladder, state);
  if (keepsForever || !state.qualifiedUntil) return { ...state, dueAt: null, warnAt: null };
  const dueAt = new Date(state.qualifiedUntil.getTime() + ladder.downgrade.graceDays * DAY_MS);
  const warnAt =
    ladder.downgrade.warnDaysBefore > 0
      ? new Date(dueAt.getTime() - ladder.downgrade.warnDaysBefore * DAY_MS)
      : null;
  return { ...state, dueAt, warnAt };
}

/** Moves the state to `rank` at `at` (a new tier is kept for the retention from `from`). */
export function moveTo(
  ladder: Ladder,
  state: TierState,
  rank: number,
  at: Date,
  from: Date,
  timeZone: string,
): TierState {
  const tierCode = codeAt(ladder, rank);
  const qualifiedUntil = rank === 0 ? null : retentionEnd(ladder.retention, from, timeZone);
  return withDueDates(ladder, {
    ...state,
    tierCode,
    since: tierCode === state.tierCode ? state.since : at,
    qualifiedUntil,
  });
}

/**
 * A purchase was recorded (its activity is already in `buckets`): the member moves up at once to the
 * tier the window now reaches (never down, and not while a fixed override holds).
 */
export function afterPurchase(
  ladder: Ladder,
  state: TierState,
  input: { buckets: Iterable<Bucket>; at: Date; timeZone: string; purchaseId: string },
): { state: TierState; change: TierChange | null } {
  if (isFixed(state, input.at)) return { state, change: null };
  const value = windowValue(ladder, input.buckets, input.at, input.timeZone);
  const rank = qualifiedRank(ladder, value);
  const current = currentRank(ladder, state);
  if (rank <= current) return { state, change: null };
  const cause: UpgradeCause = {
    purchaseId: input.purchaseId,
    fromTierCode: state.tierCode,
    fromQualifiedUntil: state.qualifiedUntil,
  };
  const next = { ...moveTo(ladder, state, rank, input.at, input.at, input.timeZone), lastUpgrade: cause };
  return {
    state: next,
    change: {
      kind: 'upgrade',
      from: state.tierCode,
      to: next.tierCode,
      reason: `purchase ${input.purchaseId}`,
    },
  };
}

/**
 * A refund was recorded (its activity already taken out of `buckets`): if it un-qualifies the upgrade its
 * purchase caused, the member goes back to where they were (or to what they still reach, if higher).
 */
export function afterRefund(
  ladder: Ladder,
  state: TierState,
  input: { buckets: Iterable<Bucket>; at: Date; timeZone: string; purchaseId: string },
): { state: TierState; change: TierChange | null } {
  const cause = state.lastUpgrade;
  if (!cause || cause.purchaseId !== input.purchaseId || isFixed(state, input.at))
    return { state, change: null };
  const value = windowValue(ladder, input.buckets, input.at, input.timeZone);
  const rank = qualifiedRank(ladder, value);
  const current = currentRank(ladder, state);
  if (rank >= current) return { state, change: null };
  const back = Math.max(rank, rankOf(ladder, cause.fromTierCode), floorRank(ladder, state), 0);
  if (back >= current) return { state, change: null };
  const tierCode = codeAt(ladder, back);
  const restored =
    tierCode === cause.fromTierCode
      ? withDueDates(ladder, {
          ...state,
          tierCode,
          since: input.at,
          qualifiedUntil: cause.fromQualifiedUntil,
          lastUpgrade: null,
        })
      : { ...moveTo(ladder, state, back, input.at, input.at, input.timeZone), lastUpgrade: null };
  return {
    state: restored,
    change: {
      kind: 'refund_reversal',
      from: state.tierCode,
      to: tierCode,
      reason: `refund of purchase ${input.purchaseId}`,
    },
  };
}

/**
 * The daily sweep for one member whose `dueAt` has come: a fixed override ends (the ladder decides again),
 * or the qualification (plus grace) ended: kept for another period if the member qualifies in the window
 * that just closed or in the window now, else down by the policy (never below a floor).
 */
export function atDue(
  ladder: Ladder,
  state: TierState,
  input: { buckets: Bucket[]; now: Date; timeZone: string },
): { state: TierState; changes: TierChange[] } {
  const { now, timeZone } = input;
  const changes: TierChange[] = [];
  let current = state;
  if (current.override?.kind === 'fixed_until' && current.override.until && current.override.until <= now) {
    const ended = current.override;
    const rank = Math.max(qualifiedRank(ladder, windowValue(ladder, input.buckets, now, timeZone)), 0);
    const cleared: TierState = { ...current, override: null, lastUpgrade: null };
    current = moveTo(ladder, cleared, rank, ended.until ?? now, ended.until ?? now, timeZone);
    changes.push({
      kind: 'override_cleared',
      from: state.tierCode,
      to: current.tierCode,
      reason: `the fixed tier ended (${ended.reason})`,
    });
  }
  // A period at a time, so that a sweep that did not run for a while catches up exactly.
  for (
    let guard = 0;
    guard < 1000 && current.dueAt && current.dueAt <= now && current.qualifiedUntil;
    guard++
  ) {
    const until = current.qualifiedUntil;
    const closed = new Date(until.getTime() - 1);
    const value = Math.max(
      windowValue(ladder, input.buckets, closed, timeZone),
      windowValue(ladder, input.buckets, current.dueAt, timeZone),
    );
    const rank = qualifiedRank(ladder, value);
    const held = currentRank(ladder, current);
    // The next period starts where this one ended (a calendar year is named by its last instant).
    const renewFrom = ladder.retention.kind === 'months' ? until : closed;
    if (rank >= held) {
      current = moveTo(ladder, current, rank, current.dueAt, renewFrom, timeZone);
      continue;
    }
    const policy = ladder.downgrade.policy;
    const target = Math.max(
      policy === 'one_down' ? Math.max(rank, held - 1) : rank,
      floorRank(ladder, current),
    );
    const before = current.tierCode;
    current = { ...moveTo(ladder, current, target, current.dueAt, renewFrom, timeZone), lastUpgrade: null };
    if (current.tierCode !== before)
      changes.push({
        kind: 'downgrade',
        from: before,
        to: current.tierCode,
        reason: `not qualified again by ${until.toISOString().slice(0, 10)} (${policy})`,
      });
  }
  return { state: current, changes };
}

/** What the member still needs in the window to keep their tier at its due date (null: nothing, or it is never taken away). */
export function keepRequirement(
  ladder: Ladder,
  state: TierState,
  buckets: Bucket[],
  timeZone: string,
): { remaining: number; by: Date } | null {
  if (!state.qualifiedUntil || !state.dueAt || state.override?.kind === 'fixed_until') return null;
  const tier = ladder.tiers[currentRank(ladder, state)];
  if (!tier) return null;
  const closed = new Date(state.qualifiedUntil.getTime() - 1);
  const value = windowValue(ladder, buckets, closed, timeZone);
  return { remaining: Math.max(0, tier.threshold - value), by: closed };
}

/**
 * The tier a published ladder change gives a member now: their tier if the new ladder keeps it (raised
 * to what they reach), else what they reach; a floor still holds and a fixed override is untouched.
 */
export function afterLadderChange(
  ladder: Ladder,
  state: TierState,
  input: { buckets: Bucket[]; now: Date; timeZone: string },
): { state: TierState; change: TierChange | null } {
  if (isFixed(state, input.now)) return { state: withDueDates(ladder, state), change: null };
  const rank = movedRank(ladder, state, windowValue(ladder, input.buckets, input.now, input.timeZone));
  const kept = rankOf(ladder, state.tierCode);
  if (rank === kept) return { state: withDueDates(ladder, state), change: null };
  const next = { ...moveTo(ladder, state, rank, input.now, input.now, input.timeZone), lastUpgrade: null };
  return {
    state: next,
    change: { kind: 'ladder_change', from: state.tierCode, to: next.tierCode, reason: 'the ladder changed' },
  };
}

/** The rank a member of tier `state.tierCode` with `value` in the window lands on under `ladder` (the preview's rule too). */
export function movedRank(
  ladder: Ladder,
  state: Pick<TierState, 'tierCode' | 'override'>,
  value: number,
): number {
  const reached = qualifiedRank(ladder, value);
  const kept = rankOf(ladder, state.tierCode);
  const floor = state.override?.kind === 'floor' ? Math.max(0, rankOf(ladder, state.override.tierCode)) : 0;
  return Math.max(kept, reached, floor);
}
