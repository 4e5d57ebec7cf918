import mongoose, { Schema, type Types } from 'mongoose';
import type { RewardImageType } from '@regulars/contracts';

/**
 * A reward's picture, one per reward (`_id` is the reward's id), kept apart from the reward so that
 * lists of rewards never carry the bytes.
 */
export type RewardImage = {
  _id: Types.ObjectId;
  contentType: RewardImageType;
  data: Buffer;
  size: number;
  /** A hash of the bytes: the ETag, and the `v` of the reward's imageUrl. */
  etag: string;
  updatedAt: Date;
};

const rewardImageSchema = new Schema<RewardImage>(
  {
    contentType: { type: String, enum: ['image/jpeg', 'image/png', 'image/webp'], required: true },
    data: { type: Buffer, required: true },
    size: { type: Number, required: true },
    etag: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'reward_images', versionKey: false },
);

export const RewardImageModel = mongoose.model<RewardImage>('RewardImage', rewardImageSchema);
