import type { LimitPeriod } from '@regulars/rules';

type LocalDate = { year: number; month: number; day: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * The last answer per time zone, by UTC minute: accruals ask about "now" hundreds of times a second
 * and formatting a date in a time zone costs microseconds. Since 1972 every UTC offset is a whole number
 * of minutes, so every instant of one UTC minute has the same local date.
 */
const lastByZone = new Map<string, { minute: number; date: LocalDate }>();

function localDate(at: Date, timeZone: string): LocalDate {
  const minute = Math.floor(at.getTime() / 60_000);
  const last = lastByZone.get(timeZone);
  if (last?.minute === minute) return last.date;
  const date = formatLocalDate(at, timeZone);
  lastByZone.set(timeZone, { minute, date });
  return date;
}

function formatLocalDate(at: Date, timeZone: string): LocalDate {
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
  const [year, month, day] = formatter.format(at).split('-').map(Number);
  return { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
}

/** ISO 8601 week of a calendar date: weeks start on Monday, week 1 holds the year's first Thursday. */
function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return {
    year: date.getUTCFullYear(),
    week: Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The key of the period an instant falls in, in the program's time zone (where limits reset). */
export function periodKey(period: LimitPeriod, at: Date, timeZone: string): string {
  if (period === 'lifetime') return 'all';
  const { year, month, day } = localDate(at, timeZone);
  if (period === 'day') return `${year}-${pad(month)}-${pad(day)}`;
  if (period === 'month') return `${year}-${pad(month)}`;
  const week = isoWeek(year, month, day);
  return `${week.year}-W${pad(week.week)}`;
}
