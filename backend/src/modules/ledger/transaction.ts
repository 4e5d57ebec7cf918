import mongoose, { type ClientSession } from 'mongoose';
import { AppError } from '../../platform/errors.js';
import { isMongoUnreachable } from '../../platform/mongo.js';

/** Thrown inside a transaction when a conditional update lost a race: the whole transaction is retried. */
export class RetryTransaction extends Error {
  constructor(what: string) {
    super(`concurrent change: ${what}`);
    this.name = 'RetryTransaction';
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof RetryTransaction) return true;
  // The driver labels connection errors transient too, but retrying against a database that is gone
  // only delays the 503 (the error middleware answers SERVICE_UNAVAILABLE for them).
  if (isMongoUnreachable(error)) return false;
  const e = error as { hasErrorLabel?: (label: string) => boolean; code?: number; errorLabels?: string[] };
  if (typeof e?.hasErrorLabel === 'function' && e.hasErrorLabel('TransientTransactionError')) return true;
  if (e?.errorLabels?.includes('TransientTransactionError')) return true;
  // 112 WriteConflict, 251 NoSuchTransaction (aborted under us), 244 TransactionTooOld.
  return e?.code === 112 || e?.code === 251 || e?.code === 244;
}

function isUnknownCommit(error: unknown): boolean {
  const e = error as { hasErrorLabel?: (label: string) => boolean };
  return typeof e?.hasErrorLabel === 'function' && e.hasErrorLabel('UnknownTransactionCommitResult');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in a multi-document transaction so that a ledger operation's writes (lots, entries, the
 * member's cached balance, the purchase or redemption) land together or not at all, even on a crash.
 * Concurrency correctness does not rest on isolation alone: every write that could overdraw is a
 * conditional update. A transaction that lost a write conflict is retried with jittered backoff, so
 * that many concurrent spends on one member queue up instead of spinning.
 */
export async function runInTransaction<T>(
  work: (session: ClientSession) => Promise<T>,
  options: {
    timeoutMs?: number;
    /**
     * Runs every write and guard of `work` (so the answer is exactly what a real request would get,
     * refusals included), then aborts instead of committing: `dryRun` requests answer without writing.
     */
    isDryRun?: boolean;
  } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const session = await mongoose.startSession();
  try {
    for (let attempt = 0; ; attempt += 1) {
      session.startTransaction();
      let result: T;
      try {
        result = await work(session);
      } catch (error) {
        await session.abortTransaction().catch(() => undefined);
        if (isTransient(error) && Date.now() < deadline) {
          await sleep(backoff(attempt));
          continue;
        }
        if (isTransient(error)) throw busy();
        throw error;
      }
      if (options.isDryRun) {
        await session.abortTransaction();
        return result;
      }
      try {
        await commitWithRetry(session);
        return result;
      } catch (error) {
        if (isTransient(error) && Date.now() < deadline) {
          await sleep(backoff(attempt));
          continue;
        }
        if (isTransient(error)) throw busy();
        throw error;
      }
    }
  } finally {
    await session.endSession();
  }
}

async function commitWithRetry(session: ClientSession): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await session.commitTransaction();
      return;
    } catch (error) {
      if (isUnknownCommit(error) && attempt < 3) continue;
      throw error;
    }
  }
}

function backoff(attempt: number): number {
  const ceiling = Math.min(2 + attempt * 3, 50);
  return Math.random() * ceiling;
}

function busy(): AppError {
  return new AppError(
    'unavailable',
    'LEDGER_BUSY',
    'Too many concurrent changes to this member; retry in a moment with the same Idempotency-Key',
  );
}
