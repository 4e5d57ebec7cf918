import type { ApiScope } from '@regulars/contracts';
import { API_SCOPES } from '@regulars/contracts';
import mongoose, { Schema, type Types } from 'mongoose';

export type ApiKey = {
  _id: Types.ObjectId;
  name: string;
  /** The first characters of the key, shown in lists so an admin can tell keys apart. */
  prefix: string;
  keyHash: string;
  scopes: ApiScope[];
  storeId: Types.ObjectId | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const apiKeySchema = new Schema<ApiKey>(
  {
    name: { type: String, required: true },
    prefix: { type: String, required: true },
    keyHash: { type: String, required: true, unique: true },
    scopes: { type: [String], enum: API_SCOPES, required: true },
    storeId: { type: Schema.Types.ObjectId, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'api_keys', versionKey: false },
);

export const ApiKeyModel = mongoose.model<ApiKey>('ApiKey', apiKeySchema);
