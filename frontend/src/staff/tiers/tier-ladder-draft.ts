// The designer's draft as typed (text in the fields) and its conversion to the contract's ladder: a
// threshold on spend is read as money in the program's currency and sent in minor units.
import type { TierBasis, TierDowngradePolicy, TierLadder, TierLadderDraft } from '@regulars/contracts';
import {
  TIER_COUNT_MAX,
  TIER_GRACE_DAYS_MAX,
  TIER_RETENTION_MONTHS_MAX,
  TIER_WINDOW_MONTHS_MAX,
} from '@regulars/contracts';
import { currencyDigits, parseMoneyToMinor } from '../../shared/format.js';

export type TierRow = {
  key: number;
  code: string;
  name: string;
  threshold: string;
  discountPercent: string;
  neverDowngrade: boolean;
};

export type LadderForm = {
  basis: TierBasis;
  windowKind: TierLadderDraft['window']['kind'];
  windowMonths: string;
  retentionKind: TierLadderDraft['retention']['kind'];
  retentionMonths: string;
  policy: TierDowngradePolicy;
  graceDays: string;
  warnDaysBefore: string;
  tiers: TierRow[];
  reason: string;
};

/** A problem under a field: a message key and its values. */
export type Problem = { key: 'code' | 'name' | 'threshold' | 'whole'; min?: number; max?: number };
export type Problems = Record<string, Problem>;

let nextKey = 1;
export const newRowKey = (): number => nextKey++;

const CODE = /^[a-z][a-z0-9_-]{0,39}$/;

function thresholdText(value: number, basis: TierBasis, currency: string): string {
  if (basis === 'points_earned') return String(value);
  const digits = currencyDigits(currency);
  const whole = Math.floor(value / 10 ** digits);
  const fraction = value % 10 ** digits;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(digits, '0')}`;
}

/** The form filled from the published ladder, or a first Bronze/Silver/Gold on points when there is none. */
export function formOf(ladder: TierLadder | null, currency: string): LadderForm {
  if (!ladder)
    return {
      basis: 'points_earned',
      windowKind: 'rolling_months',
      windowMonths: '12',
      retentionKind: 'months',
      retentionMonths: '12',
      policy: 'one_down',
      graceDays: '0',
      warnDaysBefore: '14',
      tiers: [
        {
          key: newRowKey(),
          code: 'bronze',
          name: 'Bronze',
          threshold: '0',
          discountPercent: '0',
          neverDowngrade: false,
        },
        {
          key: newRowKey(),
          code: 'silver',
          name: 'Silver',
          threshold: '1000',
          discountPercent: '0',
          neverDowngrade: false,
        },
        {
          key: newRowKey(),
          code: 'gold',
          name: 'Gold',
          threshold: '3000',
          discountPercent: '0',
          neverDowngrade: false,
        },
      ],
      reason: '',
    };
  return {
    basis: ladder.basis,
    windowKind: ladder.window.kind,
    windowMonths: ladder.window.kind === 'rolling_months' ? String(ladder.window.months) : '12',
    retentionKind: ladder.retention.kind,
    retentionMonths: ladder.retention.kind === 'months' ? String(ladder.retention.months) : '12',
    policy: ladder.downgrade.policy,
    graceDays: String(ladder.downgrade.graceDays),
    warnDaysBefore: String(ladder.downgrade.warnDaysBefore),
    tiers: ladder.tiers.map((tier) => ({
      key: newRowKey(),
      code: tier.code,
      name: tier.name,
      threshold: thresholdText(tier.threshold, ladder.basis, currency),
      discountPercent: String(tier.discountPercent),
      neverDowngrade: tier.neverDowngrade,
    })),
    reason: '',
  };
}

export { TIER_COUNT_MAX };

function whole(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

/**
 * The contract's draft, or the problems keyed by field (`windowMonths`, `tiers.1.threshold`…). The
 * ladder's own rules (a base at 0, increasing thresholds, distinct codes) are the server's to say.
 */
export function draftOf(
  form: LadderForm,
  currency: string,
): { draft: TierLadderDraft; problems: null } | { draft: null; problems: Problems } {
  const problems: Problems = {};
  const number = (field: string, text: string, min: number, max: number): number => {
    const value = whole(text, min, max);
    if (value === null) problems[field] = { key: 'whole', min, max };
    return value ?? 0;
  };
  const windowMonths =
    form.windowKind === 'rolling_months'
      ? number('windowMonths', form.windowMonths, 1, TIER_WINDOW_MONTHS_MAX)
      : 0;
  const retentionMonths =
    form.retentionKind === 'months'
      ? number('retentionMonths', form.retentionMonths, 1, TIER_RETENTION_MONTHS_MAX)
      : 0;
  const graceDays = number('graceDays', form.graceDays, 0, TIER_GRACE_DAYS_MAX);
  const warnDaysBefore = number('warnDaysBefore', form.warnDaysBefore, 0, TIER_GRACE_DAYS_MAX);
  const tiers = form.tiers.map((row, index) => {
    if (!CODE.test(row.code.trim())) problems[`tiers.${index}.code`] = { key: 'code' };
    if (!row.name.trim()) problems[`tiers.${index}.name`] = { key: 'name' };
    const threshold =
      form.basis === 'spend'
        ? parseMoneyToMinor(row.threshold, currency)
        : whole(row.threshold, 0, 1_000_000_000_000);
    if (threshold === null) problems[`tiers.${index}.threshold`] = { key: 'threshold' };
    return {
      code: row.code.trim(),
      name: row.name.trim(),
      threshold: threshold ?? 0,
      neverDowngrade: row.neverDowngrade,
      discountPercent: number(`tiers.${index}.discountPercent`, row.discountPercent, 0, 100),
    };
  });
  if (Object.keys(problems).length > 0) return { draft: null, problems };
  return {
    draft: {
      basis: form.basis,
      window:
        form.windowKind === 'rolling_months'
          ? { kind: 'rolling_months', months: windowMonths }
          : { kind: form.windowKind },
      retention:
        form.retentionKind === 'months'
          ? { kind: 'months', months: retentionMonths }
          : { kind: 'end_of_next_calendar_year' },
      downgrade: { policy: form.policy, graceDays, warnDaysBefore },
      tiers,
    },
    problems: null,
  };
}
