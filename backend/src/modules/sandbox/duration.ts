import { ISO_DURATION } from '@regulars/contracts';
import { addMonths } from '../ledger/ledger.service.js';

/** An ISO 8601 duration's parts; years and months are calendar units, the rest fixed lengths. */
export type Duration = { months: number; ms: number };

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** Parses `P1Y2M3W4DT5H6M7S` (any parts, none negative); null when it is not such a duration. */
export function parseDuration(text: string): Duration | null {
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return {
    months: (years ?? 0) * 12 + (months ?? 0),
    ms:
      ((weeks ?? 0) * 7 + (days ?? 0)) * DAY_MS +
      (hours ?? 0) * HOUR_MS +
      (minutes ?? 0) * 60_000 +
      (seconds ?? 0) * 1000,
  };
}

/** `from` plus the duration: calendar months first (31 Jan + P1M = 28/29 Feb), then the fixed part. */
export function addDuration(from: Date, duration: Duration): Date {
  const afterMonths = duration.months > 0 ? addMonths(from, duration.months) : from;
  return new Date(afterMonths.getTime() + duration.ms);
}
