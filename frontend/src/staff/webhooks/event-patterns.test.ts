import { EVENT_TYPES, expandEventPattern } from '@regulars/contracts';
import { describe, expect, it } from 'vitest';
import { staffCatalogues } from '../staff-messages.js';
import { EVENT_GROUPS, EVENT_GROUP_LABELS, togglePattern } from './event-patterns.js';

describe('the event types picker', () => {
  it('groups every catalogue type under its prefix, each group a pattern the API accepts', () => {
    expect(EVENT_GROUPS.flatMap((group) => group.types).sort()).toEqual([...EVENT_TYPES].sort());
    for (const group of EVENT_GROUPS)
      expect(expandEventPattern(`${group.prefix}.*`)?.sort()).toEqual([...group.types].sort());
  });

  it('names every group in words (a new event group needs its name)', () => {
    for (const group of EVENT_GROUPS) {
      const key = EVENT_GROUP_LABELS[group.prefix];
      expect(key, group.prefix).toBeDefined();
      if (key) expect(staffCatalogues.en[key]).toBeTruthy();
    }
  });

  it('replaces the single types of a group picked whole, and everything with *', () => {
    const some = togglePattern(togglePattern([], 'points.earned', true), 'member.created', true);
    expect(some).toEqual(['points.earned', 'member.created']);
    expect(togglePattern(some, 'points.*', true)).toEqual(['member.created', 'points.*']);
    expect(togglePattern(['member.created', 'points.*'], 'points.*', false)).toEqual(['member.created']);
    expect(togglePattern(some, '*', true)).toEqual(['*']);
    expect(togglePattern(['*'], '*', false)).toEqual([]);
    expect(togglePattern(some, 'points.earned', false)).toEqual(['member.created']);
  });
});
