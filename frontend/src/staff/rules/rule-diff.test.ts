import { describe, expect, it } from 'vitest';
import { diffValue, ruleDiff } from './rule-diff.js';

describe('ruleDiff', () => {
  it('is empty for equal definitions', () => {
    const rule = { name: 'A', effects: [{ type: 'awardFixedPoints', points: 5 }] };
    expect(ruleDiff(rule, structuredClone(rule))).toEqual([]);
  });

  it('names each changed, added and removed field by its path', () => {
    const version = {
      name: 'Welcome',
      priority: 0,
      effects: [{ type: 'awardFixedPoints', points: 50 }],
      schedule: { daysOfWeek: ['saturday'] },
    };
    const current = {
      name: 'Welcome',
      effects: [
        { type: 'awardFixedPoints', points: 80 },
        { type: 'addMemberTag', tag: 'vip' },
      ],
      schedule: { daysOfWeek: ['saturday', 'sunday'] },
      description: 'New',
    };
    expect(ruleDiff(version, current)).toEqual([
      { kind: 'removed', path: 'priority', before: 0 },
      { kind: 'changed', path: 'effects[0].points', before: 50, after: 80 },
      { kind: 'added', path: 'effects[1]', after: { type: 'addMemberTag', tag: 'vip' } },
      { kind: 'changed', path: 'schedule.daysOfWeek', before: ['saturday'], after: ['saturday', 'sunday'] },
      { kind: 'added', path: 'description', after: 'New' },
    ]);
  });

  it('reports a condition that changed shape as one change', () => {
    expect(ruleDiff({ conditions: { all: [] } }, { conditions: 'x' })).toEqual([
      { kind: 'changed', path: 'conditions', before: { all: [] }, after: 'x' },
    ]);
  });
});

describe('diffValue', () => {
  it('quotes texts and writes the rest as JSON', () => {
    expect(diffValue('coffee')).toBe('“coffee”');
    expect(diffValue(['a'])).toBe('["a"]');
    expect(diffValue(5)).toBe('5');
  });
});
