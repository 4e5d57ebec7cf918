import { describe, expect, it } from 'vitest';
import { DUPLICATE_WINDOW_MS, findDuplicateSale, rememberSale, type RecordedSale } from './duplicate-sale.js';

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const sale = (overrides: Partial<RecordedSale> = {}): RecordedSale => ({
  memberId: 'member-a',
  totalMinor: 1250,
  currency: 'EUR',
  at: T0,
  ...overrides,
});
const next = { memberId: 'member-a', totalMinor: 1250, currency: 'EUR' };

describe('findDuplicateSale', () => {
  it('finds the same total for the same member within 60 seconds', () => {
    expect(findDuplicateSale([sale()], next, T0 + 1_000)).toEqual(sale());
    expect(findDuplicateSale([sale()], next, T0 + DUPLICATE_WINDOW_MS - 1)).toEqual(sale());
  });

  it('lets the sale through once 60 seconds have passed', () => {
    expect(findDuplicateSale([sale()], next, T0 + DUPLICATE_WINDOW_MS)).toBeNull();
    expect(findDuplicateSale([sale()], next, T0 + 5 * 60_000)).toBeNull();
  });

  it('does not confuse another member, another total or another currency', () => {
    expect(findDuplicateSale([sale({ memberId: 'member-b' })], next, T0 + 1_000)).toBeNull();
    expect(findDuplicateSale([sale({ totalMinor: 1251 })], next, T0 + 1_000)).toBeNull();
    expect(findDuplicateSale([sale({ currency: 'USD' })], next, T0 + 1_000)).toBeNull();
  });

  it('ignores a sale stamped after now (the device clock was set back)', () => {
    expect(findDuplicateSale([sale({ at: T0 + 10_000 })], next, T0)).toBeNull();
  });

  it('answers the newest matching sale', () => {
    const older = sale({ at: T0 });
    const newer = sale({ at: T0 + 20_000 });
    expect(
      findDuplicateSale([older, sale({ memberId: 'x', at: T0 + 30_000 }), newer], next, T0 + 40_000),
    ).toBe(newer);
  });
});

describe('rememberSale', () => {
  it('keeps the sales of the last minute and drops older ones', () => {
    const old = sale({ at: T0 });
    const recent = sale({ at: T0 + 30_000, totalMinor: 500 });
    const latest = sale({ at: T0 + 70_000, totalMinor: 900 });
    expect(rememberSale([old, recent], latest)).toEqual([recent, latest]);
  });

  it('counts a confirmed second sale as the one to compare with next', () => {
    const first = sale({ at: T0 });
    const second = sale({ at: T0 + 10_000 });
    const list = rememberSale([first], second);
    expect(findDuplicateSale(list, next, T0 + 65_000)).toBe(second);
  });
});
