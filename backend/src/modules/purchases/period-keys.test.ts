import { describe, expect, it } from 'vitest';
import { periodKey } from './period-keys.js';

describe('limit period keys', () => {
  it('reads the day in the program time zone', () => {
    // 23:30 UTC on 31 May is already 1 June in Madrid (UTC+2).
    const at = new Date('2025-05-31T23:30:00Z');
    expect(periodKey('day', at, 'Europe/Madrid')).toBe('2025-06-01');
    expect(periodKey('day', at, 'UTC')).toBe('2025-05-31');
    expect(periodKey('month', at, 'Europe/Madrid')).toBe('2025-06');
    expect(periodKey('lifetime', at, 'UTC')).toBe('all');
  });

  it('uses ISO weeks across the new year', () => {
    expect(periodKey('week', new Date('2024-12-30T12:00:00Z'), 'UTC')).toBe('2025-W01');
    expect(periodKey('week', new Date('2021-01-03T12:00:00Z'), 'UTC')).toBe('2020-W53');
    expect(periodKey('week', new Date('2025-06-02T12:00:00Z'), 'UTC')).toBe('2025-W23');
  });

  it('changes day at local midnight between two instants of consecutive minutes, and back', () => {
    // Madrid is UTC+2 in summer: local midnight is 22:00 UTC.
    expect(periodKey('day', new Date('2025-07-14T21:59:59.999Z'), 'Europe/Madrid')).toBe('2025-07-14');
    expect(periodKey('day', new Date('2025-07-14T21:59:00.000Z'), 'Europe/Madrid')).toBe('2025-07-14');
    expect(periodKey('day', new Date('2025-07-14T22:00:00.000Z'), 'Europe/Madrid')).toBe('2025-07-15');
    expect(periodKey('day', new Date('2025-07-14T21:59:30.000Z'), 'Europe/Madrid')).toBe('2025-07-14');
    // Kathmandu is UTC+5:45: its midnight falls on a quarter hour.
    expect(periodKey('day', new Date('2025-07-14T18:14:59.000Z'), 'Asia/Kathmandu')).toBe('2025-07-14');
    expect(periodKey('day', new Date('2025-07-14T18:15:00.000Z'), 'Asia/Kathmandu')).toBe('2025-07-15');
  });
});
