import { describe, expect, it } from 'vitest';
import { zonedLocalToIso } from './zoned-time.js';

describe('zonedLocalToIso', () => {
  it('reads the typed time in the program’s time zone, not the browser’s', () => {
    expect(zonedLocalToIso('2026-03-10T15:00', 'Europe/Madrid')).toBe('2026-03-10T14:00:00.000Z');
    expect(zonedLocalToIso('2026-07-10T15:00', 'Europe/Madrid')).toBe('2026-07-10T13:00:00.000Z');
    expect(zonedLocalToIso('2026-07-10T15:00', 'America/New_York')).toBe('2026-07-10T19:00:00.000Z');
    expect(zonedLocalToIso('2026-07-10T15:00', 'UTC')).toBe('2026-07-10T15:00:00.000Z');
  });

  it('handles the hours next to a clock change', () => {
    // Madrid goes from 02:00 to 03:00 on 2026-03-29; 03:30 is already summer time.
    expect(zonedLocalToIso('2026-03-29T03:30', 'Europe/Madrid')).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedLocalToIso('2026-03-29T01:30', 'Europe/Madrid')).toBe('2026-03-29T00:30:00.000Z');
  });

  it('refuses what is not a datetime-local value', () => {
    expect(zonedLocalToIso('tomorrow', 'Europe/Madrid')).toBeNull();
  });
});
