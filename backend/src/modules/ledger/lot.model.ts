import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A lot: the points one credit gave (a purchase, a positive adjustment), spent soonest-expiring first.
 * `remaining` changes only together with a ledger entry whose `lotChanges` say by how much.
 */
export type LotStatus = 'pending' | 'active' | 'expired';

export type Lot = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  /** Points the lot was created with (after paying any debt). */
  points: number;
  remaining: number;
  status: LotStatus;
  source: { type: 'purchase' | 'adjustment' | 'referral'; id: string };
  earnedAt: Date;
  /** Spendable from this instant (the program's pending days after the purchase). */
  availableAt: Date;
  /** Null when the program's points never expire. */
  expiresAt: Date | null;
  /** What the expiry took (the remaining points at that moment). */
  expiredPoints: number;
};

const lotSchema = new Schema<Lot>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    points: { type: Number, required: true },
    remaining: { type: Number, required: true, min: 0 },
    status: { type: String, enum: ['pending', 'active', 'expired'], required: true },
    source: { type: { type: String, required: true }, id: { type: String, required: true } },
    earnedAt: { type: Date, required: true },
    availableAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    expiredPoints: { type: Number, default: 0 },
  },
  { collection: 'point_lots', versionKey: false },
);
// Spending: a member's active lots by expiry. Jobs: due activations and expiries across members.
lotSchema.index({ memberId: 1, status: 1, expiresAt: 1 });
lotSchema.index({ status: 1, availableAt: 1 });
lotSchema.index({ status: 1, expiresAt: 1 });

export const LotModel = mongoose.model<Lot>('Lot', lotSchema);
