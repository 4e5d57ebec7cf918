// The JSON rule language. Schemas and their inferred types sit side by side; everything a marketer can
// get wrong is rejected here, so a rule that parses can always be evaluated.
import { z } from 'zod';
import { FIELD_NAMES, OPERATORS, dayNumber, type DayOfWeekValue } from './fields.js';
import { fieldConditionProblems, isIsoDate } from './field-values.js';

/** Hard bounds that keep every rule's points finite and integer maths exact. */
export const RULE_BOUNDS = {
  /** Largest fixed award. */
  maxFixedPoints: 100_000,
  /** Largest `points` of a per-spend or per-item award. */
  maxRatePoints: 1_000,
  /** Largest cap (`maxPoints`) on any effect, limit or budget. */
  maxPointsCap: 10_000_000,
  /** Without a `maxPoints` cap, a per-spend award may give at most 1 point per minor unit (100 per €1). */
  maxUncappedPointsPerMinorUnit: 1,
  /** Without a `maxPoints` cap, a per-item award may give at most this many points per unit. */
  maxUncappedPointsPerItem: 100,
  /** A multiplier factor is at most 10× (100,000 basis points) … */
  maxFactorBasisPoints: 100_000,
  /** … and so is the product of factors along any chain of multipliers in a rule set. */
  maxChainFactorBasisPoints: 100_000,
  maxStampsPerEffect: 100,
  maxStampThreshold: 1_000,
} as const;

const Name = z.string().min(1).max(100);
const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'expected an id of lowercase letters, digits, ".", "_" or "-" (at most 64)',
  );
const PointsCap = z.number().int().min(1).max(RULE_BOUNDS.maxPointsCap);

/** A value a field condition compares against; its exact type depends on the field and operator. */
export const ConditionValue = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.array(z.union([z.number(), z.string()])),
  z.object({ min: z.union([z.number(), z.string()]), max: z.union([z.number(), z.string()]) }),
]);
export type ConditionValue = z.infer<typeof ConditionValue>;

/** A comparison of one context field, e.g. `{ "field": "purchase.hour", "op": "between", "value": { "min": 14, "max": 17 } }`. */
export const FieldCondition = z
  .object({
    // Unknown fields and operators get their own wording from the error map in issues.ts.
    field: z.enum(FIELD_NAMES),
    op: z.enum(OPERATORS),
    // Checked against the field's type in superRefine below, hence `unknown` at the structural level.
    value: z.unknown(),
  })
  .strict()
  .superRefine((condition, ctx) => {
    if (condition.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'required' });
      return;
    }
    for (const problem of fieldConditionProblems(condition.field, condition.op, condition.value)) {
      ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    }
  })
  .transform((condition) => condition as typeof condition & { value: ConditionValue });
export type FieldCondition = z.infer<typeof FieldCondition>;

/** Which purchase lines an item condition or an effect looks at: any category and/or any sku listed. */
export const ItemMatch = z
  .object({ categories: z.array(Name).min(1).optional(), skus: z.array(Name).min(1).optional() })
  .strict()
  .refine((match) => match.categories !== undefined || match.skus !== undefined, {
    message: 'give categories or skus',
  });
export type ItemMatch = z.infer<typeof ItemMatch>;

/** "Items in category coffee, quantity ≥ 2": the matching lines' units bought and amount paid. */
export const ItemsCondition = z
  .object({
    items: z
      .object({
        categories: z.array(Name).min(1).optional(),
        skus: z.array(Name).min(1).optional(),
        minQuantity: z.number().int().min(1).max(1_000_000).optional(),
        minSpendMinor: z.number().int().min(1).optional(),
      })
      .strict()
      .refine((items) => items.categories !== undefined || items.skus !== undefined, {
        message: 'give categories or skus',
      }),
  })
  .strict();
export type ItemsCondition = z.infer<typeof ItemsCondition>;

/** A condition tree: `all`, `any`, `not`, a field comparison or an item condition. */
export type Condition =
  { all: Condition[] } | { any: Condition[] } | { not: Condition } | FieldCondition | ItemsCondition;

/** The keys that tell the kinds of condition apart, in the order of the union below. */
export const CONDITION_KEYS = ['all', 'any', 'not', 'field', 'items'] as const;

/** A condition tree: `all`, `any`, `not`, a field comparison or an item condition. */
// Built once, on first use: zod called the lazy getter this replaces on every parse, and building the union cost
// more than parsing with it. The branch is picked by the condition's key (the first of CONDITION_KEYS it
// has, as `flatten` does when it reports a failure), so a condition is parsed by one branch instead of
// failing through the others first (a failed branch builds a ZodError: that was most of validation's
// time). Without a key the union answers, and `flatten` reports "expected a condition".
let conditionBranches: readonly z.ZodTypeAny[] | undefined;
let conditionUnion: z.ZodTypeAny | undefined;

