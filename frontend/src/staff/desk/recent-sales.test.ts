import { beforeEach, describe, expect, it } from 'vitest';
import { REPEAT_WINDOW_MS, forgetSales, isRepeatSale, rememberSale } from './recent-sales.js';

beforeEach(forgetSales);

describe('repeat sale detection', () => {
  it('asks for the same member and total within a minute, and not after, nor for another member or total', () => {
    rememberSale('m1', 1250, 1_000);
    expect(isRepeatSale('m1', 1250, 1_000 + REPEAT_WINDOW_MS - 1)).toBe(true);
    expect(isRepeatSale('m1', 1250, 1_000 + REPEAT_WINDOW_MS)).toBe(false);
    expect(isRepeatSale('m2', 1250, 2_000)).toBe(false);
    expect(isRepeatSale('m1', 1251, 2_000)).toBe(false);
  });

  it('forgets sales older than the window as new ones come', () => {
    rememberSale('m1', 100, 0);
    rememberSale('m1', 200, REPEAT_WINDOW_MS + 5);
    expect(isRepeatSale('m1', 100, REPEAT_WINDOW_MS + 5)).toBe(false);
    expect(isRepeatSale('m1', 200, REPEAT_WINDOW_MS + 6)).toBe(true);
  });
});
