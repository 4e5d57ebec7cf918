import { EVENT_FILTER_MAX, expandEventPattern, type EventType } from '@regulars/contracts';
import { AppError } from '../../platform/errors.js';

/**
 * Reads a filter of event types as the API takes it (repeated values, comma lists, or both) and
 * expands the patterns (`points.*`, `*`). Returns null when there is no filter; refuses an unknown
 * type or a pattern that matches nothing (400 EVENT_TYPE_UNKNOWN) and more than EVENT_FILTER_MAX
 * entries (400 EVENT_FILTER_TOO_LONG).
 */
export function parseEventFilter(given: string | string[] | undefined): EventType[] | null {
  if (given === undefined) return null;
  const patterns = (Array.isArray(given) ? given : [given])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
  if (patterns.length === 0) return null;
  if (patterns.length > EVENT_FILTER_MAX) {
    throw new AppError(
      'bad_request',
      'EVENT_FILTER_TOO_LONG',
      `Filter by at most ${EVENT_FILTER_MAX} event types or patterns; ${patterns.length} were given`,
      { limit: EVENT_FILTER_MAX, given: patterns.length },
    );
  }
  const types = new Set<EventType>();
  for (const pattern of patterns) {
    const expanded = expandEventPattern(pattern);
    if (!expanded) {
      throw new AppError(
        'bad_request',
        'EVENT_TYPE_UNKNOWN',
        `"${pattern.slice(0, 100)}" is not an event type, nor a pattern such as points.* that matches one`,
        { pattern: pattern.slice(0, 100) },
      );
    }
    for (const type of expanded) types.add(type);
  }
  return [...types];
}
