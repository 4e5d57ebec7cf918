// Conditions are compiled once per rule set into closures. At evaluation time a condition returns
// nothing when it holds, or the first failure in plain English with the actual value
// ("hour is 11; the rule needs 14–17"); failure messages are only built when something fails.
import { FIELDS, dayName, type FieldName, type FieldSpec, type Operator } from './fields.js';
import { normaliseScalar } from './field-values.js';
import { normaliseItemTerm } from './item-terms.js';
import {
  birthday,
  daysSinceJoined,
  daysSinceLastPurchase,
  type Facts,
  type LineFacts,
  type MatchSummary,
} from './facts.js';
import type { Condition, ConditionValue, FieldCondition, ItemMatch, ItemsCondition } from './rule.schema.js';
import { formatList, formatMoney } from './trace.js';

/** The first condition that failed and why. */
export interface ConditionFailure {
  /** Path of the failing condition, e.g. `conditions.all[1]`. */
  readonly path: string;
  readonly message: string;
  /** Identifies a cached failure (see FailureCache); 0 for one built for a single use. */
  readonly id: number;
}

let nextFailureId = 1;

/** A condition ready to run against the facts of an evaluation. */
export interface CompiledCondition {
  /** Undefined when the condition holds, else the first failure. */
  test(facts: Facts): ConditionFailure | undefined;
  /** Why the condition holds, for the message of a `not` that fails. */
  describe(facts: Facts): string;
}

/**
 * Hands out cache slots so that rules sharing an item match compute it once per evaluation, and numbers
 * condition nodes so that an evaluation tests and describes each at most once (see `memoised`).
 */
export class MatchSlots {
  private readonly slots = new Map<string, number>([['*', 0]]);
  private conditions = 0;
  /** A new condition node's memo slot. */
  nextConditionSlot(): number {
    return this.conditions++;
  }
  /** How many condition nodes an evaluation must provide memo slots for. */
  get conditionCount(): number {
    return this.conditions;
  }
  /** The slot of a match key, allocated on first sight. */
  slotOf(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(key, slot);
    }
    return slot;
  }
  /** How many slots an evaluation must provide. */
  get size(): number {
    return this.slots.size;
  }
}

/** An item match ready to run: which lines it selects and how to name them in messages. */
export interface CompiledItemMatch {
  readonly slot: number;
  /** "items of category coffee", or "all items". */
  readonly label: string;
  readonly test: (line: LineFacts) => boolean;
}

/** Compiles an item match; no match means every line. */
export function compileItemMatch(match: ItemMatch | undefined, slots: MatchSlots): CompiledItemMatch {
  if (match === undefined) return { slot: 0, label: 'all items', test: () => true };
  // Lines carry normalised terms (facts.ts); the rule's are normalised here too, so that a rule published
  // before saving normalised them matches the same way.
  const categories =
    match.categories === undefined ? undefined : new Set(match.categories.map(normaliseItemTerm));
  const skus = match.skus === undefined ? undefined : new Set(match.skus.map(normaliseItemTerm));
  const parts: string[] = [];
  if (match.categories)
    parts.push(`${match.categories.length > 1 ? 'categories' : 'category'} ${formatList(match.categories)}`);
  if (match.skus) parts.push(`${match.skus.length > 1 ? 'skus' : 'sku'} ${formatList(match.skus)}`);
  const key = JSON.stringify([[...(categories ?? [])].sort(), [...(skus ?? [])].sort()]);
  return {
    slot: slots.slotOf(key),
    label: `items of ${parts.join(' with ')}`,
    test: (line) =>
      (categories === undefined || (line.categoryKey !== undefined && categories.has(line.categoryKey))) &&
      (skus === undefined || skus.has(line.skuKey)),
  };
}

/**
 * The units bought and eligible spend of the lines a match selects. Without `claimed` the result covers all
 * lines and is cached for the evaluation; with it, only the lines not claimed yet (see stacking).
 */
export function summarise(match: CompiledItemMatch, facts: Facts, claimed?: Uint8Array): MatchSummary {
  let all = facts.matchCache[match.slot];
  if (all === undefined) {
    let quantity = 0;
    let spendMinor = 0;
    const lines: number[] = [];
    for (const line of facts.lines) {
      if (line.earnBaseMinor === 0 || !match.test(line)) continue;
      quantity += line.unitsBought;
      spendMinor += line.earnBaseMinor;
      lines.push(line.index);
    }
    all = { quantity, spendMinor, lines };
    facts.matchCache[match.slot] = all;
  }
  if (claimed === undefined) return all;
  let isAnyClaimed = false;
  for (const index of all.lines) if (claimed[index] !== 0) isAnyClaimed = true;
  if (!isAnyClaimed) return all;
  let quantity = 0;
  let spendMinor = 0;
  const lines: number[] = [];
  for (const index of all.lines) {
    const line = facts.lines[index];
    if (line === undefined || claimed[index] !== 0) continue;
    quantity += line.unitsBought;
    spendMinor += line.earnBaseMinor;
    lines.push(index);
  }
  return { quantity, spendMinor, lines };
}

