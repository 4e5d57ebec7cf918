// Which parts of the rule language the engine's modules carry out today. The language can express more
// (coupons, stamp cards, tiers, clubs, segments) than the modules that exist; publishing a rule that uses
// a part nothing carries out would promise what never happens, so the API refuses it and the designer
// hides it. A module that lands switches its part on here.
import type { Audience, Effect } from './rule.schema.js';

/** Effect types no module carries out yet (none today: `issueCoupon` is carried out by the coupons module). */
export const UNAVAILABLE_EFFECTS: ReadonlySet<Effect['type']> = new Set<Effect['type']>([]);

/** Audience criteria no module keeps yet (the member has no clubs or segment; tiers are kept by the tiers module). */
export const UNAVAILABLE_AUDIENCES: ReadonlySet<keyof Audience> = new Set<keyof Audience>([
  'clubs',
  'segments',
]);

/** Condition fields no module fills yet (the same facts as the audiences above). */
export const UNAVAILABLE_FIELDS: ReadonlySet<string> = new Set<string>(['member.clubs', 'member.segment']);

/** One part of a rule that nothing carries out: where it is and what it is. */
export type UnavailablePart = {
  path: string;
  kind: 'effect' | 'audience' | 'condition';
  name: string;
  message: string;
};

/** The parts of a rule that nothing carries out yet, in the rule's order (empty when it can run). */
export function unavailableParts(rule: {
  effects?: readonly { type: string }[] | undefined;
  audience?: Partial<Record<string, unknown>> | undefined;
  conditions?: unknown;
}): UnavailablePart[] {
  const parts: UnavailablePart[] = [];
  // Conditions, depth first in the rule's order (the rule's limits bound the walk).
  const stack: Array<{ node: unknown; path: string }> =
    rule.conditions === undefined ? [] : [{ node: rule.conditions, path: 'conditions' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: string };
    if (node === null || typeof node !== 'object') continue;
    const condition = node as Record<string, unknown>;
    if (typeof condition.field === 'string' && UNAVAILABLE_FIELDS.has(condition.field)) {
      parts.push({
        path: `${path}.field`,
        kind: 'condition',
        name: condition.field,
        message: `the condition on ${condition.field} is not available yet: no module keeps it`,
      });
    }
    for (const key of ['all', 'any'] as const) {
      const children = condition[key];
      if (Array.isArray(children))
        for (let index = children.length - 1; index >= 0; index--)
          stack.push({ node: children[index], path: `${path}.${key}[${index}]` });
    }
    if (condition.not !== undefined) stack.push({ node: condition.not, path: `${path}.not` });
  }
  (rule.effects ?? []).forEach((effect, index) => {
    if (UNAVAILABLE_EFFECTS.has(effect.type as Effect['type'])) {
      parts.push({
        path: `effects[${index}].type`,
        kind: 'effect',
        name: effect.type,
        message: `the effect ${effect.type} is not available yet: no module carries it out`,
      });
    }
  });
  for (const key of Object.keys(rule.audience ?? {})) {
    if (UNAVAILABLE_AUDIENCES.has(key as keyof Audience) && rule.audience?.[key] !== undefined) {
      parts.push({
        path: `audience.${key}`,
        kind: 'audience',
        name: key,
        message: `the audience ${key} is not available yet: no module keeps members' ${key}`,
      });
    }
  }
  return parts;
}
