// The designer edits a rule definition as plain JSON (what the API stores), so the form and the JSON view
// are two views of one object. These helpers read and write its parts with the rule language's types.
import {
  instantiateTemplate,
  unavailableParts,
  validateRule,
  type Condition,
  type Effect,
  type ValidationIssue,
} from '@regulars/rules';

export type Draft = Record<string, unknown>;

export const EMPTY_DRAFT: Draft = {
  name: 'New rule',
  priority: 0,
  effects: [{ type: 'awardFixedPoints', points: 10 }],
};

/** Checks a draft with the engine's own schema, as the server will (id and version are the server's). */
export function validateDraft(draft: Draft): ValidationIssue[] {
  const result = validateRule({ ...draft, id: 'draft', version: 1 });
  return result.ok ? [] : result.issues;
}

export function draftConditions(draft: Draft): Condition | undefined {
  return draft.conditions as Condition | undefined;
}

export function draftEffects(draft: Draft): Effect[] {
  return Array.isArray(draft.effects) ? (draft.effects as Effect[]) : [];
}

/** Sets `key`, or removes it when `value` is undefined (the JSON stays minimal). */
export function withField(draft: Draft, key: string, value: unknown): Draft {
  const next = { ...draft };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** A copy without the keys whose value is undefined (the JSON view shows no empty fields). */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** "a, b ,c" → ["a","b","c"]; empty → undefined. */
export function splitList(text: string): string[] | undefined {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

export function joinList(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : '';
}

/** A number from an input, or undefined when empty or not a number. */
export function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** True when a template's rule (with its defaults) uses only what the engine carries out today. */
export function isTemplateAvailable(templateId: string): boolean {
  const built = instantiateTemplate(templateId);
  return !built.ok || unavailableParts(built.rule).length === 0;
}
