import { EVENT_TYPES } from '@regulars/contracts';
import type { StaffMessageKey } from '../staff-messages.js';

/** The pattern that subscribes to every event type, present and future. */
export const ALL_EVENTS = '*';

/** The catalogue grouped by the part before the dot: `points` → points.earned, points.activated… */
export const EVENT_GROUPS: { prefix: string; types: string[] }[] = [];
for (const type of EVENT_TYPES) {
  const prefix = type.slice(0, type.indexOf('.'));
  const group = EVENT_GROUPS.find((g) => g.prefix === prefix);
  if (group) group.types.push(type);
  else EVENT_GROUPS.push({ prefix, types: [type] });
}

/** The name of each group in the viewer's language (a group missing here shows its prefix). */
export const EVENT_GROUP_LABELS: Record<string, StaffMessageKey | undefined> = {
  member: 'webhooks.group.member',
  purchase: 'webhooks.group.purchase',
  points: 'webhooks.group.points',
  redemption: 'webhooks.group.redemption',
  refund: 'webhooks.group.refund',
  checkout: 'webhooks.group.checkout',
  reward: 'webhooks.group.reward',
  stamp_card: 'webhooks.group.stampCard',
  stamps: 'webhooks.group.stamps',
  stamp_reward: 'webhooks.group.stampReward',
  coupon_template: 'webhooks.group.couponTemplate',
  coupon_batch: 'webhooks.group.couponBatch',
  coupon: 'webhooks.group.coupon',
  referral: 'webhooks.group.referral',
  gift_certificate: 'webhooks.group.giftCertificate',
  tier_ladder: 'webhooks.group.tierLadder',
  tier: 'webhooks.group.tier',
  rule: 'webhooks.group.rule',
  program: 'webhooks.group.program',
  sandbox: 'webhooks.group.sandbox',
};

/**
 * Turns one type or pattern on or off in a subscription. A whole group (`points.*`) replaces its single
 * types, and everything (`*`) replaces the rest, so the API never gets a list that says a thing twice.
 */
export function togglePattern(value: readonly string[], pattern: string, isOn: boolean): string[] {
  if (pattern === ALL_EVENTS) return isOn ? [ALL_EVENTS] : [];
  const without = value.filter((p) => p !== pattern);
  if (!isOn) return without;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return [...without.filter((p) => !p.startsWith(prefix)), pattern];
  }
  return [...without, pattern];
}
