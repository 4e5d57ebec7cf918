import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import {
  createLogger,
  migrate,
  migrations,
  runMigrations,
  MigrationFailedError,
  MigrationLockModel,
  MigrationModel,
  type Migration,
} from '@regulars/backend';
import { createTestApp, type TestApp } from '../support/test-app.js';

const logger = createLogger({ logLevel: 'silent' });

describe('the migration runner', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());
  beforeEach(async () => {
    await MigrationModel.deleteMany({});
    await MigrationLockModel.deleteMany({});
    await mongoose.connection.collection('migration_probe').deleteMany({});
  });

  /** A migration that counts its runs in a collection, so that "applied once" can be read back. */
  const counting = (id: string, options: { delayMs?: number } = {}): Migration => ({
    id,
    description: `counts runs of ${id}`,
    async up({ step }) {
      await step('count', async () => {
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
        await mongoose.connection
          .collection<{ _id: string; runs: number }>('migration_probe')
          .updateOne({ _id: id }, { $inc: { runs: 1 } }, { upsert: true });
      });
    },
  });
  const runs = async (id: string) =>
    (
      await mongoose.connection
        .collection<{ _id: string; runs: number }>('migration_probe')
        .findOne({ _id: id })
    )?.runs ?? 0;

  it('applies the real migrations and the indexes, and a second run is a no-op', async () => {
    const first = await migrate({ logger });
    expect(first.applied).toEqual(migrations.map((m) => m.id));
    expect(first.applied[0]).toBe('001-stacking-mode-names');
    expect(first.indexedModels).toBeGreaterThan(20);
    const record = await MigrationModel.findById('001-stacking-mode-names').lean();
    expect(record).toMatchObject({ status: 'applied', attempts: 1, completedSteps: ['rename'], error: null });

    const second = await migrate({ logger });
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(migrations.map((m) => m.id));
    expect((await MigrationModel.findById('001-stacking-mode-names').lean())?.attempts).toBe(1);
    // The lock is released after each run.
    expect(await MigrationLockModel.countDocuments()).toBe(0);
  });

  it('applies in id order, and two runners at once apply each migration once', async () => {
    const list = [counting('002-second', { delayMs: 300 }), counting('001-first', { delayMs: 300 })];
    const [a, b] = await Promise.all([
      runMigrations({ migrations: list, logger }),
      runMigrations({ migrations: list, logger }),
    ]);
    // One runner applied both while the other waited for the lock, then found nothing left to do.
    expect([a.applied, b.applied].sort((x, y) => y.length - x.length)).toEqual([
      ['001-first', '002-second'],
      [],
    ]);
    expect([...a.skipped, ...b.skipped].sort()).toEqual(['001-first', '002-second']);
    expect(await runs('001-first')).toBe(1);
    expect(await runs('002-second')).toBe(1);
    const records = await MigrationModel.find({}, { _id: 1, startedAt: 1 }).sort({ startedAt: 1 }).lean();
    expect(records.map((r) => r._id)).toEqual(['001-first', '002-second']);
  });

  it('takes over the lock of a runner that died (its lease expired), not a live one', async () => {
    await MigrationLockModel.create({
      _id: 'migrations',
      owner: 'dead-host:1',
      takenAt: new Date(Date.now() - 120_000),
      expiresAt: new Date(Date.now() - 60_000),
    });
    const report = await runMigrations({ migrations: [counting('001-first')], logger });
    expect(report.applied).toEqual(['001-first']);

    await MigrationLockModel.create({
      _id: 'migrations',
      owner: 'live-host:1',
      takenAt: new Date(),
      expiresAt: new Date(Date.now() + 60_000),
    });
    await expect(
      runMigrations({ migrations: [counting('002-second')], logger, waitMs: 600 }),
    ).rejects.toThrow(/Another migration runner \(live-host:1\) held the lock/);
    expect(await runs('002-second')).toBe(0);
  });

  it('stops at a failing migration with a clear error, then resumes it after its finished steps', async () => {
    let isBroken = true;
    const calls: string[] = [];
    const backfill: Migration = {
      id: '002-backfill',
      description: 'a two-step backfill whose second step fails once',
      async up({ step }) {
        await step('copy', async () => {
          calls.push('copy');
        });
        await step('index', async () => {
          calls.push('index');
          if (isBroken) throw new Error('disk full');
        });
      },
    };
    const list = [counting('001-first'), backfill, counting('003-after')];

    const failure = await runMigrations({ migrations: list, logger }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as Error).message).toBe(
      'Migration 002-backfill failed at step "index": disk full (finished steps kept: copy). ' +
        'Later migrations were not run. Fix the cause and run the migrations again (pnpm migrate): ' +
        'this one resumes where it stopped.',
    );
    expect(await MigrationModel.findById('002-backfill').lean()).toMatchObject({
      status: 'failed',
      completedSteps: ['copy'],
      attempts: 1,
    });
    expect(await runs('003-after')).toBe(0);
    expect(await MigrationLockModel.countDocuments()).toBe(0);

    isBroken = false;
    const report = await runMigrations({ migrations: list, logger });
    expect(report).toEqual({ applied: ['002-backfill', '003-after'], skipped: ['001-first'] });
    // The step that had finished was not repeated; the failed one ran again.
    expect(calls).toEqual(['copy', 'index', 'index']);
    expect(await MigrationModel.findById('002-backfill').lean()).toMatchObject({
      status: 'applied',
      completedSteps: ['copy', 'index'],
      attempts: 2,
      error: null,
    });
    expect(await runs('001-first')).toBe(1);
    expect(await runs('003-after')).toBe(1);
  });

  it('refuses migration ids that are not NNN-kebab-name or that share a number, before doing anything', async () => {
    await expect(runMigrations({ migrations: [counting('1-first')], logger })).rejects.toThrow(
      'Migration id "1-first" is not NNN-kebab-name',
    );
    await expect(
      runMigrations({ migrations: [counting('001-first'), counting('001-again')], logger }),
    ).rejects.toThrow('Two migrations share the number 001');
    expect(await MigrationModel.countDocuments()).toBe(0);
  });
});
