import type { EmittedEffect } from '@regulars/rules';

/** What the rules' tag effects do to a member's tags: the tags after, and the net change. */
export type TagChange = {
  tags: string[];
  added: string[];
  removed: string[];
  /** The rules that asked, in evaluation order. */
  rules: Array<{ ruleId: string; ruleVersion: number; tag: string; action: 'add' | 'remove' }>;
};

/**
 * Applies `memberTagAdded` / `memberTagRemoved` effects, in the order the rules ran (a later rule's
 * removal undoes an earlier one's addition), to the member's tags. Null when the tags end as they were.
 */
export function applyTagEffects(
  current: readonly string[],
  effects: readonly EmittedEffect[],
): TagChange | null {
  const tags = [...current];
  const rules: TagChange['rules'] = [];
  for (const effect of effects) {
    if (effect.type === 'memberTagAdded') {
      rules.push({ ruleId: effect.ruleId, ruleVersion: effect.ruleVersion, tag: effect.tag, action: 'add' });
      if (!tags.includes(effect.tag)) tags.push(effect.tag);
    } else if (effect.type === 'memberTagRemoved') {
      rules.push({
        ruleId: effect.ruleId,
        ruleVersion: effect.ruleVersion,
        tag: effect.tag,
        action: 'remove',
      });
      const index = tags.indexOf(effect.tag);
      if (index >= 0) tags.splice(index, 1);
    }
  }
  const added = tags.filter((tag) => !current.includes(tag));
  const removed = current.filter((tag) => !tags.includes(tag));
  if (added.length === 0 && removed.length === 0) return null;
  return { tags, added, removed, rules };
}
