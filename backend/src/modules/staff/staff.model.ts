import type { StaffRole } from '@regulars/contracts';
import { STAFF_ROLES } from '@regulars/contracts';
import mongoose, { Schema, type Types } from 'mongoose';

export type Staff = {
  _id: Types.ObjectId;
  email: string;
  name: string;
  passwordHash: string;
  role: StaffRole;
  storeId: Types.ObjectId | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const staffSchema = new Schema<Staff>(
  {
    email: { type: String, required: true, lowercase: true, trim: true, unique: true },
    name: { type: String, required: true },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: STAFF_ROLES, required: true },
    storeId: { type: Schema.Types.ObjectId, default: null },
    isActive: { type: Boolean, default: true },
  },
  { collection: 'staff', timestamps: true, versionKey: false },
);

export const StaffModel = mongoose.model<Staff>('Staff', staffSchema);

export function toStaffSummary(staff: Pick<Staff, '_id' | 'email' | 'name' | 'role' | 'storeId'>) {
  return {
    id: String(staff._id),
    email: staff.email,
    name: staff.name,
    role: staff.role,
    storeId: staff.storeId ? String(staff.storeId) : null,
  };
}
