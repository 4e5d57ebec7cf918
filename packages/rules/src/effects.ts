// Effects are compiled once per rule set. Point effects compute integer points (and which lines they
// counted); the other effects are emitted as typed objects for the module that carries them out
// (stamp cards, coupons, member tags).
import { z } from 'zod';
import { compileItemMatch, summarise, type MatchSlots } from './conditions.js';
import type { Facts } from './facts.js';
import { mulDiv } from './integer-math.js';
import type { Effect, Rule } from './rule.schema.js';
import { formatMoney, formatPoints } from './trace.js';

const RuleRef = { ruleId: z.string(), ruleVersion: z.number().int() };

/** Stamps were added to a member's stamp card; `rewardsUnlocked` full cards unlock the card's reward. */
export const StampsAdded = z.object({
  type: z.literal('stampsAdded'),
  ...RuleRef,
  cardId: z.string(),
  stamps: z.number().int(),
  /** Stamps on the card before this purchase (from the context). */
  balanceBefore: z.number().int(),
  /** Stamps left on the card once full cards are taken off. */
  balanceAfter: z.number().int(),
  /** Stamps per card, from `stampCardThresholds`; null when the context does not know the card. */
  threshold: z.number().int().nullable(),
  rewardsUnlocked: z.number().int(),
});
/** A coupon should be issued to the member from a coupon template. */
export const CouponIssued = z.object({
  type: z.literal('couponIssued'),
  ...RuleRef,
  couponTemplateId: z.string(),
  quantity: z.number().int(),
});
/** A tag should be added to the member. */
export const MemberTagAdded = z.object({ type: z.literal('memberTagAdded'), ...RuleRef, tag: z.string() });
/** A tag should be removed from the member. */
export const MemberTagRemoved = z.object({
  type: z.literal('memberTagRemoved'),
  ...RuleRef,
  tag: z.string(),
});

/** An effect another module carries out, emitted by `evaluate`. */
export const EmittedEffect = z.discriminatedUnion('type', [
  StampsAdded,
  CouponIssued,
  MemberTagAdded,
  MemberTagRemoved,
]);
export type EmittedEffect = z.infer<typeof EmittedEffect>;

/** The points one effect would give. */
export interface PointsRun {
  readonly points: number;
  readonly lines: readonly number[];
  readonly isCapped: boolean;
  /** What the effect computed and on which base: "1 point per 1.00 EUR on the amount paid, 42.50 EUR for all items". */
  readonly detail: string;
}

/** What point effects may read while running. */
export interface PointsEnv {
  readonly facts: Facts;
  /** Lines claimed by stacking-group winners (non-zero = claimed) do not count; undefined: all lines count. */
  readonly claimed: Uint8Array | undefined;
  /** Points already given, by compiled rule index (for multipliers). */
  readonly points: readonly number[];
}

/** A compiled effect that gives points. */
export type CompiledPointsEffect = (env: PointsEnv) => PointsRun;

/** A compiled effect that emits something; `stampBalances` carries card balances across rules. */
export type CompiledSideEffect = (
  facts: Facts,
  stampBalances: Map<string, number>,
) => EmittedEffect | undefined;

/** The compiled effects of one rule. */
export interface CompiledEffects {
  readonly points: readonly CompiledPointsEffect[];
  readonly side: readonly CompiledSideEffect[];
}

function cap(points: number, maxPoints: number | undefined): number {
  return maxPoints !== undefined && points > maxPoints ? maxPoints : points;
}

function capNote(isCapped: boolean, maxPoints: number | undefined): string {
  return isCapped ? `, capped at ${formatPoints(maxPoints ?? 0)}` : '';
}

function factorText(basisPoints: number): string {
  return `${basisPoints / 10_000}×`;
}

function compilePointsEffect(
  effect: Exclude<Effect, { type: 'addStamps' | 'issueCoupon' | 'addMemberTag' | 'removeMemberTag' }>,
  slots: MatchSlots,
  targets: readonly number[],
): CompiledPointsEffect {
  switch (effect.type) {
    case 'awardFixedPoints':
      return () => ({
        points: effect.points,
        lines: [],
        isCapped: false,
        detail: `${formatPoints(effect.points)} fixed`,
      });
    case 'awardPointsPerSpend': {
      const match = compileItemMatch(effect.items, slots);
      // The rate's wording only changes with the currency; build it once per currency.
      let rateCurrency: string | undefined;
      let rateText = '';
      return ({ facts, claimed }) => {
        const summary = summarise(match, facts, claimed);
        const uncapped = mulDiv(summary.spendMinor, effect.points, effect.perAmountMinor, effect.rounding);
        const points = cap(uncapped, effect.maxPoints);
        const isCapped = points < uncapped;
        const currency = facts.context.purchase.currency;
        if (currency !== rateCurrency) {
          rateCurrency = currency;
          rateText = `${formatPoints(effect.points)} per ${formatMoney(effect.perAmountMinor, currency)} on the amount paid, `;
        }
        return {
          points,
          lines: summary.lines,
          isCapped,
          detail: `${rateText}${formatMoney(summary.spendMinor, currency)} for ${match.label}${capNote(isCapped, effect.maxPoints)}`,
        };
      };
    }
    case 'awardPointsPerItem': {
      const match = compileItemMatch(effect.items, slots);
      return ({ facts, claimed }) => {
        const summary = summarise(match, facts, claimed);
        const uncapped = summary.quantity * effect.points;
        const points = cap(uncapped, effect.maxPoints);
        const isCapped = points < uncapped;
        return {
          points,
          lines: summary.lines,
          isCapped,
          detail: `${formatPoints(effect.points)} per unit on the units bought, ${summary.quantity} for ${match.label}${capNote(isCapped, effect.maxPoints)}`,
        };
      };
    }
    case 'multiplyPoints':
      return ({ points: given }) => {
        let base = 0;
        for (const target of targets) base += given[target] ?? 0;
        const uncapped = mulDiv(base, effect.factorBasisPoints - 10_000, 10_000, effect.rounding);
        const points = cap(uncapped, effect.maxPoints);
        const isCapped = points < uncapped;
        return {
          points,
          lines: [],
          isCapped,
          detail: `${factorText(effect.factorBasisPoints)} of ${formatPoints(base)} from the rules it multiplies${capNote(isCapped, effect.maxPoints)}`,
        };
      };
  }
}

