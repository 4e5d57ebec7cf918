import mongoose, { Schema, type Types } from 'mongoose';

/** A one-time sign-in code, stored hashed; the TTL index removes it after expiry. */
export type OtpCode = {
  _id: Types.ObjectId;
  phone: string;
  codeHash: string;
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
};

const otpSchema = new Schema<OtpCode>(
  {
    phone: { type: String, required: true, index: true },
    codeHash: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 3600 } },
    consumedAt: { type: Date, default: null },
  },
  { collection: 'otp_codes', versionKey: false },
);

export const OtpModel = mongoose.model<OtpCode>('OtpCode', otpSchema);
