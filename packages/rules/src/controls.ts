// Schedule, audience, per-member limits and global budgets. Each check returns nothing when the rule may
// run, or the plain-English reason it may not; caps say how far points were cut and by what.
import { dayName, dayNumber } from './fields.js';
import { isIsoDate } from './field-values.js';
import type { Facts } from './facts.js';
import { localTime } from './local-time.js';
import type { Audience, Budget, Limit, Schedule } from './rule.schema.js';
import { formatList, formatPoints } from './trace.js';

/** A compiled gate: undefined when the rule may run, otherwise why not. */
export type Gate = (facts: Facts) => string | undefined;

function pad(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** Compiles a schedule into a gate; dates and hours are read in the schedule's (or the program's) time zone. */
export function compileSchedule(schedule: Schedule): Gate {
  const checks: Gate[] = [];
  const zone = schedule.timeZone;
  const local = (facts: Facts) => (zone === undefined ? facts.local : localTime(facts.epochMs, zone));
  const { startsAt, endsAt, daysOfWeek, hours } = schedule;
  if (startsAt !== undefined) {
    if (isIsoDate(startsAt)) {
      checks.push((facts) => {
        const { date } = local(facts);
        return date < startsAt ? `the rule starts on ${startsAt}; the purchase is on ${date}` : undefined;
      });
    } else {
      const startMs = Date.parse(startsAt);
      checks.push((facts) =>
        facts.epochMs < startMs
          ? `the rule starts at ${startsAt}; the purchase is at ${new Date(facts.epochMs).toISOString()}`
          : undefined,
      );
    }
  }
  if (endsAt !== undefined) {
    if (isIsoDate(endsAt)) {
      checks.push((facts) => {
        const { date } = local(facts);
        return date > endsAt ? `the rule ended on ${endsAt}; the purchase is on ${date}` : undefined;
      });
    } else {
      const endMs = Date.parse(endsAt);
      checks.push((facts) =>
        facts.epochMs >= endMs
          ? `the rule ended at ${endsAt}; the purchase is at ${new Date(facts.epochMs).toISOString()}`
          : undefined,
      );
    }
  }
  if (daysOfWeek !== undefined) {
    const days = new Set(daysOfWeek.map((day) => dayNumber(day)));
    const names = [...days].sort().map((day) => dayName(day ?? 0));
    checks.push((facts) => {
      const { dayOfWeek } = local(facts);
      return days.has(dayOfWeek)
        ? undefined
        : `day of week is ${dayName(dayOfWeek)}; the rule runs on ${names.join(', ')}`;
    });
  }
  if (hours !== undefined) {
    const wraps = hours.from > hours.to;
    checks.push((facts) => {
      const { hour } = local(facts);
      const isInside = wraps ? hour >= hours.from || hour < hours.to : hour >= hours.from && hour < hours.to;
      return isInside ? undefined : `hour is ${hour}; the rule runs ${pad(hours.from)}–${pad(hours.to)}`;
    });
  }
  return (facts) => {
    for (const check of checks) {
      const reason = check(facts);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}

/** Compiles an audience into a gate; each criterion given must hold, each is "any of". */
export function compileAudience(audience: Audience): Gate {
  const { tiers, clubs, tags, segments } = audience;
  return (facts) => {
    const member = facts.member;
    if (member === undefined) return 'the purchase has no member; the rule is for members only';
    if (tiers !== undefined && (member.tier === undefined || !tiers.includes(member.tier))) {
      return `member tier is ${member.tier ?? 'unknown'}; the rule is for ${formatList(tiers)}`;
    }
    if (clubs !== undefined && !(member.clubs ?? []).some((club) => clubs.includes(club))) {
      return `member clubs are ${formatList(member.clubs ?? [])}; the rule is for members of ${formatList(clubs)}`;
    }
    if (tags !== undefined && !(member.tags ?? []).some((tag) => tags.includes(tag))) {
      return `member tags are ${formatList(member.tags ?? [])}; the rule is for members tagged ${formatList(tags)}`;
    }
    if (segments !== undefined && (member.segment === undefined || !segments.includes(member.segment))) {
      return `member segment is ${member.segment ?? 'unknown'}; the rule is for ${formatList(segments)}`;
    }
    return undefined;
  };
}

/** The points a rule may give after its limits and budget, or why it may give none. */
export type CapResult =
  | {
      readonly isRefused: false;
      readonly points: number;
      readonly cappedBy?: 'limit' | 'budget';
      readonly note?: string;
    }
  | { readonly isRefused: true; readonly reason: 'limit' | 'budget'; readonly message: string };

const PERIOD_WORDS = { day: 'today', week: 'this week', month: 'this month', lifetime: 'in total' } as const;

/**
 * Applies per-member limits (from the usage counters in the context) and the global budget (from the
 * remaining amount in the context) to `points`. A points limit or budget only refuses a rule that would
 * give points; a times limit refuses it outright.
 */
export function applyCaps(input: {
  readonly ruleId: string;
  readonly limits: readonly Limit[] | undefined;
  readonly budget: Budget | undefined;
  readonly points: number;
  readonly facts: Facts;
}): CapResult {
  const { ruleId, limits, budget, facts } = input;
  let points = input.points;
  let cappedBy: 'limit' | 'budget' | undefined;
  let note: string | undefined;
  if (limits !== undefined) {
    const usage = facts.context.usage?.[ruleId];
    for (const limit of limits) {
      const used = usage?.[limit.period] ?? { times: 0, points: 0 };
      const when = PERIOD_WORDS[limit.period];
      if (limit.maxTimes !== undefined && used.times >= limit.maxTimes) {
        return {
          isRefused: true,
          reason: 'limit',
          message: `limit reached: used ${used.times} of ${limit.maxTimes} times ${when}`,
        };
      }
      if (limit.maxPoints !== undefined && points > 0) {
        const left = limit.maxPoints - used.points;
        if (left <= 0) {
          return {
            isRefused: true,
            reason: 'limit',
            message: `limit reached: ${formatPoints(used.points)} of ${limit.maxPoints} given ${when}`,
          };
        }
        if (points > left) {
          points = left;
          cappedBy = 'limit';
          note = `capped at ${formatPoints(left)} by the limit of ${limit.maxPoints} ${when}`;
        }
      }
    }
  }
  if (budget !== undefined && points > 0) {
    const left = Math.min(
      budget.totalPoints,
      facts.context.budgets?.[ruleId]?.remainingPoints ?? budget.totalPoints,
    );
    if (left <= 0) {
      return {
        isRefused: true,
        reason: 'budget',
        message: `budget exhausted: 0 of ${budget.totalPoints} points left`,
      };
    }
    if (points > left) {
      points = left;
      cappedBy = 'budget';
      note = `capped at ${formatPoints(left)}: the budget has ${left} of ${budget.totalPoints} points left`;
    }
  }
  return cappedBy === undefined ? { isRefused: false, points } : { isRefused: false, points, cappedBy, note };
}