/** Parses a condition with the branch its key names (the union without a key), in the caller's context. */
class ConditionSchema extends z.ZodType<Condition, z.ZodTypeDef, unknown> {
  _parse(input: z.ParseInput): z.ParseReturnType<Condition> {
    const { ctx } = this._processInputParams(input);
    conditionBranches ??= [
      z.object({ all: z.array(Condition).min(1) }).strict(),
      z.object({ any: z.array(Condition).min(1) }).strict(),
      z.object({ not: Condition }).strict(),
      FieldCondition,
      ItemsCondition,
    ];
    conditionUnion ??= z.union(conditionBranches as [z.ZodTypeAny, z.ZodTypeAny, ...z.ZodTypeAny[]]);
    const value: unknown = ctx.data;
    const key =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? CONDITION_KEYS.find((candidate) => candidate in value)
        : undefined;
    const schema = key === undefined ? conditionUnion : conditionBranches[CONDITION_KEYS.indexOf(key)]!;
    return schema._parse({ data: ctx.data, path: ctx.path, parent: ctx }) as z.ParseReturnType<Condition>;
  }
}

export const Condition: z.ZodType<Condition, z.ZodTypeDef, unknown> = new ConditionSchema({});

/** How fractional points are turned into whole points. */
export const Rounding = z.enum(['floor', 'round', 'ceil']);
export type Rounding = z.infer<typeof Rounding>;

/** Award a fixed number of points. */
export const AwardFixedPoints = z
  .object({
    type: z.literal('awardFixedPoints'),
    points: z.number().int().min(1).max(RULE_BOUNDS.maxFixedPoints),
  })
  .strict();

/** Award `points` per `perAmountMinor` of the amount paid (of the matching lines, if `items` is given). */
export const AwardPointsPerSpend = z
  .object({
    type: z.literal('awardPointsPerSpend'),
    points: z.number().int().min(1).max(RULE_BOUNDS.maxRatePoints),
    perAmountMinor: z.number().int().min(1).max(1_000_000_000),
    rounding: Rounding.default('floor'),
    items: ItemMatch.optional(),
    maxPoints: PointsCap.optional(),
  })
  .strict();

/** Award `points` per unit bought (whatever its discount) of the matching lines. */
export const AwardPointsPerItem = z
  .object({
    type: z.literal('awardPointsPerItem'),
    points: z.number().int().min(1).max(RULE_BOUNDS.maxRatePoints),
    items: ItemMatch,
    maxPoints: PointsCap.optional(),
  })
  .strict();

/** Which rules' points a multiplier multiplies. */
export const MultiplierTargets = z
  .object({
    baseEarn: z.literal(true).optional(),
    ruleIds: z.array(Id).min(1).optional(),
    groups: z.array(Name).min(1).optional(),
  })
  .strict()
  .refine((t) => t.baseEarn !== undefined || t.ruleIds !== undefined || t.groups !== undefined, {
    message: 'give baseEarn, ruleIds or groups',
  });
export type MultiplierTargets = z.infer<typeof MultiplierTargets>;

/** Multiply the points of other rules: gives the extra `points × (factor − 1)`; 15000 basis points = 1.5×. */
export const MultiplyPoints = z
  .object({
    type: z.literal('multiplyPoints'),
    targets: MultiplierTargets,
    factorBasisPoints: z.number().int().min(10_001).max(RULE_BOUNDS.maxFactorBasisPoints),
    rounding: Rounding.default('floor'),
    maxPoints: PointsCap.optional(),
  })
  .strict();

/**
 * Add stamps to the stamp card `cardId` (the id of a stamp card definition). The definition says how many
 * stamps fill a card and which reward a full card unlocks: the rule names the card, never its threshold.
 */
export const AddStamps = z
  .object({
    type: z.literal('addStamps'),
    cardId: Id,
    stamps: z.number().int().min(1).max(RULE_BOUNDS.maxStampsPerEffect),
    per: z.enum(['purchase', 'item']),
    items: ItemMatch.optional(),
  })
  .strict();

/** Issue coupons from a coupon template. */
export const IssueCoupon = z
  .object({
    type: z.literal('issueCoupon'),
    couponTemplateId: Id,
    quantity: z.number().int().min(1).max(10).default(1),
  })
  .strict();

/** Add a tag to the member. */
export const AddMemberTag = z.object({ type: z.literal('addMemberTag'), tag: Name }).strict();
/** Remove a tag from the member. */
export const RemoveMemberTag = z.object({ type: z.literal('removeMemberTag'), tag: Name }).strict();

