import { migrateStackingModes } from '../../modules/rules/stacking-migration.js';
import type { Migration } from './migration-runner.js';

/**
 * The rename of the stacking mode `exclusive` (within a group) to `exclusive_in_group`, which every
 * process used to run on start.
 */
export const stackingModeNames: Migration = {
  id: '001-stacking-mode-names',
  description: 'rules stored with stacking { mode: exclusive, group } get mode exclusive_in_group',
  async up({ step, logger }) {
    await step('rename', async () => {
      const renamed = await migrateStackingModes();
      logger.info(renamed, 'renamed stacking mode exclusive to exclusive_in_group');
    });
  },
};
