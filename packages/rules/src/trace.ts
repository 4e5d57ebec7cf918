// The trace answers "why didn't I earn?" for every rule. These are its types and the small formatting
// helpers that keep its wording consistent across conditions, schedules, audiences and limits.
import type { EmittedEffect } from './effects.js';

/** Why a rule that did not fail its conditions still gave nothing. */
export type SkipReason = 'schedule' | 'audience' | 'limit' | 'budget' | 'stacking' | 'nothing';

/** The trace of one rule in one evaluation. */
export type TraceEntry = {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly ruleName: string;
  /** Plain English: what it gave, or why not. */
  readonly message: string;
  /** Points given by this rule (0 unless applied). */
  readonly points: number;
} & (
  | {
      readonly outcome: 'applied';
      /** Non-point effects this rule emitted. */
      readonly effects: readonly EmittedEffect[];
      /** Indexes of the purchase lines whose spend or units this rule's points were computed from. */
      readonly lines: readonly number[];
      /** Set when a cap reduced the points: the effect's maxPoints, a limit or the budget. */
      readonly cappedBy?: 'maxPoints' | 'limit' | 'budget';
    }
  | {
      readonly outcome: 'notMatched';
      /** Path of the first condition that failed, e.g. `conditions.all[1]`. */
      readonly conditionPath: string;
    }
  | { readonly outcome: 'skipped'; readonly reason: SkipReason }
);

const digitsByCurrency = new Map<string, number>();

function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** Formats minor units for a message: 1250 EUR → "12.50 EUR". */
export function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return `${amountMinor} ${currency}`;
  const unit = 10 ** digits;
  const whole = Math.floor(amountMinor / unit);
  const fraction = String(amountMinor - whole * unit).padStart(digits, '0');
  return `${whole}.${fraction} ${currency}`;
}

/** Lists values for a message: "gold, platinum", or "none" for an empty list. */
export function formatList(values: readonly unknown[]): string {
  return values.length === 0 ? 'none' : values.map(String).join(', ');
}

/** "1 point" / "12 points". */
export function formatPoints(points: number): string {
  return points === 1 ? '1 point' : `${points} points`;
}
