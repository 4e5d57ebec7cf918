// The typed fields a condition can read. Each field declares its type so that validation can reject a
// comparison that could never be true (`gt` against a string, `contains` on a number) at save time.

/** The value type of a condition field; decides which operators and values are allowed. */
export type FieldType = 'number' | 'money' | 'string' | 'date' | 'dayOfWeek' | 'boolean' | 'stringList';

/** How a field is described to validation and to the trace. */
export interface FieldSpec {
  readonly type: FieldType;
  /** Plain-English name used in trace messages ("member tier is silver"). */
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
}

/** Every field a condition can compare, with its type and its plain-English label. */
export const FIELDS = {
  'purchase.totalMinor': { type: 'money', label: 'purchase total', min: 0 },
  'purchase.earnBaseMinor': { type: 'money', label: 'eligible spend', min: 0 },
  'purchase.itemQuantity': { type: 'number', label: 'number of items', min: 0 },
  'purchase.currency': { type: 'string', label: 'currency' },
  'purchase.storeId': { type: 'string', label: 'store' },
  'purchase.channel': { type: 'string', label: 'channel' },
  'purchase.date': { type: 'date', label: 'date' },
  'purchase.dayOfWeek': { type: 'dayOfWeek', label: 'day of week' },
  'purchase.hour': { type: 'number', label: 'hour', min: 0, max: 23 },
  'member.tier': { type: 'string', label: 'member tier' },
  'member.clubs': { type: 'stringList', label: 'member clubs' },
  'member.tags': { type: 'stringList', label: 'member tags' },
  'member.segment': { type: 'string', label: 'member segment' },
  'member.purchaseCount': { type: 'number', label: 'number of previous purchases', min: 0 },
  'member.daysSinceLastPurchase': { type: 'number', label: 'days since the last purchase', min: 0 },
  'member.isFirstPurchase': { type: 'boolean', label: 'first purchase' },
  'member.daysUntilBirthday': { type: 'number', label: 'days until the birthday', min: 0, max: 366 },
  'member.isBirthdayMonth': { type: 'boolean', label: 'birthday month' },
  'member.daysSinceJoined': { type: 'number', label: 'days since joining', min: 0 },
} as const satisfies Record<string, FieldSpec>;

/** The name of a condition field, e.g. `purchase.hour`. */
export type FieldName = keyof typeof FIELDS;

/** All field names, in documentation order. */
export const FIELD_NAMES = Object.keys(FIELDS) as [FieldName, ...FieldName[]];

/** Comparison operators of a field condition. */
export const OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'notIn',
  'between',
  'contains',
] as const;
/** A comparison operator of a field condition. */
export type Operator = (typeof OPERATORS)[number];

// Which operators make sense for which field type. `contains` is list membership, so it only applies to
// list fields; ordering operators need an ordered type.
const ORDERED: readonly Operator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'between'];
/** The operators each field type accepts. */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  number: ORDERED,
  money: ORDERED,
  date: ORDERED,
  dayOfWeek: ORDERED,
  string: ['eq', 'ne', 'in', 'notIn'],
  boolean: ['eq', 'ne'],
  stringList: ['contains', 'in', 'notIn'],
};

/** ISO day names, Monday = 1; three-letter abbreviations are accepted too. */
export const DAY_NAMES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
/** A day of week as written in a rule: 1–7 (Monday = 1) or a name such as "monday" or "mon". */
export type DayOfWeekValue = number | string;

/** Turns a day of week as written in a rule into 1–7 (Monday = 1), or undefined if it is not a day. */
export function dayNumber(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 1 && value <= 7 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  const index = DAY_NAMES.findIndex((name) => name === lower || name.slice(0, 3) === lower);
  return index >= 0 ? index + 1 : undefined;
}

/** The English name of a day number ("Tuesday"). */
export function dayName(day: number): string {
  const name = DAY_NAMES[day - 1] ?? String(day);
  return name.charAt(0).toUpperCase() + name.slice(1);
}
