import type { RedemptionApply, Reward } from '@regulars/contracts';
import { formatMoney } from '../../shared/format.js';
import type { StaffT } from '../staff-i18n.js';

/** What the reward gives, in the words the till needs. */
export function describeReward(
  reward: Pick<Reward, 'kind' | 'valueMinor' | 'percent' | 'sku'>,
  t: StaffT,
  language: string,
  currency = 'EUR',
): string {
  return describeApply(
    {
      kind: reward.kind,
      valueMinor: reward.valueMinor ?? undefined,
      percent: reward.percent ?? undefined,
      sku: reward.sku ?? undefined,
    },
    t,
    language,
    currency,
  );
}

/** "Take 2.00 € off the bill", "Take 10 % off", "Add SKU COFFEE free of charge". */
export function describeApply(apply: RedemptionApply, t: StaffT, language: string, currency: string): string {
  switch (apply.kind) {
    case 'fixed_discount':
    case 'points_payment':
      return t('desk.apply.fixed', { amount: formatMoney(apply.valueMinor ?? 0, currency, language) });
    case 'percent_discount':
      return t('desk.apply.percent', { percent: apply.percent ?? 0 });
    case 'free_product':
      return t('desk.apply.free', { sku: apply.sku ?? '' });
  }
}
