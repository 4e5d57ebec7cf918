import { RuleModel, RuleSetGenerationModel, RuleVersionModel } from './rule.model.js';

/**
 * Renames the stacking mode of rules stored before the modes had their present names: what was
 * `{ mode: 'exclusive', group }` (exclusive within its group) is `{ mode: 'exclusive_in_group', group }`,
 * while `exclusive` now means "no other rule applies". Drafts and published versions both keep their
 * behaviour. Idempotent (a rule with the new `exclusive` has no group, so a second run matches nothing)
 * and safe to run from several processes at once; run on every start.
 */
export async function migrateStackingModes(): Promise<{ drafts: number; versions: number }> {
  const legacy = (field: string) => ({
    [`${field}.stacking.mode`]: 'exclusive',
    [`${field}.stacking.group`]: { $exists: true },
  });
  const drafts = await RuleModel.updateMany(legacy('draft'), {
    $set: { 'draft.stacking.mode': 'exclusive_in_group' },
  });
  const versions = await RuleVersionModel.updateMany(legacy('definition'), {
    $set: { 'definition.stacking.mode': 'exclusive_in_group' },
  });
  // Processes that cached the active set compile it again from the renamed versions.
  if (versions.modifiedCount > 0) {
    await RuleSetGenerationModel.updateOne({ _id: 'rules' }, { $inc: { generation: 1 } }, { upsert: true });
  }
  return { drafts: drafts.modifiedCount, versions: versions.modifiedCount };
}
