import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A card code presented for a redemption: `_id` is `<memberId>:<TOTP counter>`, so the same code cannot
 * pay twice (the insert fails on the unique _id). Kept a day; codes are valid for 90 seconds at most.
 */
export type CardCodeUse = { _id: string; memberId: Types.ObjectId; usedAt: Date; expiresAt: Date };

const schema = new Schema<CardCodeUse>(
  {
    _id: { type: String, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    usedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
  },
  { collection: 'card_code_uses', versionKey: false },
);

export const CardCodeUseModel = mongoose.model<CardCodeUse>('CardCodeUse', schema);
