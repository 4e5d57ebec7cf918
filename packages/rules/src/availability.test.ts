import { describe, expect, it } from 'vitest';
import { unavailableParts } from './availability.js';

describe('unavailableParts', () => {
  it('names each effect and audience nothing carries out, with its path', () => {
    expect(
      unavailableParts({
        effects: [{ type: 'awardFixedPoints' }, { type: 'issueCoupon' }],
        audience: { tags: ['vip'], tiers: ['gold'], segments: ['new-active'] },
      }).map((part) => [part.path, part.kind, part.name]),
    ).toEqual([
      ['effects[1].type', 'effect', 'issueCoupon'],
      ['audience.tiers', 'audience', 'tiers'],
      ['audience.segments', 'audience', 'segments'],
    ]);
  });

  it('finds nothing in a rule of points for a tagged audience', () => {
    expect(
      unavailableParts({ effects: [{ type: 'awardPointsPerSpend' }], audience: { tags: ['vip'] } }),
    ).toEqual([]);
  });
});
