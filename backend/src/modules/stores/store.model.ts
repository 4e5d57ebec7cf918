import mongoose, { Schema, type Types } from 'mongoose';

export type Store = {
  _id: Types.ObjectId;
  name: string;
  code: string;
  timeZone: string | null;
  address: { line1?: string; city?: string; postalCode?: string; country?: string } | null;
  isActive: boolean;
};

const storeSchema = new Schema<Store>(
  {
    name: { type: String, required: true },
    code: { type: String, required: true, unique: true },
    timeZone: { type: String, default: null },
    address: { type: Schema.Types.Mixed, default: null },
    isActive: { type: Boolean, default: true },
  },
  { collection: 'stores', timestamps: true, versionKey: false },
);

export const StoreModel = mongoose.model<Store>('Store', storeSchema);
