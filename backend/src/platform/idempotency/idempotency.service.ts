import type { Clock } from '../clock.js';
import { AppError, errorBody } from '../errors.js';
import { nativeCollection } from '../mongo.js';
import type { WriteBatch } from '../write-batch.js';
import { IdempotencyModel, type IdempotencyRecord } from './idempotency.model.js';

export type IdempotentResult = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * Stores the answer of the running request with the writes of the operation's own transaction: the
 * answer and what it describes land together (no window where a crash leaves a recorded sale whose key
 * still says "running"), and the separate write after the operation is saved.
 */
export type AnswerRecorder = (batch: WriteBatch, result: IdempotentResult) => void;

export type IdempotencyOptions = {
  clock: Clock;
  /** How long keys are remembered (Stripe keeps them 24 h; so do we, at least). */
  retentionMs?: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitMs?: number;
  /** A request that holds its key longer than this is presumed dead (crashed) and may be retried. */
  lockMs?: number;
  pollMs?: number;
};

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Stripe-style idempotency: the first request with a key runs and its answer is stored; a retry with
 * the same key and the same request gets that answer again; the same key with another request is an
 * error; a retry arriving while the first still runs waits for it (bounded).
 */
export class IdempotencyService {
  private readonly retentionMs: number;
  private readonly waitMs: number;
  private readonly lockMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: IdempotencyOptions) {
    this.retentionMs = options.retentionMs ?? 48 * 3600_000;
    this.waitMs = options.waitMs ?? 8_000;
    this.lockMs = options.lockMs ?? 60_000;
    this.pollMs = options.pollMs ?? 25;
  }

  async run(input: {
    scope: string;
    key: string;
    fingerprint: string;
    execute: (recordAnswer: AnswerRecorder) => Promise<IdempotentResult>;
  }): Promise<IdempotentResult> {
    if (!KEY_PATTERN.test(input.key)) {
      throw new AppError(
        'bad_request',
        'IDEMPOTENCY_KEY_INVALID',
        'Idempotency-Key must be 1-255 printable ASCII characters',
      );
    }
    const id = `${input.scope} ${input.key}`;
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const acquired = await this.acquire(id, input.fingerprint);
      if (acquired) return this.execute(id, input.execute);
      const existing = await IdempotencyModel.findById(id).lean();
      if (!existing) continue; // it expired or was released between our two reads: try again
      if (existing.fingerprint !== input.fingerprint) {
        throw new AppError(
          'unprocessable',
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used for a different request; use a new key for a new operation',
        );
      }
      if (existing.state === 'done') {
        return {
          status: existing.status ?? 200,
          body: existing.body,
          headers: { 'Idempotent-Replayed': 'true' },
        };
      }
      if (Date.now() >= deadline) {
        throw new AppError(
          'conflict',
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this Idempotency-Key is still being processed; retry in a moment',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  /** Takes the key: creates it, or takes over one whose holder died (its lock ran out). */
  private async acquire(id: string, fingerprint: string): Promise<boolean> {
    const now = this.options.clock.now();
    try {
      // The driver directly: every mutating request passes here, and the record is fully typed, so
      // mongoose's casting and validation would only cost CPU.
      const record: IdempotencyRecord = {
        _id: id,
        fingerprint,
        state: 'running',
        lockedUntil: new Date(Date.now() + this.lockMs),
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.retentionMs),
      };
      await nativeCollection<IdempotencyRecord>(IdempotencyModel).insertOne(record);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    const takeover = await IdempotencyModel.updateOne(
      { _id: id, fingerprint, state: 'running', lockedUntil: { $lt: new Date() } },
      { $set: { lockedUntil: new Date(Date.now() + this.lockMs) } },
    );
    return takeover.modifiedCount === 1;
  }

  private async execute(
    id: string,
    execute: (recordAnswer: AnswerRecorder) => Promise<IdempotentResult>,
  ): Promise<IdempotentResult> {
    let result: IdempotentResult;
    let recorded: IdempotentResult | null = null;
    const recordAnswer: AnswerRecorder = (batch, answer) => {
      recorded = answer;
      batch.updateOne(
        IdempotencyModel,
        { _id: id, state: 'running' },
        { $set: { state: 'done', status: answer.status, body: answer.body ?? null } },
      );
    };
    try {
      result = await execute(recordAnswer);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        // A refusal (409 INSUFFICIENT_POINTS...) wrote nothing and is the answer to this request: remember it.
        await this.finish(id, {
          status: error.status,
          body: errorBody(error.code, error.message, error.details),
        });
      } else {
        // Unexpected failure: forget the key so that the client's retry runs the operation again.
        await IdempotencyModel.deleteOne({ _id: id, state: 'running' });
      }
      throw error;
    }
    // Recorded in the operation's transaction, which committed since the operation returned.
    const isRecorded = recorded !== null && sameAnswer(recorded, result);
    if (!isRecorded) await this.finish(id, result);
    return result;
  }

  private async finish(id: string, result: IdempotentResult): Promise<void> {
    await nativeCollection<IdempotencyRecord>(IdempotencyModel).updateOne(
      { _id: id, state: 'running' },
      { $set: { state: 'done', status: result.status, body: result.body ?? null } },
    );
  }
}

function sameAnswer(a: IdempotentResult, b: IdempotentResult): boolean {
  return a.status === b.status && a.body === b.body;
}
