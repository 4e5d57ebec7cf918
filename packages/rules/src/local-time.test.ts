import { describe, expect, it } from 'vitest';
import { localTime } from './local-time.js';

const at = (iso: string, zone: string) => {
  const { date, dayOfWeek, hour } = localTime(Date.parse(iso), zone);
  return `${date} d${dayOfWeek} h${hour}`;
};

describe('localTime', () => {
  it('follows daylight saving time in Europe/Paris', () => {
    // Spring forward on 2025-03-30: 01:00 UTC is 03:00 CEST.
    expect(at('2025-03-30T00:30:00Z', 'Europe/Paris')).toBe('2025-03-30 d7 h1');
    expect(at('2025-03-30T01:30:00Z', 'Europe/Paris')).toBe('2025-03-30 d7 h3');
    // Fall back on 2025-10-26: 02:xx happens twice.
    expect(at('2025-10-26T00:30:00Z', 'Europe/Paris')).toBe('2025-10-26 d7 h2');
    expect(at('2025-10-26T01:30:00Z', 'Europe/Paris')).toBe('2025-10-26 d7 h2');
    expect(at('2025-10-26T02:30:00Z', 'Europe/Paris')).toBe('2025-10-26 d7 h3');
  });

  it('changes date and day of week at local midnight', () => {
    expect(at('2025-06-01T21:59:00Z', 'Europe/Paris')).toBe('2025-06-01 d7 h23');
    expect(at('2025-06-01T22:00:00Z', 'Europe/Paris')).toBe('2025-06-02 d1 h0');
    expect(at('2025-06-02T03:30:00Z', 'America/New_York')).toBe('2025-06-01 d7 h23');
  });

  it('handles half- and quarter-hour offsets', () => {
    expect(at('2025-06-01T18:29:00Z', 'Asia/Kolkata')).toBe('2025-06-01 d7 h23');
    expect(at('2025-06-01T18:30:00Z', 'Asia/Kolkata')).toBe('2025-06-02 d1 h0');
    expect(at('2025-06-01T18:14:00Z', 'Asia/Kathmandu')).toBe('2025-06-01 d7 h23');
    expect(at('2025-06-01T18:15:00Z', 'Asia/Kathmandu')).toBe('2025-06-02 d1 h0');
  });

  it('reads the same instant identically after caching', () => {
    const first = at('2025-06-01T18:15:00Z', 'Asia/Kathmandu');
    expect(at('2025-06-01T18:15:00Z', 'Asia/Kathmandu')).toBe(first);
  });
});