/** What a rule does when it applies. */
export const Effect = z.discriminatedUnion('type', [
  AwardFixedPoints,
  AwardPointsPerSpend,
  AwardPointsPerItem,
  MultiplyPoints,
  AddStamps,
  IssueCoupon,
  AddMemberTag,
  RemoveMemberTag,
]);
export type Effect = z.infer<typeof Effect>;
export type AwardFixedPoints = z.infer<typeof AwardFixedPoints>;
export type AwardPointsPerSpend = z.infer<typeof AwardPointsPerSpend>;
export type AwardPointsPerItem = z.infer<typeof AwardPointsPerItem>;
export type MultiplyPoints = z.infer<typeof MultiplyPoints>;
export type AddStamps = z.infer<typeof AddStamps>;
export type IssueCoupon = z.infer<typeof IssueCoupon>;

/** The stacking modes, as written in `stacking.mode`. */
export const STACKING_MODES = ['stackable', 'exclusive_in_group', 'bestOf', 'exclusive'] as const;
export type StackingMode = (typeof STACKING_MODES)[number];

/**
 * How a rule combines with others: always (`stackable`); one winner per group, by priority
 * (`exclusive_in_group`) or by points (`bestOf`); or alone (`exclusive`: when it applies, no other rule
 * applies to the purchase).
 */
export const Stacking = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('stackable') }).strict(),
  z.object({ mode: z.literal('exclusive_in_group'), group: Name }).strict(),
  z.object({ mode: z.literal('bestOf'), group: Name }).strict(),
  z
    .object({
      mode: z.literal('exclusive'),
      // Rules written before `exclusive_in_group` existed said `exclusive` with a group; say what changed.
      group: z
        .custom<never>((value) => value === undefined, {
          message:
            'an exclusive rule excludes every other rule and has no group; for one winner per group use the mode exclusive_in_group',
        })
        .optional(),
    })
    .strict(),
]);
export type Stacking = z.infer<typeof Stacking>;

/** The group a rule competes in (`exclusive_in_group`, `bestOf`), if any. */
export function stackingGroup(stacking: Stacking): string | undefined {
  return stacking.mode === 'exclusive_in_group' || stacking.mode === 'bestOf' ? stacking.group : undefined;
}

/** An IANA time zone such as Europe/Paris. */
export const TimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Europe/Paris' },
);

/** A day of week as written in a rule: 1–7 (Monday = 1) or a name such as "monday" or "mon". */
export const DayOfWeek = z.custom<DayOfWeekValue>((value) => dayNumber(value) !== undefined, {
  message: 'expected a day of week: 1–7 (Monday = 1) or a name such as "monday"',
});

/** A calendar date (YYYY-MM-DD, whole day in the time zone) or an instant with an offset. */
export const ScheduleBound = z
  .string()
  .refine((value) => isIsoDate(value) || z.string().datetime({ offset: true }).safeParse(value).success, {
    message: 'expected a date YYYY-MM-DD or a date-time with offset such as 2025-06-01T09:00:00+02:00',
  });

/** When a rule runs: between two dates/instants, on some days, during some hours, in a time zone. */
export const Schedule = z
  .object({
    /** Inclusive. */
    startsAt: ScheduleBound.optional(),
    /** A date is inclusive (the whole day); an instant is exclusive. */
    endsAt: ScheduleBound.optional(),
    daysOfWeek: z.array(DayOfWeek).min(1).max(7).optional(),
    /** From `from`:00 up to `to`:00; `from` > `to` wraps past midnight (22 → 2). */
    hours: z
      .object({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(24) })
      .strict()
      .refine((hours) => hours.from !== hours.to, { message: 'from and to must differ', path: ['to'] })
      .optional(),
    /** Defaults to the program's time zone. */
    timeZone: TimeZone.optional(),
  })
  .strict()
  .superRefine((schedule, ctx) => {
    if (schedule.startsAt === undefined || schedule.endsAt === undefined) return;
    if (scheduleBoundsAreReversed(schedule.startsAt, schedule.endsAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: `the schedule ends (${schedule.endsAt}) before it starts (${schedule.startsAt})`,
      });
    }
  });
export type Schedule = z.infer<typeof Schedule>;

function scheduleBoundsAreReversed(start: string, end: string): boolean {
  // Two instants compare as instants; anything involving a whole day compares by calendar date, which is
  // exact for dates and close enough to catch the mistake when a date meets an instant.
  if (!isIsoDate(start) && !isIsoDate(end)) return Date.parse(end) <= Date.parse(start);
  return end.slice(0, 10) < start.slice(0, 10);
}

/** Who a rule is for; every criterion given must hold (each is "any of"). */
export const Audience = z
  .object({
    tiers: z.array(Name).min(1).optional(),
    clubs: z.array(Name).min(1).optional(),
    tags: z.array(Name).min(1).optional(),
    segments: z.array(Name).min(1).optional(),
  })
  .strict();
