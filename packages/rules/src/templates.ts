// The six programs of the retention toolbox as parameterised templates. A template is pure data plus a
// function from validated parameters to a rule draft; the backend lists them and creates drafts from them.
import { z } from 'zod';
import { parseWith, type ValidationIssue } from './issues.js';
import type { RuleInput } from './rule.schema.js';
import { validateRule, type RuleValidation } from './validate.js';

/** One parameter of a template, described for a form (and for `GET /api/v1/rule-templates`). */
export interface TemplateParam {
  readonly name: string;
  readonly type: 'integer' | 'string' | 'boolean' | 'integer[]' | 'string[]' | 'enum';
  readonly description: string;
  readonly default?: unknown;
  readonly options?: readonly string[];
}

/** A rule template as listed: what it does and which parameters it takes. */
export interface RuleTemplateSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The zod schema of the parameters (defaults filled in by parsing). */
  readonly paramsSchema: z.ZodTypeAny;
  /** The same parameters as JSON-friendly descriptions. */
  readonly params: readonly TemplateParam[];
}

interface RuleTemplate<Shape extends z.ZodRawShape> {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodObject<Shape>;
  readonly build: (params: z.infer<z.ZodObject<Shape>>) => RuleInput;
}

const Factor = (defaultBasisPoints: number) =>
  z
    .number()
    .int()
    .min(10_001)
    .max(100_000)
    .default(defaultBasisPoints)
    .describe('multiplier in basis points: 20000 = 2×, 15000 = 1.5×');

// Every template takes the id and name of the rule it creates; the backend may override both.
const common = (id: string, name: string) => ({
  ruleId: z.string().default(id).describe('id of the rule to create'),
  name: z.string().default(name).describe('name of the rule shown to staff and in the trace'),
  priority: z.number().int().default(0).describe('higher runs first and wins exclusive groups'),
});

// The part of every draft that comes from the common parameters; the backend renumbers `version` on publish.
function identity(p: {
  ruleId: string;
  name: string;
  priority: number;
}): Pick<RuleInput, 'id' | 'version' | 'name' | 'priority'> {
  return { id: p.ruleId, version: 1, name: p.name, priority: p.priority };
}

function template<Shape extends z.ZodRawShape>(definition: RuleTemplate<Shape>): RuleTemplate<Shape> {
  return definition;
}

const TEMPLATES = [
  template({
    id: 'points-per-spend',
    name: '1 point per €1',
    description:
      'Base earn: points per amount of eligible spend (lines paid with points or discounted by a reward do not earn).',
    params: z
      .object({
        ...common('base-earn', '1 point per €1'),
        points: z.number().int().min(1).max(1000).default(1).describe('points per amount'),
        perAmountMinor: z
          .number()
          .int()
          .min(1)
          .default(100)
          .describe('the amount, in minor units (100 = €1)'),
        rounding: z
          .enum(['floor', 'round', 'ceil'])
          .default('floor')
          .describe('how partial points are rounded'),
      })
      .strict(),
    build: (p) => ({
      ...identity(p),
      isBaseEarn: true,
      effects: [
        {
          type: 'awardPointsPerSpend',
          points: p.points,
          perAmountMinor: p.perAmountMinor,
          rounding: p.rounding,
        },
      ],
    }),
  }),
  template({
    id: 'happy-hour-multiplier',
    name: 'Double points on weekday afternoons',
    description: 'Multiplies base earn points during some hours of some days.',
    params: z
      .object({
        ...common('happy-hour', 'Double points on weekday afternoons'),
        factorBasisPoints: Factor(20_000),
        daysOfWeek: z
          .array(z.number().int().min(1).max(7))
          .min(1)
          .default([1, 2, 3, 4, 5])
          .describe('1–7, Monday = 1'),
        fromHour: z.number().int().min(0).max(23).default(14).describe('first hour (inclusive)'),
        toHour: z.number().int().min(0).max(24).default(17).describe('end hour (exclusive)'),
      })
      .strict(),
    build: (p) => ({
      ...identity(p),
      schedule: { daysOfWeek: p.daysOfWeek, hours: { from: p.fromHour, to: p.toHour } },
      effects: [
        { type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: p.factorBasisPoints },
      ],
    }),
  }),
  template({
    id: 'birthday-month-multiplier',
    name: '3× points in your birthday month',
    description: "Multiplies base earn points during the member's birthday month.",
    params: z
      .object({
        ...common('birthday-month', '3× points in your birthday month'),
        factorBasisPoints: Factor(30_000),
      })
      .strict(),
    build: (p) => ({
      ...identity(p),
      conditions: { field: 'member.isBirthdayMonth', op: 'eq', value: true },
      effects: [
        { type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: p.factorBasisPoints },
      ],
    }),
  }),
  template({
    id: 'first-purchase-bonus',
    name: '100 bonus points on the first purchase',
    description: "Fixed bonus points on a member's first purchase, once per member.",
    params: z
      .object({
        ...common('first-purchase-bonus', '100 bonus points on the first purchase'),
        points: z.number().int().min(1).max(100_000).default(100).describe('bonus points'),
      })
      .strict(),
    build: (p) => ({
      ...identity(p),
      conditions: { field: 'member.isFirstPurchase', op: 'eq', value: true },
      effects: [{ type: 'awardFixedPoints', points: p.points }],
      limits: [{ period: 'lifetime', maxTimes: 1 }],
    }),
  }),
  template({
    id: 'stamp-card',
    name: 'Buy 10 coffees, get the 11th free',
    description:
      'One stamp per unit bought of the chosen categories (a unit given free earns none) on a stamp card; the card (its definition) says how many stamps unlock which reward.',
    params: z
      .object({
        ...common('coffee-stamp-card', 'Buy 10 coffees, get the 11th free'),
        cardId: z.string().min(1).describe('stamp card definition (its id)'),
        categories: z
          .array(z.string().min(1))
          .min(1)
          .default(['coffee'])
          .describe('categories that earn stamps'),
      })
      .strict(),
    build: (p) => ({
      ...identity(p),
      effects: [
        {
          type: 'addStamps',
          cardId: p.cardId,
          stamps: 1,
          per: 'item',
          items: { categories: p.categories },
        },
      ],
    }),
  }),
  template({
    id: 'tier-multiplier',
    name: 'Gold members earn 1.5×',
    description: 'Multiplies base earn points for members of some tiers.',
    params: z
      .object({
        ...common('gold-multiplier', 'Gold members earn 1.5×'),
        tiers: z.array(z.string().min(1)).min(1).default(['gold']).describe('tiers that earn more'),
        factorBasisPoints: Factor(15_000),
      })
      .strict(),
    build: (p) => ({
      ...identity(p),
      audience: { tiers: p.tiers },
      effects: [
        { type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: p.factorBasisPoints },
      ],
    }),
  }),
];