type FieldValue = number | string | boolean | readonly string[];
type Reader = (facts: Facts) => FieldValue | null | undefined;

// Member fields read `undefined` for an anonymous purchase and `null`/`undefined` when the profile lacks them.
const READERS: Record<FieldName, Reader> = {
  'purchase.totalMinor': (f) => f.totalMinor,
  'purchase.earnBaseMinor': (f) => f.earnBaseMinor,
  'purchase.itemQuantity': (f) => f.itemQuantity,
  'purchase.currency': (f) => f.context.purchase.currency,
  'purchase.storeId': (f) => f.context.purchase.storeId,
  'purchase.channel': (f) => f.context.purchase.channel,
  'purchase.date': (f) => f.local.date,
  'purchase.dayOfWeek': (f) => f.local.dayOfWeek,
  'purchase.hour': (f) => f.local.hour,
  'member.tier': (f) => f.member?.tier,
  'member.clubs': (f) => f.member && (f.member.clubs ?? []),
  'member.tags': (f) => f.member && (f.member.tags ?? []),
  'member.segment': (f) => f.member?.segment,
  'member.purchaseCount': (f) => f.member?.purchaseCount,
  'member.daysSinceLastPurchase': (f) => (f.member ? daysSinceLastPurchase(f) : undefined),
  'member.isFirstPurchase': (f) =>
    f.member?.purchaseCount === undefined ? undefined : f.member.purchaseCount === 0,
  'member.daysUntilBirthday': (f) => (f.member ? birthday(f)?.daysUntil : undefined),
  'member.isBirthdayMonth': (f) => (f.member ? birthday(f)?.isThisMonth : undefined),
  'member.daysSinceJoined': (f) => (f.member ? daysSinceJoined(f) : undefined),
};

/** Formats one value of a field for a message ("12.50 EUR", "Tuesday", "yes"). */
function formatValue(spec: FieldSpec, value: unknown, facts: Facts): string {
  switch (spec.type) {
    case 'money':
      return formatMoney(Number(value), facts.context.purchase.currency);
    case 'dayOfWeek':
      return dayName(Number(value));
    case 'boolean':
      return value ? 'yes' : 'no';
    case 'stringList':
      return Array.isArray(value) ? formatList(value) : String(value);
    default:
      return String(value);
  }
}

type Scalar = number | string | boolean;

function requirement(spec: FieldSpec, op: Operator, expected: ConditionValue, facts: Facts): string {
  function one(value: unknown): string {
    return formatValue(spec, normaliseScalar(spec, value), facts);
  }
  function many(values: unknown): string {
    return Array.isArray(values) ? values.map(one).join(', ') : one(values);
  }
  const isList = spec.type === 'stringList';
  switch (op) {
    case 'eq':
      return one(expected);
    case 'ne':
      return `anything but ${one(expected)}`;
    case 'gt':
      return `more than ${one(expected)}`;
    case 'gte':
      return `at least ${one(expected)}`;
    case 'lt':
      return `less than ${one(expected)}`;
    case 'lte':
      return `at most ${one(expected)}`;
    case 'in':
      return isList ? `at least one of ${many(expected)} among them` : `one of ${many(expected)}`;
    case 'notIn':
      return isList ? `none of ${many(expected)} among them` : `none of ${many(expected)}`;
    case 'between': {
      const range = expected as { min: unknown; max: unknown };
      return `${one(range.min)}–${one(range.max)}`;
    }
    case 'contains':
      return `${one(expected)} among them`;
  }
}