export type Audience = z.infer<typeof Audience>;

/** The period a per-member limit counts over; the backend decides where periods start. */
export const LimitPeriod = z.enum(['day', 'week', 'month', 'lifetime']);
export type LimitPeriod = z.infer<typeof LimitPeriod>;

/** A per-member limit: at most `maxTimes` applications and/or `maxPoints` points per period. */
export const Limit = z
  .object({
    period: LimitPeriod,
    maxTimes: z.number().int().min(1).optional(),
    maxPoints: PointsCap.optional(),
  })
  .strict()
  .refine((limit) => limit.maxTimes !== undefined || limit.maxPoints !== undefined, {
    message: 'give maxTimes or maxPoints',
  });
export type Limit = z.infer<typeof Limit>;

/** A global budget: the total points the rule may ever give, across all members. */
export const Budget = z.object({ totalPoints: PointsCap }).strict();
export type Budget = z.infer<typeof Budget>;

const POINT_EFFECTS = new Set([
  'awardFixedPoints',
  'awardPointsPerSpend',
  'awardPointsPerItem',
  'multiplyPoints',
]);

/** A reward rule: who, when, under which conditions, doing what, within which limits. */
export const Rule = z
  .object({
    id: Id,
    version: z.number().int().min(1),
    name: Name,
    description: z.string().max(1000).optional(),
    /** Higher runs first and wins exclusive rules and groups; ties are broken by id. */
    priority: z.number().int().min(-1000).max(1000).default(0),
    /** Base earn rules are what `{ "targets": { "baseEarn": true } }` multipliers multiply. */
    isBaseEarn: z.boolean().default(false),
    conditions: Condition.optional(),
    effects: z.array(Effect).min(1).max(10),
    stacking: Stacking.default({ mode: 'stackable' }),
    schedule: Schedule.optional(),
    audience: Audience.optional(),
    limits: z.array(Limit).max(4).optional(),
    budget: Budget.optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    checkEffectsAreBounded(rule.effects, ctx);
    const lineEffects = rule.effects.filter(
      (effect) => effect.type === 'awardPointsPerSpend' || effect.type === 'awardPointsPerItem',
    );
    if (lineEffects.length > 1) {
      // One line-based award per rule keeps "which lines did this rule count" a single answer, which is
      // what stacking needs to never count a line twice.
      ctx.addIssue({
        code: 'custom',
        path: ['effects'],
        message: 'a rule may have at most one per-spend or per-item award; split it into several rules',
      });
    }
    const multiplies = rule.effects.some((effect) => effect.type === 'multiplyPoints');
    if (multiplies && rule.isBaseEarn) {
      ctx.addIssue({
        code: 'custom',
        path: ['isBaseEarn'],
        message: 'a multiplier cannot be a base earn rule',
      });
    }
    if (
      multiplies &&
      rule.effects.some((effect) => effect.type !== 'multiplyPoints' && POINT_EFFECTS.has(effect.type))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['effects'],
        message: 'a rule either awards points or multiplies them, not both; split it into two rules',
      });
    }
    if (multiplies && rule.stacking.mode === 'exclusive') {
      ctx.addIssue({
        code: 'custom',
        path: ['stacking', 'mode'],
        message:
          'a multiplier cannot be exclusive: when an exclusive rule applies no other rule does, so it would have nothing to multiply',
      });
    }
    const periods = new Set<string>();
    rule.limits?.forEach((limit, index) => {
      if (periods.has(limit.period)) {
        ctx.addIssue({
          code: 'custom',
          path: ['limits', index, 'period'],
          message: `a second ${limit.period} limit`,
        });
      }
      periods.add(limit.period);
    });
  });
export type Rule = z.infer<typeof Rule>;
/** A rule as a marketer writes it, before defaults are filled in. */
export type RuleInput = z.input<typeof Rule>;

function checkEffectsAreBounded(effects: readonly Effect[], ctx: z.RefinementCtx): void {
  effects.forEach((effect, index) => {
    if (
      effect.type === 'awardPointsPerSpend' &&
      effect.maxPoints === undefined &&
      effect.points > effect.perAmountMinor * RULE_BOUNDS.maxUncappedPointsPerMinorUnit
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['effects', index, 'maxPoints'],
        message: `${effect.points} points per ${effect.perAmountMinor} minor units is more than 1 point per minor unit; set maxPoints to cap it`,
      });
    }
    if (
      effect.type === 'awardPointsPerItem' &&
      effect.maxPoints === undefined &&
      effect.points > RULE_BOUNDS.maxUncappedPointsPerItem
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['effects', index, 'maxPoints'],
        message: `${effect.points} points per item is more than ${RULE_BOUNDS.maxUncappedPointsPerItem}; set maxPoints to cap it`,
      });
    }
  });
}