function describeParam(name: string, schema: z.ZodTypeAny): TemplateParam {
  let inner = schema;
  let defaultValue: unknown;
  if (inner instanceof z.ZodDefault) {
    defaultValue = (inner as z.ZodDefault<z.ZodTypeAny>)._def.defaultValue();
    inner = (inner as z.ZodDefault<z.ZodTypeAny>)._def.innerType;
  }
  const description = schema.description ?? '';
  const base = { name, description, ...(defaultValue === undefined ? {} : { default: defaultValue }) };
  if (inner instanceof z.ZodEnum) return { ...base, type: 'enum', options: inner.options as string[] };
  if (inner instanceof z.ZodArray) {
    return {
      ...base,
      type: (inner as z.ZodArray<z.ZodTypeAny>).element instanceof z.ZodNumber ? 'integer[]' : 'string[]',
    };
  }
  if (inner instanceof z.ZodNumber) return { ...base, type: 'integer' };
  if (inner instanceof z.ZodBoolean) return { ...base, type: 'boolean' };
  return { ...base, type: 'string' };
}

/** The rule templates: the six programs of the retention toolbox. */
export function listTemplates(): RuleTemplateSummary[] {
  return TEMPLATES.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    paramsSchema: t.params,
    params: Object.entries(t.params.shape as z.ZodRawShape).map(([name, schema]) =>
      describeParam(name, schema),
    ),
  }));
}

/** Creates a validated rule draft from a template; issues name the parameter (`params.factorBasisPoints`). */
export function instantiateTemplate(templateId: string, params: unknown = {}): RuleValidation {
  const found = TEMPLATES.find((t) => t.id === templateId);
  if (found === undefined) {
    const known = TEMPLATES.map((t) => t.id).join(', ');
    return {
      ok: false,
      issues: [{ path: 'templateId', message: `unknown template '${templateId}'; expected one of ${known}` }],
    };
  }
  // Each template's `build` expects its own params type; the union of templates cannot express that link,
  // so parse and build through a narrowly typed helper.
  return instantiate(found as unknown as RuleTemplate<z.ZodRawShape>, params);
}

function instantiate(t: RuleTemplate<z.ZodRawShape>, params: unknown): RuleValidation {
  const parsed = parseWith(t.params, params);
  if (!parsed.ok) {
    const issues: ValidationIssue[] = parsed.issues.map((issue) => ({
      path: issue.path === '' ? 'params' : `params.${issue.path}`,
      message: issue.message,
    }));
    return { ok: false, issues };
  }
  return validateRule(t.build(parsed.value));
}
