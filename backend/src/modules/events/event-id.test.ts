import { describe, expect, it } from 'vitest';
import { eventId } from './event.service.js';

describe('eventId', () => {
  it('sorts by the millisecond within a second, whatever the process bytes', () => {
    const second = 1_764_000_000_000;
    const earlier = eventId(second + 5);
    const later = eventId(second + 6);
    expect(earlier.toHexString() < later.toHexString()).toBe(true);
    expect(earlier.getTimestamp().getTime()).toBe(second);
    // Within one millisecond the counter keeps ids of one process in order and distinct.
    const ids = Array.from({ length: 1000 }, () => eventId(second + 7).toHexString());
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
  });
});
