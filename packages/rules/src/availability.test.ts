import { describe, expect, it } from 'vitest';
import { unavailableParts } from './availability.js';

describe('unavailableParts', () => {
  it('names each audience nothing carries out, with its path (every effect is carried out now)', () => {
    expect(
      unavailableParts({
        effects: [{ type: 'awardFixedPoints' }, { type: 'issueCoupon' }],
        audience: { tags: ['vip'], tiers: ['gold'], segments: ['new-active'] },
      }).map((part) => [part.path, part.kind, part.name]),
    ).toEqual([['audience.segments', 'audience', 'segments']]);
  });

  it('names conditions on member facts nothing keeps (clubs, segment), however they nest; the tier is kept', () => {
    expect(
      unavailableParts({
        effects: [{ type: 'awardFixedPoints' }],
        conditions: {
          all: [
            { field: 'member.tags', op: 'contains', value: 'vip' },
            {
              any: [
                { field: 'purchase.hour', op: 'gte', value: 9 },
                { not: { field: 'member.tier', op: 'eq', value: 'gold' } },
              ],
            },
            { field: 'member.segment', op: 'eq', value: 'new' },
          ],
        },
      }).map((part) => [part.path, part.kind, part.name]),
    ).toEqual([['conditions.all[2].field', 'condition', 'member.segment']]);
  });

  it('finds nothing in a rule of points for a tagged audience', () => {
    expect(
      unavailableParts({ effects: [{ type: 'awardPointsPerSpend' }], audience: { tags: ['vip'] } }),
    ).toEqual([]);
  });
});