function makeComparator(
  spec: FieldSpec,
  op: Operator,
  expected: ConditionValue,
): (actual: FieldValue) => boolean {
  const norm = (value: unknown): Scalar => normaliseScalar(spec, value);
  switch (op) {
    case 'eq': {
      const target = norm(expected);
      return (actual) => actual === target;
    }
    case 'ne': {
      const target = norm(expected);
      return (actual) => actual !== target;
    }
    case 'gt': {
      const target = norm(expected);
      return (actual) => (actual as Scalar) > target;
    }
    case 'gte': {
      const target = norm(expected);
      return (actual) => (actual as Scalar) >= target;
    }
    case 'lt': {
      const target = norm(expected);
      return (actual) => (actual as Scalar) < target;
    }
    case 'lte': {
      const target = norm(expected);
      return (actual) => (actual as Scalar) <= target;
    }
    case 'between': {
      const range = expected as { min: unknown; max: unknown };
      const [min, max] = [norm(range.min), norm(range.max)];
      return (actual) => (actual as Scalar) >= min && (actual as Scalar) <= max;
    }
    case 'in':
    case 'notIn': {
      const targets = new Set((expected as unknown[]).map(norm));
      const isIn =
        spec.type === 'stringList'
          ? (actual: FieldValue) => {
              for (const value of actual as readonly string[]) if (targets.has(value)) return true;
              return false;
            }
          : (actual: FieldValue) => targets.has(actual as Scalar);
      return op === 'in' ? isIn : (actual) => !isIn(actual);
    }
    case 'contains': {
      const target = String(expected);
      return (actual) => (actual as readonly string[]).includes(target);
    }
  }
}

// Building failure messages is most of the cost of a trace, yet a condition meets few distinct actual values
// (24 hours, a handful of tiers), so each compiled condition keeps the failures it built, per currency.
class FailureCache {
  private currency: string | undefined;
  private readonly byValue = new Map<number | string | boolean, ConditionFailure>();

  get(currency: string, key: number | string | boolean): ConditionFailure | undefined {
    if (currency !== this.currency) {
      this.byValue.clear();
      this.currency = currency;
      return undefined;
    }
    return this.byValue.get(key);
  }

  set(key: number | string | boolean, path: string, message: string): ConditionFailure {
    if (this.byValue.size >= 256) this.byValue.clear();
    const failure = { path, message, id: nextFailureId++ };
    this.byValue.set(key, failure);
    return failure;
  }
}

function compileField(condition: FieldCondition, path: string): CompiledCondition {
  const spec: FieldSpec = FIELDS[condition.field];
  const read = READERS[condition.field];
  const holds = makeComparator(spec, condition.op, condition.value);
  // The wording of what the rule needs only depends on the currency (for money), so it is built once per
  // currency rather than on every failure.
  let needsCurrency: string | undefined;
  let needsText = '';
  const needs = (facts: Facts): string => {
    if (needsCurrency !== facts.context.purchase.currency) {
      needsCurrency = facts.context.purchase.currency;
      needsText = requirement(spec, condition.op, condition.value, facts);
    }
    return needsText;
  };
  const actualText = (actual: FieldValue, facts: Facts): string =>
    `${spec.label} ${spec.type === 'stringList' ? 'are' : 'is'} ${formatValue(spec, actual, facts)}`;
  function mismatch(actual: FieldValue, facts: Facts): string {
    return `${actualText(actual, facts)}; the rule needs ${needs(facts)}`;
  }
  const failures = new FailureCache();
  return {
    test(facts) {
      const actual = read(facts);
      if (actual !== null && actual !== undefined) {
        if (holds(actual)) return undefined;
        if (typeof actual === 'object') return { path, message: mismatch(actual, facts), id: 0 };
        return (
          failures.get(facts.context.purchase.currency, actual) ??
          failures.set(actual, path, mismatch(actual, facts))
        );
      }
      const unknown =
        facts.member === undefined && condition.field.startsWith('member.')
          ? 'unknown (no member)'
          : 'unknown';
      return { path, message: `${spec.label} is ${unknown}; the rule needs ${needs(facts)}`, id: 0 };
    },
    describe(facts) {
      const actual = read(facts);
      return `${actualText(actual ?? '', facts)} (${needs(facts)})`;
    },
  };
}

