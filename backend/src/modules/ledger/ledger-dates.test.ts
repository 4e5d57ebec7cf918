import { describe, expect, it } from 'vitest';
import { addMonths, lotDates } from './ledger.service.js';

describe('lot dates', () => {
  it('adds calendar months and clamps to the end of shorter months', () => {
    expect(addMonths(new Date('2025-01-31T10:00:00Z'), 1).toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(addMonths(new Date('2024-01-31T10:00:00Z'), 1).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(addMonths(new Date('2025-06-15T08:30:00Z'), 12).toISOString()).toBe('2026-06-15T08:30:00.000Z');
  });

  it('makes points available after the pending days and never expire with expiryMonths 0', () => {
    const earnedAt = new Date('2025-06-01T12:00:00Z');
    expect(lotDates({ pendingDays: 14, expiryMonths: 12 }, earnedAt)).toEqual({
      availableAt: new Date('2025-06-15T12:00:00Z'),
      expiresAt: new Date('2026-06-01T12:00:00Z'),
    });
    expect(lotDates({ pendingDays: 0, expiryMonths: 0 }, earnedAt)).toEqual({
      availableAt: earnedAt,
      expiresAt: null,
    });
  });
});
