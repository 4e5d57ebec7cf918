// How referral values read in the portal: statuses, reject reasons, signals and rewards in words.
import type { ReferralReward, ReferralSignalType, ReferralStatus, RefereeReward } from '@regulars/contracts';
import { formatMoney, formatPoints } from '../../shared/format.js';
import type { StaffT } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';

export const REFERRAL_STATUSES: readonly ReferralStatus[] = [
  'attributed',
  'qualified',
  'cleared',
  'rewarded',
  'rejected',
  'reversed',
];

export const statusLabel = (status: ReferralStatus): StaffMessageKey => `referrals.status.${status}`;

const REASONS: Record<string, StaffMessageKey> = {
  attribution_expired: 'referrals.reason.attributionExpired',
  first_purchase_below_minimum: 'referrals.reason.belowMinimum',
  refunded: 'referrals.reason.refunded',
  CAP_REACHED: 'referrals.reason.capReached',
  review_rejected: 'referrals.reason.reviewRejected',
};

export function reasonText(reason: string | null, t: StaffT): string | null {
  if (reason === null) return null;
  const key = REASONS[reason];
  return key ? t(key) : reason;
}

export const signalText = (type: ReferralSignalType): StaffMessageKey => `referrals.signal.${type}`;

/** A reward as a marketer reads it: "500 points", "a gift certificate of €5.00", "a coupon: Welcome". */
export function rewardText(
  reward: ReferralReward | RefereeReward | null,
  context: { t: StaffT; language: string; currency: string; templateName(id: string): string | null },
): string {
  const { t, language, currency } = context;
  if (!reward) return t('referrals.reward.none');
  if (reward.kind === 'points')
    return t('referrals.reward.points', { points: formatPoints(reward.points, language) });
  if (reward.kind === 'giftCertificate')
    return t('referrals.reward.giftCertificate', {
      value: formatMoney(reward.valueMinor, currency, language),
    });
  return t('referrals.reward.coupon', {
    name: context.templateName(reward.couponTemplateId) ?? t('referrals.reward.couponUnknown'),
  });
}
