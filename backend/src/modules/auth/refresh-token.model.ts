import mongoose, { Schema, type Types } from 'mongoose';

/**
 * Refresh tokens are stored hashed. Each rotation spends one token and issues the next in the same
 * family; presenting a spent token again means it leaked, so the whole family is revoked.
 */
export type RefreshToken = {
  _id: Types.ObjectId;
  tokenHash: string;
  familyId: string;
  subject: { kind: 'staff' | 'member'; id: string };
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
};

const refreshTokenSchema = new Schema<RefreshToken>(
  {
    tokenHash: { type: String, required: true, unique: true },
    familyId: { type: String, required: true, index: true },
    subject: { kind: { type: String, required: true }, id: { type: String, required: true } },
    createdAt: { type: Date, required: true },
    // Kept a week past expiry so that reuse of an old token is still recognised as reuse.
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 7 * 24 * 3600 } },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'refresh_tokens', versionKey: false },
);

export const RefreshTokenModel = mongoose.model<RefreshToken>('RefreshToken', refreshTokenSchema);
