import mongoose, { Schema } from 'mongoose';

/** One remembered request: `_id` is `<scope> <key>`. Removed by the TTL index after `expiresAt`. */
export type IdempotencyRecord = {
  _id: string;
  fingerprint: string;
  state: 'running' | 'done';
  lockedUntil: Date;
  status?: number;
  body?: unknown;
  createdAt: Date;
  expiresAt: Date;
};

const idempotencySchema = new Schema<IdempotencyRecord>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, enum: ['running', 'done'], required: true },
    lockedUntil: { type: Date, required: true },
    status: Number,
    body: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
  },
  { collection: 'idempotency_keys', versionKey: false, minimize: false },
);

export const IdempotencyModel = mongoose.model<IdempotencyRecord>('IdempotencyRecord', idempotencySchema);
