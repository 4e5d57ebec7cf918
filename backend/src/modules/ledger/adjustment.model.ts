import mongoose, { Schema, type Types } from 'mongoose';

/** A manual correction of a member's points by a manager, with the reason. */
export type Adjustment = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  points: number;
  reason: string;
  actor: { kind: string; id: string | null; label: string | null } | null;
  requestKey: string | null;
  createdAt: Date;
};

const adjustmentSchema = new Schema<Adjustment>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true, index: true },
    points: { type: Number, required: true },
    reason: { type: String, required: true },
    actor: { type: Schema.Types.Mixed, default: null },
    requestKey: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'adjustments', versionKey: false },
);
adjustmentSchema.index(
  { requestKey: 1 },
  { unique: true, partialFilterExpression: { requestKey: { $type: 'string' } } },
);

export const AdjustmentModel = mongoose.model<Adjustment>('Adjustment', adjustmentSchema);