function compileItems(condition: ItemsCondition, path: string, slots: MatchSlots): CompiledCondition {
  const { minQuantity, minSpendMinor } = condition.items;
  const match = compileItemMatch(condition.items, slots);
  // Without an explicit minimum, an item condition means "at least one eligible matching unit".
  const needQuantity = minQuantity ?? (minSpendMinor === undefined ? 1 : undefined);
  const describe = (summary: MatchSummary, facts: Facts): string =>
    `${match.label}: quantity is ${summary.quantity}, spend is ${formatMoney(summary.spendMinor, facts.context.purchase.currency)}`;
  const quantityFailures = new FailureCache();
  return {
    test(facts) {
      const summary = summarise(match, facts);
      const currency = facts.context.purchase.currency;
      if (needQuantity !== undefined && summary.quantity < needQuantity) {
        return (
          quantityFailures.get(currency, summary.quantity) ??
          quantityFailures.set(
            summary.quantity,
            path,
            `${match.label}: quantity is ${summary.quantity}; the rule needs at least ${needQuantity}`,
          )
        );
      }
      if (minSpendMinor !== undefined && summary.spendMinor < minSpendMinor) {
        return {
          path,
          message: `${match.label}: spend is ${formatMoney(summary.spendMinor, currency)}; the rule needs at least ${formatMoney(minSpendMinor, currency)}`,
          id: 0,
        };
      }
      return undefined;
    },
    describe: (facts) => describe(summarise(match, facts), facts),
  };
}

/**
 * A node whose test and description are computed at most once per evaluation. A `not` explains its failure
 * with its child's description, and an `any` explains itself by the child that holds; without the memo
 * both re-test their subtree, which made nested `not`s cost exponential time in their depth (each level
 * tested its child once and described it once, and describing a `not` tests its child again).
 */
function memoised(slot: number, node: CompiledCondition): CompiledCondition {
  return {
    test(facts) {
      const memo = facts.conditions;
      const known = memo.tests[slot];
      if (known !== undefined) return known === null ? undefined : known;
      memo.visits++;
      const failure = node.test(facts);
      memo.tests[slot] = failure ?? null;
      return failure;
    },
    describe(facts) {
      const memo = facts.conditions;
      const descriptions = (memo.descriptions ??= []);
      const known = descriptions[slot];
      if (known !== undefined) return known;
      memo.visits++;
      const text = node.describe(facts);
      descriptions[slot] = text;
      return text;
    },
  };
}

/**
 * Compiles a condition tree; `path` is where it sits in the rule (`conditions`). Only nodes below a `not`
 * or an `any` can be asked twice (their ancestor's description asks again), so only those are memoised:
 * the common rule (a field, or an `all` of fields) pays nothing for the guarantee.
 */
export function compileCondition(
  condition: Condition,
  path: string,
  slots: MatchSlots,
  isAskedAgain = false,
): CompiledCondition {
  const node = compileNode(condition, path, slots, isAskedAgain);
  return isAskedAgain ? memoised(slots.nextConditionSlot(), node) : node;
}

function compileNode(
  condition: Condition,
  path: string,
  slots: MatchSlots,
  isAskedAgain: boolean,
): CompiledCondition {
  if ('all' in condition) {
    const parts = condition.all.map((part, index) =>
      compileCondition(part, `${path}.all[${index}]`, slots, isAskedAgain),
    );
    return {
      test(facts) {
        for (const part of parts) {
          const failure = part.test(facts);
          if (failure !== undefined) return failure;
        }
        return undefined;
      },
      describe: (facts) => parts.map((part) => part.describe(facts)).join(' and '),
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((part, index) =>
      compileCondition(part, `${path}.any[${index}]`, slots, true),
    );
    // Children mostly return cached failures; the same children give the same combined failure.
    const combined = new Map<string, ConditionFailure>();
    return {
      test(facts) {
        const failures: ConditionFailure[] = [];
        let key = '';
        let isCacheable = true;
        for (const part of parts) {
          const failure = part.test(facts);
          if (failure === undefined) return undefined;
          failures.push(failure);
          if (failure.id === 0) isCacheable = false;
          else key += `${failure.id},`;
        }
        if (!isCacheable) key = '';
        const cached = key === '' ? undefined : combined.get(key);
        if (cached !== undefined) return cached;
        let message = 'none of the alternatives holds: ';
        failures.forEach(
          (failure, index) => (message += index === 0 ? failure.message : ` / ${failure.message}`),
        );
        if (key === '') return { path, message, id: 0 };
        if (combined.size >= 256) combined.clear();
        const failure = { path, message, id: nextFailureId++ };
        combined.set(key, failure);
        return failure;
      },
      describe(facts) {
        const holding = parts.find((part) => part.test(facts) === undefined);
        return holding === undefined ? '' : holding.describe(facts);
      },
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, `${path}.not`, slots, true);
    return {
      test(facts) {
        if (inner.test(facts) !== undefined) return undefined;
        return { path, message: `${inner.describe(facts)}; the rule excludes that`, id: 0 };
      },
      describe: (facts) => `not (${inner.test(facts)?.message ?? ''})`,
    };
  }
  if ('items' in condition) return compileItems(condition, path, slots);
  return compileField(condition, path);
}
