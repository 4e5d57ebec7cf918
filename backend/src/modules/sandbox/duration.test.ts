import { describe, expect, it } from 'vitest';
import { addDuration, parseDuration } from './duration.js';

describe('ISO 8601 durations of the sandbox clock', () => {
  it('reads the steps the portal offers and combined ones', () => {
    expect(parseDuration('PT1H')).toEqual({ months: 0, ms: 3600_000 });
    expect(parseDuration('P1D')).toEqual({ months: 0, ms: 86_400_000 });
    expect(parseDuration('P1W')).toEqual({ months: 0, ms: 7 * 86_400_000 });
    expect(parseDuration('P1Y2M3DT4H5M6S')).toEqual({
      months: 14,
      ms: 3 * 86_400_000 + 4 * 3600_000 + 5 * 60_000 + 6000,
    });
  });

  it('refuses what is not a non-negative ISO duration', () => {
    for (const bad of ['P', 'PT', '1D', 'P-1D', '-P1D', 'P1.5D', 'P1DT', 'p1d', 'P1H', '']) {
      expect(parseDuration(bad)).toBeNull();
    }
  });

  it('adds months on the calendar, clamping to the last day of a shorter month', () => {
    const duration = parseDuration('P1M');
    expect(duration).not.toBeNull();
    if (!duration) return;
    expect(addDuration(new Date('2027-01-31T10:00:00Z'), duration).toISOString()).toBe(
      '2027-02-28T10:00:00.000Z',
    );
    expect(addDuration(new Date('2027-01-31T10:00:00Z'), { months: 0, ms: 3600_000 }).toISOString()).toBe(
      '2027-01-31T11:00:00.000Z',
    );
  });
});