function compileSideEffect(
  effect: Extract<Effect, { type: 'addStamps' | 'issueCoupon' | 'addMemberTag' | 'removeMemberTag' }>,
  rule: Rule,
  slots: MatchSlots,
): CompiledSideEffect {
  const { id: ruleId, version: ruleVersion } = rule;
  switch (effect.type) {
    case 'addStamps': {
      const match = effect.items === undefined ? undefined : compileItemMatch(effect.items, slots);
      return (facts, stampBalances) => {
        const quantity = match === undefined ? 1 : summarise(match, facts).quantity;
        const stamps = effect.per === 'item' ? effect.stamps * quantity : quantity > 0 ? effect.stamps : 0;
        if (stamps === 0) return undefined;
        const balanceBefore =
          stampBalances.get(effect.cardId) ?? facts.member?.stampCards?.[effect.cardId] ?? 0;
        const total = balanceBefore + stamps;
        const threshold = facts.context.stampCardThresholds?.[effect.cardId] ?? null;
        const balanceAfter = threshold === null ? total : total % threshold;
        stampBalances.set(effect.cardId, balanceAfter);
        return {
          type: 'stampsAdded',
          ruleId,
          ruleVersion,
          cardId: effect.cardId,
          stamps,
          balanceBefore,
          balanceAfter,
          threshold,
          rewardsUnlocked: threshold === null ? 0 : Math.floor(total / threshold),
        };
      };
    }
    case 'issueCoupon':
      return () => ({
        type: 'couponIssued',
        ruleId,
        ruleVersion,
        couponTemplateId: effect.couponTemplateId,
        quantity: effect.quantity,
      });
    case 'addMemberTag':
      return () => ({ type: 'memberTagAdded', ruleId, ruleVersion, tag: effect.tag });
    case 'removeMemberTag':
      return () => ({ type: 'memberTagRemoved', ruleId, ruleVersion, tag: effect.tag });
  }
}

/** Compiles a rule's effects; `targetsOf` gives the compiled indexes a multiplier effect multiplies. */
export function compileEffects(
  rule: Rule,
  slots: MatchSlots,
  targetsOf: (effectIndex: number) => readonly number[],
): CompiledEffects {
  const points: CompiledPointsEffect[] = [];
  const side: CompiledSideEffect[] = [];
  rule.effects.forEach((effect, index) => {
    if (
      effect.type === 'addStamps' ||
      effect.type === 'issueCoupon' ||
      effect.type === 'addMemberTag' ||
      effect.type === 'removeMemberTag'
    ) {
      side.push(compileSideEffect(effect, rule, slots));
    } else {
      points.push(compilePointsEffect(effect, slots, targetsOf(index)));
    }
  });
  return { points, side };
}

/**
 * Describes an emitted effect for the trace ("added 1 stamp to the stamp card (9 → 0 of 10, 1 reward unlocked)").
 * The card is not named: its id is a database id that staff screens must not show (the effect carries it).
 */
export function describeEffect(effect: EmittedEffect): string {
  switch (effect.type) {
    case 'stampsAdded': {
      const stamps = effect.stamps === 1 ? '1 stamp' : `${effect.stamps} stamps`;
      if (effect.threshold === null)
        return `added ${stamps} to the stamp card (${effect.balanceBefore} → ${effect.balanceAfter}; the card's threshold is not known)`;
      const unlocked =
        effect.rewardsUnlocked > 0
          ? `, ${effect.rewardsUnlocked} reward${effect.rewardsUnlocked > 1 ? 's' : ''} unlocked`
          : '';
      return `added ${stamps} to the stamp card (${effect.balanceBefore} → ${effect.balanceAfter} of ${effect.threshold}${unlocked})`;
    }
    case 'couponIssued':
      return `issued ${effect.quantity} coupon${effect.quantity > 1 ? 's' : ''} from template ${effect.couponTemplateId}`;
    case 'memberTagAdded':
      return `added member tag ${effect.tag}`;
    case 'memberTagRemoved':
      return `removed member tag ${effect.tag}`;
  }
}
