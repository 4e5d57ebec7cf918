import mongoose, { Schema, type Types } from 'mongoose';

/** The shared offset of the sandbox clock: one document, only ever moved forward. */
export type SandboxClockDoc = { _id: 'clock'; offsetMs: number; updatedAt: Date };

export const SandboxClockModel = mongoose.model<SandboxClockDoc>(
  'SandboxClock',
  new Schema<SandboxClockDoc>(
    {
      _id: { type: String, required: true },
      offsetMs: { type: Number, required: true },
      updatedAt: { type: Date, required: true },
    },
    { collection: 'sandbox_clock', versionKey: false },
  ),
);

/** The offset every process adds to the system time (0 until the first advance). */
export async function readSandboxOffset(): Promise<number> {
  const doc = await SandboxClockModel.findById('clock', { offsetMs: 1 }).lean();
  return doc?.offsetMs ?? 0;
}

export type SandboxAdvanceStatus = 'running' | 'done' | 'failed';

/** One advance: where the clock went and what the sweeps did, kept so that a long one can be followed. */
export type SandboxAdvanceDoc = {
  _id: Types.ObjectId;
  status: SandboxAdvanceStatus;
  from: Date;
  to: Date;
  offsetMs: number;
  ran: Record<string, Record<string, number>>;
  passes: number;
  error: string | null;
  actor: { kind: string; id: string | null; label: string | null };
  startedAt: Date;
  finishedAt: Date | null;
};

const advanceSchema = new Schema<SandboxAdvanceDoc>(
  {
    status: { type: String, enum: ['running', 'done', 'failed'], required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    offsetMs: { type: Number, required: true },
    ran: { type: Schema.Types.Mixed, default: {} },
    passes: { type: Number, default: 0 },
    error: { type: String, default: null },
    actor: { kind: String, id: String, label: String },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'sandbox_advances', versionKey: false, minimize: false },
);

export const SandboxAdvanceModel = mongoose.model<SandboxAdvanceDoc>('SandboxAdvance', advanceSchema);
