import { randomBytes } from 'node:crypto';
import os from 'node:os';
import mongoose from 'mongoose';
import type { Logger } from '../logger.js';
import { MigrationLockModel, MigrationModel, type MigrationRecord } from './migration.model.js';

/** What a migration gets: its logger and `step`, which runs a named part once across attempts. */
export type MigrationContext = {
  logger: Logger;
  /**
   * Runs `run` unless an earlier attempt of this migration finished the step of that name; records it
   * as finished when it returns. Every step must itself be idempotent: a process killed inside a step
   * runs that step again.
   */
  step(name: string, run: () => Promise<void>): Promise<void>;
};

/** A versioned change of stored data or indexes: `NNN-kebab-name`, applied once, in id order. */
export type Migration = {
  id: string;
  description: string;
  up(context: MigrationContext): Promise<void>;
};

export type MigrationReport = {
  /** Migrations this run applied (or finished, for one an earlier run left halfway). */
  applied: string[];
  /** Migrations the database had already. */
  skipped: string[];
};

/** A migration threw: the runner stopped there; the next run resumes it after its last finished step. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migrationId: string,
    readonly stepName: string | null,
    readonly completedSteps: string[],
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const where = stepName ? ` at step "${stepName}"` : '';
    const done = completedSteps.length > 0 ? ` (finished steps kept: ${completedSteps.join(', ')})` : '';
    super(
      `Migration ${migrationId} failed${where}: ${reason}${done}. Later migrations were not run. ` +
        'Fix the cause and run the migrations again (pnpm migrate): this one resumes where it stopped.',
      { cause },
    );
    this.name = 'MigrationFailedError';
  }
}

export class MigrationLockTimeoutError extends Error {
  constructor(holder: string, waitedMs: number) {
    super(
      `Another migration runner (${holder}) held the lock for ${Math.round(waitedMs / 1000)} s; gave up waiting. ` +
        'If it was killed, its lock expires by itself within a minute.',
    );
    this.name = 'MigrationLockTimeoutError';
  }
}

const MIGRATION_ID = /^\d{3}-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Applies the pending migrations in id order under a lock in MongoDB, so that two runners (the launcher
 * of two machines, two Kubernetes Jobs) never apply one twice: the second waits for the first, then finds
 * nothing left to do. Each migration's status and finished steps are recorded in `migrations`.
 */
export async function runMigrations(options: {
  migrations: readonly Migration[];
  logger: Logger;
  /** How long the lock lasts without renewal (renewed every third of it while the runner works). */
  lockTtlMs?: number;
  /** How long to wait for another runner's lock before giving up. */
  waitMs?: number;
}): Promise<MigrationReport> {
  const { logger } = options;
  const migrations = checkedOrder(options.migrations);
  const lockTtlMs = options.lockTtlMs ?? 60_000;
  const owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  await acquireLock(owner, lockTtlMs, options.waitMs ?? 10 * 60_000, logger);
  let lockLost = false;
  const renew = setInterval(() => {
    MigrationLockModel.updateOne({ _id: 'migrations', owner }, { $set: { expiresAt: expiry(lockTtlMs) } })
      .then((result) => {
        if (result.matchedCount === 0) lockLost = true;
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not renew the migration lock'));
  }, lockTtlMs / 3);
  const report: MigrationReport = { applied: [], skipped: [] };
  try {
    for (const migration of migrations) {
      const record = await MigrationModel.findById(migration.id).lean<MigrationRecord>();
      if (record?.status === 'applied') {
        report.skipped.push(migration.id);
        continue;
      }
      if (lockLost) throw new Error('the migration lock expired while the runner worked (was it paused?)');
      await apply(migration, record, owner, logger, () => lockLost);
      report.applied.push(migration.id);
    }
  } finally {
    clearInterval(renew);
    await MigrationLockModel.deleteOne({ _id: 'migrations', owner }).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not release the migration lock (it expires by itself)');
    });
  }
  return report;
}

function checkedOrder(migrations: readonly Migration[]): Migration[] {
  const seen = new Set<string>();
  for (const { id } of migrations) {
    if (!MIGRATION_ID.test(id)) throw new Error(`Migration id "${id}" is not NNN-kebab-name`);
    if (seen.has(id.slice(0, 3))) throw new Error(`Two migrations share the number ${id.slice(0, 3)}`);
    seen.add(id.slice(0, 3));
  }
  return [...migrations].sort((a, b) => a.id.localeCompare(b.id));
}

async function apply(
  migration: Migration,
  record: MigrationRecord | null,
  owner: string,
  logger: Logger,
  isLockLost: () => boolean,
): Promise<void> {
  const completed = [...(record?.completedSteps ?? [])];
  const isResumed = record !== null;
  await MigrationModel.updateOne(
    { _id: migration.id },
    {
      $set: {
        description: migration.description,
        status: 'running',
        startedAt: new Date(),
        finishedAt: null,
        error: null,
        runBy: owner,
      },
      $inc: { attempts: 1 },
      $setOnInsert: { completedSteps: [] },
    },
    { upsert: true },
  );
  const log = logger.child({ migration: migration.id });
  log.info(
    { resumedAfter: isResumed ? completed : undefined },
    isResumed ? 'resuming migration' : 'applying migration',
  );
  let current: string | null = null;
  const context: MigrationContext = {
    logger: log,
    async step(name, run) {
      if (completed.includes(name)) {
        log.info({ step: name }, 'step finished by an earlier attempt; skipped');
        return;
      }
      if (isLockLost()) throw new Error('the migration lock expired while the runner worked');
      current = name;
      await run();
      current = null;
      completed.push(name);
      await MigrationModel.updateOne({ _id: migration.id }, { $push: { completedSteps: name } });
    },
  };
  try {
    await migration.up(context);
  } catch (error) {
    const failure = new MigrationFailedError(migration.id, current, completed, error);
    await MigrationModel.updateOne(
      { _id: migration.id },
      { $set: { status: 'failed', error: failure.message, finishedAt: new Date() } },
    ).catch(() => undefined);
    log.error({ err: error, step: current }, 'migration failed');
    throw failure;
  }
  await MigrationModel.updateOne(
    { _id: migration.id },
    { $set: { status: 'applied', finishedAt: new Date(), error: null } },
  );
  log.info('migration applied');
}

async function acquireLock(owner: string, ttlMs: number, waitMs: number, logger: Logger): Promise<void> {
  const startedAt = Date.now();
  let holder = '';
  for (;;) {
    const now = new Date();
    try {
      // Takes a free or expired lock; when someone holds a live one, the filter misses and the upsert's
      // insert of the same _id fails with a duplicate key.
      await MigrationLockModel.updateOne(
        { _id: 'migrations', expiresAt: { $lte: now } },
        { $set: { owner, expiresAt: expiry(ttlMs), takenAt: now } },
        { upsert: true },
      );
      return;
    } catch (error) {
      if (!(error instanceof mongoose.mongo.MongoServerError) || error.code !== 11000) throw error;
    }
    const held = await MigrationLockModel.findById('migrations').lean();
    if (held && held.owner !== holder) {
      holder = held.owner;
      logger.info({ holder }, 'another migration runner holds the lock; waiting');
    }
    if (Date.now() - startedAt > waitMs) throw new MigrationLockTimeoutError(holder, Date.now() - startedAt);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function expiry(ttlMs: number): Date {
  return new Date(Date.now() + ttlMs);
}
