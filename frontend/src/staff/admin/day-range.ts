// Days typed in a date field are days of the program's time zone: a range "from the 1st to the 3rd"
// is [start of the 1st, start of the 4th) there, whatever the browser's zone.
import { zonedLocalToIso } from '../rules/zoned-time.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** "2026-03-10" → the instant that day starts in `timeZone`, or null for another text. */
export function dayStartIso(day: string, timeZone: string): string | null {
  return DAY.test(day) ? zonedLocalToIso(`${day}T00:00`, timeZone) : null;
}

/** "2026-03-10" → the instant the next day starts in `timeZone` (the end of an inclusive range). */
export function dayEndIso(day: string, timeZone: string): string | null {
  if (!DAY.test(day)) return null;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return zonedLocalToIso(`${next}T00:00`, timeZone);
}

/** The day (YYYY-MM-DD) an instant falls on in `timeZone`. */
export function dayOf(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** The last day of a range that ends (exclusive) at `iso`: the day of the instant just before. */
export function lastDayBefore(iso: string, timeZone: string): string {
  return dayOf(new Date(Date.parse(iso) - 1).toISOString(), timeZone);
}
