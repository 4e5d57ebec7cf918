// The facts of one evaluation, derived once from the context and shared by every rule: local time, the
// earn base of each line, member figures. Member figures that need more time-zone work are computed on
// first use, because most rule sets never read them.
import type { EvaluationContext, MemberProfile } from './context.schema.js';
import { normaliseItemTerm } from './item-terms.js';
import { dayNumberOf, localTime, toEpochMs, type LocalTime } from './local-time.js';

/** One purchase line as the rules see it. */
export interface LineFacts {
  readonly index: number;
  readonly sku: string;
  readonly category: string | undefined;
  /** `sku` and `category` as item matches compare them (see item-terms.ts). */
  readonly skuKey: string;
  readonly categoryKey: string | undefined;
  readonly quantity: number;
  /** quantity × unit price. */
  readonly grossMinor: number;
  /** What earns: gross − discount − paid with points, 0 for lines excluded from earn. */
  readonly earnBaseMinor: number;
  /**
   * Units bought: the whole quantity, whatever the discount on them, or 0 when nothing of the line earns
   * (excluded from earn, or its whole price discounted or paid with points: a free coffee earns no stamp).
   * Discounts belong in amount-based effects, which use `earnBaseMinor`.
   */
  readonly unitsBought: number;
}

/** The matching lines' units bought and eligible spend, and which lines they are. */
export interface MatchSummary {
  readonly quantity: number;
  readonly spendMinor: number;
  readonly lines: readonly number[];
}

/** Everything rules read about one purchase; built once per evaluation. */
export interface Facts {
  readonly context: EvaluationContext;
  readonly epochMs: number;
  readonly local: LocalTime;
  readonly lines: readonly LineFacts[];
  readonly totalMinor: number;
  readonly earnBaseMinor: number;
  readonly itemQuantity: number;
  readonly member: MemberProfile | undefined;
  /** Summaries of item matches over all lines, by compiled match slot (filled on first use). */
  readonly matchCache: (MatchSummary | undefined)[];
  /** Condition results of this evaluation, by compiled condition slot. */
  readonly conditions: ConditionMemo;
  /** Lazily computed member figures; `null` means "not known". */
  memo: {
    daysSinceLastPurchase?: number | null;
    daysSinceJoined?: number | null;
    birthday?: Birthday | null;
  };
}

/**
 * Per evaluation, what each compiled condition node answered (`null`: it holds) and how it was described,
 * so that no node is computed twice; `visits` counts the memoised nodes actually computed.
 */
export interface ConditionMemo {
  readonly tests: (ConditionFailureLike | null | undefined)[];
  /** Created on the first description: most evaluations describe nothing. */
  descriptions: (string | undefined)[] | undefined;
  visits: number;
}

/** A condition failure as the memo stores it (see conditions.ts). */
export interface ConditionFailureLike {
  readonly path: string;
  readonly message: string;
  readonly id: number;
}

interface Birthday {
  readonly daysUntil: number;
  readonly isThisMonth: boolean;
}

/** Derives the facts of a context. */
export function buildFacts(context: EvaluationContext, matchSlots: number, conditionSlots = 0): Facts {
  const epochMs = toEpochMs(context.now);
  const lines: LineFacts[] = [];
  let totalMinor = 0;
  let earnBaseMinor = 0;
  let itemQuantity = 0;
  const items = context.purchase.items;
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const grossMinor = item.quantity * item.unitPriceMinor;
    const discountMinor = item.discountMinor ?? 0;
    const earnBase = item.isExcludedFromEarn
      ? 0
      : Math.max(0, grossMinor - discountMinor - (item.paidWithPointsMinor ?? 0));
    const unitsBought = earnBase > 0 ? item.quantity : 0;
    lines.push({
      index,
      sku: item.sku,
      category: item.category,
      skuKey: normaliseItemTerm(item.sku),
      categoryKey: item.category === undefined ? undefined : normaliseItemTerm(item.category),
      quantity: item.quantity,
      grossMinor,
      earnBaseMinor: earnBase,
      unitsBought,
    });
    totalMinor += Math.max(0, grossMinor - discountMinor);
    earnBaseMinor += earnBase;
    itemQuantity += item.quantity;
  }
  return {
    context,
    epochMs,
    local: localTime(epochMs, context.timeZone),
    lines,
    totalMinor: context.purchase.totalMinor ?? totalMinor,
    earnBaseMinor,
    itemQuantity,
    member: context.member,
    matchCache: new Array<MatchSummary | undefined>(matchSlots),
    conditions: {
      tests: new Array<ConditionFailureLike | null | undefined>(conditionSlots),
      descriptions: undefined,
      visits: 0,
    },
    memo: {},
  };
}

function daysSince(facts: Facts, instant: string | number | undefined): number | null {
  if (instant === undefined) return null;
  const then = localTime(toEpochMs(instant), facts.context.timeZone);
  return Math.max(0, facts.local.dayNumber - then.dayNumber);
}

/** Calendar days from the member's last purchase to this one, in the program's time zone. */
export function daysSinceLastPurchase(facts: Facts): number | null {
  if (facts.memo.daysSinceLastPurchase === undefined) {
    facts.memo.daysSinceLastPurchase = daysSince(facts, facts.member?.lastPurchaseAt);
  }
  return facts.memo.daysSinceLastPurchase;
}

/** Calendar days from the member joining to this purchase, in the program's time zone. */
export function daysSinceJoined(facts: Facts): number | null {
  if (facts.memo.daysSinceJoined === undefined)
    facts.memo.daysSinceJoined = daysSince(facts, facts.member?.joinedAt);
  return facts.memo.daysSinceJoined;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

// A 29 February birthday is celebrated on 28 February in common years.
function birthdayIn(year: number, month: number, day: number): number {
  return dayNumberOf(year, month, month === 2 && day === 29 && !isLeapYear(year) ? 28 : day);
}

/** The member's birthday relative to the purchase date, or null when the birth date is not known. */
export function birthday(facts: Facts): Birthday | null {
  if (facts.memo.birthday !== undefined) return facts.memo.birthday;
  const birthDate = facts.member?.birthDate;
  let result: Birthday | null = null;
  if (birthDate !== undefined) {
    const [month, day] = birthDate.slice(-5).split('-').map(Number) as [number, number];
    const { year, dayNumber } = facts.local;
    let next = birthdayIn(year, month, day);
    if (next < dayNumber) next = birthdayIn(year + 1, month, day);
    result = { daysUntil: next - dayNumber, isThisMonth: month === facts.local.month };
  }
  facts.memo.birthday = result;
  return result;
}
