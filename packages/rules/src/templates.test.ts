import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './compile.js';
import { evaluate } from './evaluate.js';
import type { Rule } from './rule.schema.js';
import { instantiateTemplate, listTemplates } from './templates.js';
import { makeContext, makeItem, makeMember } from './testing/builders.js';

function instantiate(id: string, params: unknown = {}): Rule {
  const result = instantiateTemplate(id, params);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.rule;
}

describe('rule templates', () => {
  it('lists the six programs with described parameters and defaults', () => {
    const templates = listTemplates();
    expect(templates.map((t) => t.id)).toEqual([
      'points-per-spend',
      'happy-hour-multiplier',
      'birthday-month-multiplier',
      'first-purchase-bonus',
      'stamp-card',
      'tier-multiplier',
    ]);
    expect(templates[0]?.params).toContainEqual({
      name: 'perAmountMinor',
      type: 'integer',
      description: 'the amount, in minor units (100 = €1)',
      default: 100,
    });
    expect(templates[0]?.params).toContainEqual({
      name: 'rounding',
      type: 'enum',
      options: ['floor', 'round', 'ceil'],
      description: 'how partial points are rounded',
      default: 'floor',
    });
    expect(templates[1]?.params).toContainEqual({
      name: 'daysOfWeek',
      type: 'integer[]',
      description: '1–7, Monday = 1',
      default: [1, 2, 3, 4, 5],
    });
  });

  it('instantiates every template with its defaults into a valid rule (the stamp card names its card)', () => {
    for (const template of listTemplates()) {
      const result = instantiateTemplate(template.id, template.id === 'stamp-card' ? { cardId: 'c1' } : {});
      expect(result.ok, template.id).toBe(true);
    }
    expect(instantiateTemplate('stamp-card')).toMatchObject({
      ok: false,
      issues: [{ path: 'params.cardId' }],
    });
    expect(instantiate('stamp-card', { cardId: 'c1' }).effects).toEqual([
      { type: 'addStamps', cardId: 'c1', stamps: 1, per: 'item', items: { categories: ['coffee'] } },
    ]);
  });

  it('applies parameters and reports bad ones under params', () => {
    expect(instantiate('tier-multiplier', { tiers: ['platinum'], factorBasisPoints: 20_000 })).toMatchObject({
      id: 'gold-multiplier',
      audience: { tiers: ['platinum'] },
      effects: [{ type: 'multiplyPoints', factorBasisPoints: 20_000 }],
    });
    expect(instantiateTemplate('tier-multiplier', { factorBasisPoints: 9000, colour: 'red' })).toEqual({
      ok: false,
      issues: [
        { path: 'params.factorBasisPoints', message: 'must be at least 10001' },
        { path: 'params', message: "unknown key 'colour'" },
      ],
    });
    expect(instantiateTemplate('free-lunch')).toMatchObject({ ok: false, issues: [{ path: 'templateId' }] });
  });

  it('the six programs work together', () => {
    const rules = compileRuleSet(
      listTemplates().map((t) => instantiate(t.id, t.id === 'stamp-card' ? { cardId: 'coffee' } : {})),
    );
    const context = makeContext({
      now: '2025-06-03T13:30:00Z', // Tuesday 15:30 in Paris: happy hour
      member: makeMember({
        tier: 'gold',
        purchaseCount: 0,
        birthDate: '1990-06-20',
        stampCards: { coffee: 9 },
      }),
      stampCardThresholds: { coffee: 10 },
      items: [
        makeItem({ sku: 'esp', category: 'coffee', quantity: 2, unitPriceMinor: 300 }),
        makeItem({ unitPriceMinor: 1400 }),
      ],
    });
    const result = evaluate(rules, context);
    expect(result.breakdown.map((entry) => [entry.ruleId, entry.points])).toEqual([
      ['base-earn', 20],
      ['first-purchase-bonus', 100],
      ['birthday-month', 40],
      ['gold-multiplier', 10],
      ['happy-hour', 20],
    ]);
    expect(result.points).toBe(190);
    expect(result.effects).toMatchObject([
      { type: 'stampsAdded', stamps: 2, balanceBefore: 9, balanceAfter: 1, rewardsUnlocked: 1 },
    ]);
    const later = evaluate(rules, {
      ...context,
      now: '2025-06-03T16:30:00Z',
      member: makeMember({ tier: 'silver' }),
    });
    expect(later.points).toBe(20);
    expect(later.trace.find((entry) => entry.ruleId === 'happy-hour')?.message).toBe(
      'hour is 18; the rule runs 14:00–17:00',
    );
  });
});
