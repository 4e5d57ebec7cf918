import type { LimitPeriod } from '@regulars/rules';

const formatters = new Map<string, Intl.DateTimeFormat>();

function localDate(at: Date, timeZone: string): { year: number; month: number; day: number } {
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
