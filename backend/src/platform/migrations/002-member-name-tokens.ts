import { backfillNameTokens } from '../../modules/members/member.model.js';
import type { Migration } from './migration-runner.js';

/** Members stored before the search by any word of the name get their name tokens. */
export const memberNameTokens: Migration = {
  id: '002-member-name-tokens',
  description: 'members without nameTokens get the prefixes of the words of their name',
  async up({ step, logger }) {
    await step('backfill', async () => {
      const members = await backfillNameTokens();
      logger.info({ members }, 'gave members their name search tokens');
    });
  },
};
