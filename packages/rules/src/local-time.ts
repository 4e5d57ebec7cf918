// Local calendar time in a time zone, from the platform's Intl data (so DST follows the IANA database).
// Intl formatting costs microseconds, so results are cached per zone and quarter hour: every real offset
// is a multiple of 15 minutes, so the local date and hour cannot change inside a quarter hour.

/** A moment as read on a wall clock in some time zone. */
export interface LocalTime {
  /** YYYY-MM-DD */
  readonly date: string;
  /** 1–7, Monday = 1 */
  readonly dayOfWeek: number;
  /** 0–23 */
  readonly hour: number;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Days since 1970-01-01 of the local date; differences give calendar days between dates. */
  readonly dayNumber: number;
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const cache = new Map<string, Map<number, LocalTime>>();
const MAX_CACHED_PER_ZONE = 512;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The day number (days since 1970-01-01) of a calendar date. */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

function compute(epochMs: number, timeZone: string): LocalTime {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'hour') hour = Number(part.value);
  }
  const dayNumber = dayNumberOf(year, month, day);
  // 1970-01-01 was a Thursday (ISO 4).
  const dayOfWeek = ((((dayNumber + 3) % 7) + 7) % 7) + 1;
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { date, dayOfWeek, hour, year, month, day, dayNumber };
}

/** The local date, day of week and hour of an instant in a time zone. */
export function localTime(epochMs: number, timeZone: string): LocalTime {
  const bucket = Math.floor(epochMs / QUARTER_HOUR_MS);
  let zoneCache = cache.get(timeZone);
  if (zoneCache === undefined) {
    zoneCache = new Map();
    cache.set(timeZone, zoneCache);
  }
  let local = zoneCache.get(bucket);
  if (local === undefined) {
    local = compute(epochMs, timeZone);
    // A bounded cache: a long-running process sees ever new quarter hours.
    if (zoneCache.size >= MAX_CACHED_PER_ZONE) zoneCache.clear();
    zoneCache.set(bucket, local);
  }
  return local;
}

/** Epoch milliseconds of an instant given as an ISO string with offset or as epoch milliseconds. */
export function toEpochMs(instant: string | number): number {
  return typeof instant === 'number' ? instant : Date.parse(instant);
}
