import { MemberProfile, PurchaseItem } from '@regulars/rules';
import { z } from './zod.js';
import { CurrencyCode, ObjectIdString, PageQuery } from './common.js';

export const RULE_STATUSES = ['draft', 'published', 'paused', 'archived'] as const;
export const RuleStatus = z.enum(RULE_STATUSES).openapi('RuleStatus');
export type RuleStatus = z.infer<typeof RuleStatus>;

/**
 * A rule definition in the `@regulars/rules` language, without `id` and `version` (the server assigns
 * both). Validated in full by the rules service, which reports problems by path.
 */
export const RuleDefinitionInput = z.record(z.unknown());
export type RuleDefinitionInput = z.infer<typeof RuleDefinitionInput>;

export const CreateRuleBody = z
  .object({ definition: RuleDefinitionInput })
  .strict()
  .openapi('CreateRuleBody');
export type CreateRuleBody = z.infer<typeof CreateRuleBody>;

export const UpdateRuleBody = CreateRuleBody.openapi('UpdateRuleBody');
export type UpdateRuleBody = z.infer<typeof UpdateRuleBody>;

export const RuleView = z
  .object({
    id: z.string(),
    name: z.string(),
    status: RuleStatus,
    draft: RuleDefinitionInput,
    hasUnpublishedChanges: z.boolean(),
    published: z
      .object({
        version: z.number().int(),
        definition: RuleDefinitionInput,
        publishedAt: z.string().datetime({ offset: true }),
      })
      .nullable(),
    createdAt: z.string().datetime({ offset: true }),
    updatedAt: z.string().datetime({ offset: true }),
  })
  .openapi('RuleView');
export type RuleView = z.infer<typeof RuleView>;

export const RuleListQuery = PageQuery.extend({ status: RuleStatus.optional() }).strict();
export type RuleListQuery = z.infer<typeof RuleListQuery>;

export const RuleVersionView = z
  .object({
    ruleId: z.string(),
    version: z.number().int(),
    definition: RuleDefinitionInput,
    publishedAt: z.string().datetime({ offset: true }),
    publishedBy: z.string(),
    /** The name of the staff member who published it; null for an API key or a removed account. */
    publishedByName: z.string().nullable(),
  })
  .openapi('RuleVersionView');
export type RuleVersionView = z.infer<typeof RuleVersionView>;

/** Which kind of purchase line term the rules designer's pickers offer. */
export const CatalogTermKind = z.enum(['category', 'sku']).openapi('CatalogTermKind');
export type CatalogTermKind = z.infer<typeof CatalogTermKind>;

export const CatalogTermsQuery = z
  .object({
    kind: CatalogTermKind,
    /** Only the terms that start with this text (compared as rules compare them: case-insensitive). */
    prefix: z.string().max(100).optional(),
  })
  .strict();
export type CatalogTermsQuery = z.infer<typeof CatalogTermsQuery>;

/** The categories or SKUs recent purchases used, normalised as rules match them, sorted, at most 200. */
export const CatalogTerms = z
  .object({ kind: CatalogTermKind, items: z.array(z.string()) })
  .openapi('CatalogTerms');
export type CatalogTerms = z.infer<typeof CatalogTerms>;

/** A sample basket for simulation and cart previews. Amounts are integer minor units. */
export const Basket = z
  .object({
    currency: CurrencyCode.optional(),
    storeId: z.string().optional(),
    channel: z.string().max(50).optional(),
    totalMinor: z.number().int().min(0).optional(),
    /** When the purchase happens (defaults to now): schedules and happy hours are read from it. */
    at: z.string().datetime({ offset: true }).optional(),
    items: z.array(PurchaseItem).min(1).max(1000),
  })
  .strict()
  .openapi('Basket');
export type Basket = z.infer<typeof Basket>;

export const RuleSelection = z
  .union([
    z.literal('published'),
    z.literal('published+drafts'),
    z
      .object({
        inline: RuleDefinitionInput,
        /**
         * true: the inline rule alone ("this rule alone" in the designer), with only the published rules
         * its multiplier multiplies; false (default): on top of the published set.
         */
        alone: z.boolean().optional(),
      })
      .strict(),
  ])
  .openapi('RuleSelection');
export type RuleSelection = z.infer<typeof RuleSelection>;

export const SimulateBody = z
  .object({
    basket: Basket,
    memberId: ObjectIdString.optional(),
    member: MemberProfile.optional(),
    rules: RuleSelection.default('published'),
  })
  .strict()
  .refine((body) => !(body.memberId && body.member), {
    message: 'give memberId (a real member) or member (a hypothetical profile), not both',
    path: ['member'],
  })
  .openapi('SimulateBody');
export type SimulateBody = z.infer<typeof SimulateBody>;

export const PreviewBody = z
  .object({ basket: Basket, memberId: ObjectIdString.optional() })
  .strict()
  .openapi('PreviewBody');
export type PreviewBody = z.infer<typeof PreviewBody>;

export const SimulationResult = z
  .object({
    points: z.number().int(),
    breakdown: z.array(
      z.object({
        ruleId: z.string(),
        ruleVersion: z.number().int(),
        ruleName: z.string(),
        points: z.number().int(),
      }),
    ),
    effects: z.array(z.record(z.unknown())),
    /**
     * What each applying rule would take from its limits and budget (the limit periods it counts in);
     * absent when no rule was evaluated.
     */
    consumption: z
      .array(
        z.object({
          ruleId: z.string(),
          ruleVersion: z.number().int(),
          times: z.number().int(),
          points: z.number().int(),
          limitPeriods: z.array(z.enum(['day', 'week', 'month', 'lifetime'])),
          hasBudget: z.boolean(),
        }),
      )
      .optional(),
    trace: z.array(z.record(z.unknown())),
    evaluatedAt: z.string().datetime({ offset: true }),
  })
  .openapi('SimulationResult');
export type SimulationResult = z.infer<typeof SimulationResult>;

export const InstantiateTemplateBody = z
  .object({ params: z.record(z.unknown()).default({}) })
  .strict()
  .openapi('InstantiateTemplateBody');
export type InstantiateTemplateBody = z.infer<typeof InstantiateTemplateBody>;

/** A rule template as listed: what it does and the parameters its form asks for. */
export const RuleTemplate = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    params: z.array(
      z.object({
        name: z.string(),
        type: z.enum(['integer', 'string', 'boolean', 'integer[]', 'string[]', 'enum']),
        description: z.string(),
        default: z.unknown().optional(),
        options: z.array(z.string()).optional(),
      }),
    ),
  })
  .openapi('RuleTemplate');
export const RuleTemplateList = z.object({ items: z.array(RuleTemplate) }).openapi('RuleTemplateList');
