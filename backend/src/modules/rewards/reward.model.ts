import mongoose, { Schema, type Types } from 'mongoose';
import type { RewardKind } from '@regulars/contracts';

/** Something a member buys with points: a fixed or percent discount, or a free product. */
export type Reward = {
  _id: Types.ObjectId;
  name: string;
  description: string | null;
  pointsCost: number;
  kind: RewardKind;
  valueMinor: number | null;
  percent: number | null;
  sku: string | null;
  /** Units left; null for unlimited. Taken with a conditional $inc, given back by a cancellation. */
  stock: number | null;
  perMemberLimit: number | null;
  availableFrom: Date | null;
  availableUntil: Date | null;
  tiers: string[] | null;
  /** The picture's hash (reward_images holds the bytes), or null without one. */
  imageEtag: string | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const rewardSchema = new Schema<Reward>(
  {
    name: { type: String, required: true },
    description: { type: String, default: null },
    pointsCost: { type: Number, required: true },
    kind: { type: String, enum: ['fixed_discount', 'percent_discount', 'free_product'], required: true },
    valueMinor: { type: Number, default: null },
    percent: { type: Number, default: null },
    sku: { type: String, default: null },
    stock: { type: Number, default: null },
    perMemberLimit: { type: Number, default: null },
    availableFrom: { type: Date, default: null },
    availableUntil: { type: Date, default: null },
    tiers: { type: [String], default: null },
    imageEtag: { type: String, default: null },
    isActive: { type: Boolean, default: true },
  },
  { collection: 'rewards', timestamps: true, versionKey: false },
);

export const RewardModel = mongoose.model<Reward>('Reward', rewardSchema);
