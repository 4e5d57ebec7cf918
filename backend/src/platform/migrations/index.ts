import mongoose from 'mongoose';
import type { Logger } from '../logger.js';
import { stackingModeNames } from './001-stacking-mode-names.js';
import { memberNameTokens } from './002-member-name-tokens.js';
import { runMigrations, type Migration, type MigrationReport } from './migration-runner.js';

export {
  runMigrations,
  MigrationFailedError,
  MigrationLockTimeoutError,
  type Migration,
  type MigrationContext,
  type MigrationReport,
} from './migration-runner.js';

/** Every versioned migration, in the order they apply. A new one takes the next number; none is edited once released. */
export const migrations: readonly Migration[] = [stackingModeNames, memberNameTokens];

/**
 * Builds the indexes every registered model declares (the ones this version of the code relies on) and
 * leaves existing ones alone: an index that exists is not rebuilt, one an older version dropped from its
 * schema is not dropped here. Runs on every `pnpm migrate`, before the versioned migrations, so that a new
 * version's indexes exist before its processes serve.
 */
export async function ensureIndexes(logger: Logger): Promise<number> {
  const models = Object.values(mongoose.models);
  for (const model of models) await model.createIndexes();
  logger.info({ models: models.length }, 'indexes built');
  return models.length;
}

/** `pnpm migrate`: the models' indexes, then the pending versioned migrations. */
export async function migrate(options: {
  logger: Logger;
  migrations?: readonly Migration[];
  waitMs?: number;
}): Promise<MigrationReport & { indexedModels: number }> {
  const indexedModels = await ensureIndexes(options.logger);
  const report = await runMigrations({
    migrations: options.migrations ?? migrations,
    logger: options.logger,
    ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
  });
  return { ...report, indexedModels };
}
