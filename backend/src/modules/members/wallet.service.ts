import type { MemberWallet } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { toBalance, type LedgerService } from '../ledger/ledger.service.js';
import { RedemptionModel } from '../redemptions/redemption.model.js';
import { RewardModel } from '../rewards/reward.model.js';
import { availableNowFilter, unavailableReason } from '../rewards/reward.service.js';
import type { StampService } from '../stamps/stamp.service.js';
import type { CouponService } from '../coupons/coupon.service.js';
import type { GiftCertificateService } from '../gift-certificates/gift-certificate.service.js';
import type { MemberService } from './member.service.js';

/**
 * The member's wallet: everything they hold, in one read. Each module owns its section; the card and
 * the desk show it.
 */
export class WalletService {
  constructor(
    private readonly deps: {
      clock: Clock;
      ledger: LedgerService;
      members: MemberService;
      stamps: StampService;
      coupons: CouponService;
      giftCertificates: GiftCertificateService;
    },
  ) {}

  async get(memberId: string): Promise<MemberWallet> {
    const found = await this.deps.members.get(memberId);
    await this.deps.ledger.settle(found._id);
    const member = await this.deps.members.get(memberId);
    const now = this.deps.clock.now();
    const balance = toBalance(member.points);
    const [pendingLots, expiringSoon, held, rewards, stampCards, coupons, giftCertificates] =
      await Promise.all([
        this.deps.ledger.pendingLots(member._id),
        this.deps.ledger.expiringSoon(member._id),
        RedemptionModel.find({ memberId: member._id, status: 'held' }, { pointsSpent: 1 }).lean(),
        RewardModel.find(availableNowFilter(now)).sort({ pointsCost: 1, _id: 1 }).lean(),
        this.deps.stamps.wallet(member._id, now),
        this.deps.coupons.wallet(member._id, now),
        this.deps.giftCertificates.walletSection(member._id),
      ]);
    const forMember = rewards.filter((r) => unavailableReason(r, member, now) === null);
    const affordable = forMember.filter((r) => r.pointsCost <= balance.available);
    const next = forMember.find((r) => r.pointsCost > balance.available);
    return {
      memberId: member._id.toHexString(),
      points: {
        ...balance,
        held: held.reduce((sum, r) => sum + r.pointsSpent, 0),
        pendingLots,
        expiringSoon,
      },
      rewards: {
        affordable: affordable.map((r) => ({
          rewardId: r._id.toHexString(),
          name: r.name,
          pointsCost: r.pointsCost,
        })),
        next: next
          ? {
              rewardId: next._id.toHexString(),
              name: next.name,
              pointsCost: next.pointsCost,
              missingPoints: next.pointsCost - Math.max(balance.available, 0),
              progressPercent: Math.floor((Math.max(balance.available, 0) * 100) / next.pointsCost),
            }
          : null,
      },
      stampCards,
      coupons,
      giftCertificates,
      tags: member.tags ?? [],
    };
  }
}
