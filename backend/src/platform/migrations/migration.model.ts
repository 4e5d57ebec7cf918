import mongoose, { Schema } from 'mongoose';

export type MigrationStatus = 'running' | 'applied' | 'failed';

/**
 * One versioned migration as the database knows it: applied, running (or killed while running) or
 * failed, with the steps it finished, so that a run that stopped halfway resumes after its last step.
 */
export type MigrationRecord = {
  _id: string;
  description: string;
  status: MigrationStatus;
  /** Names of the steps that finished, in order; a resumed run skips them. */
  completedSteps: string[];
  attempts: number;
  startedAt: Date;
  finishedAt: Date | null;
  /** Why the last attempt failed (null once applied). */
  error: string | null;
  /** Who ran the last attempt (host and process id). */
  runBy: string;
};

export const MigrationModel = mongoose.model<MigrationRecord>(
  'Migration',
  new Schema<MigrationRecord>(
    {
      _id: { type: String, required: true },
      description: { type: String, required: true },
      status: { type: String, required: true, enum: ['running', 'applied', 'failed'] },
      completedSteps: { type: [String], default: [] },
      attempts: { type: Number, required: true },
      startedAt: { type: Date, required: true },
      finishedAt: { type: Date, default: null },
      error: { type: String, default: null },
      runBy: { type: String, required: true },
    },
    { collection: 'migrations', versionKey: false },
  ),
);

/**
 * The runner's lock: one document whose holder renews `expiresAt` while it works. A holder killed with
 * -9 stops renewing, and the next runner takes the lock once it has expired (real time, like any lock).
 */
export type MigrationLockDoc = { _id: 'migrations'; owner: string; expiresAt: Date; takenAt: Date };

export const MigrationLockModel = mongoose.model<MigrationLockDoc>(
  'MigrationLock',
  new Schema<MigrationLockDoc>(
    {
      _id: { type: String, required: true },
      owner: { type: String, required: true },
      expiresAt: { type: Date, required: true },
      takenAt: { type: Date, required: true },
    },
    { collection: 'migration_locks', versionKey: false },
  ),
);
