import type { ClientSession, Types } from 'mongoose';
import { WriteBatch } from '../../platform/write-batch.js';
import { type Member, MemberModel } from './member.model.js';

/**
 * What a member's wallet has ever held, by kind, kept on the member: the till reads a kind's
 * collection for its offers only when the member ever had one of it (most members never get a coupon,
 * and a sale should not pay a round trip to learn that). "Ever" and not "now": the mark is set in the
 * transaction that puts an instrument in the wallet and never taken away, so it cannot be wrong in the
 * direction that hides something; a member whose coupons are all used still has their wallet read.
 */
export type WalletKind = 'coupons' | 'stampRewards' | 'giftCertificates';

/**
 * Marks the members' wallets as holding `kind`, in the caller's transaction (or queued on its batch).
 * Members created before the marks existed have no `walletKinds` at all and stay so: everything is read
 * for them.
 */
export async function markWallet(
  target: ClientSession | WriteBatch,
  memberIds: readonly Types.ObjectId[],
  kind: WalletKind,
): Promise<void> {
  if (memberIds.length === 0) return;
  const filter = { walletKinds: { $exists: true, $ne: kind } };
  const update = { $addToSet: { walletKinds: kind } };
  if (target instanceof WriteBatch) {
    for (const _id of memberIds) target.updateOne(MemberModel, { _id, ...filter }, update);
    return;
  }
  await MemberModel.updateMany({ _id: { $in: [...memberIds] }, ...filter }, update, { session: target });
}

/** Whether the till must read `kind` for this member (unknown for members from before the marks). */
export function mayHold(member: Pick<Member, 'walletKinds'>, kind: WalletKind): boolean {
  return member.walletKinds === undefined || member.walletKinds.includes(kind);
}
