// Which parts of the rule language the engine's modules carry out today. The language can express more
// (coupons, stamp cards, tiers, clubs, segments) than the modules that exist; publishing a rule that uses
// a part nothing carries out would promise what never happens, so the API refuses it and the designer
// hides it. A module that lands switches its part on here.
import type { Audience, Effect } from './rule.schema.js';

/** Effect types no module carries out yet. */
export const UNAVAILABLE_EFFECTS: ReadonlySet<Effect['type']> = new Set<Effect['type']>([
  'addStamps',
  'issueCoupon',
]);

/** Audience criteria no module keeps yet (the member has no tier, clubs or segment). */
export const UNAVAILABLE_AUDIENCES: ReadonlySet<keyof Audience> = new Set<keyof Audience>([
  'tiers',
  'clubs',
  'segments',
]);

/** One part of a rule that nothing carries out: where it is and what it is. */
export type UnavailablePart = { path: string; kind: 'effect' | 'audience'; name: string; message: string };

/** The parts of a rule that nothing carries out yet, in the rule's order (empty when it can run). */
export function unavailableParts(rule: {
  effects?: readonly { type: string }[] | undefined;
  audience?: Partial<Record<string, unknown>> | undefined;
}): UnavailablePart[] {
  const parts: UnavailablePart[] = [];
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
