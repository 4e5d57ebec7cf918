import {
  CreateRuleBody,
  InstantiateTemplateBody,
  ObjectIdString,
  Page,
  PreviewBody,
  RuleListQuery,
  RuleVersionView,
  RuleView,
  SimulateBody,
  SimulationResult,
  UpdateRuleBody,
  RuleTemplateList,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ALL_STAFF, MARKETERS } from '../../platform/principal.js';
import type { RuleService } from './rule.service.js';

const IdParams = z.object({ id: ObjectIdString });

export function registerRuleRoutes(api: Api, deps: { rules: RuleService }): void {
  const { rules } = deps;

  api.route({
    method: 'get',
    path: '/rules',
    operationId: 'listRules',
    summary: 'List reward rules (filter by status), newest first',
    tags: ['Rules'],
    access: { staff: ALL_STAFF },
    query: RuleListQuery,
    response: { schema: Page(RuleView) },
    handler: ({ query }) =>
      rules.list({ status: query.status }, { limit: query.limit, cursor: query.cursor }),
  });

  api.route({
    method: 'post',
    path: '/rules',
    operationId: 'createRule',
    summary: 'Create a draft rule',
    description:
      'The definition is validated in full at save time: 422 `RULE_INVALID` (or `RULE_TOO_COMPLEX` beyond the size and nesting limits) lists problems by path (`definition.conditions.all[2].value`).',
    tags: ['Rules'],
    access: { staff: MARKETERS },
    body: CreateRuleBody,
    response: { schema: RuleView },
    errors: ['VALIDATION_FAILED', 'RULE_INVALID', 'RULE_TOO_COMPLEX', 'RULE_SET_CONFLICT'],
    handler: ({ body, principal }) => rules.create(body.definition, principal),
  });

  api.route({
    method: 'get',
    path: '/rules/:id',
    operationId: 'getRule',
    summary: 'A rule: its draft and its published version',
    tags: ['Rules'],
    access: { staff: ALL_STAFF },
    params: IdParams,
    response: { schema: RuleView },
    errors: ['RULE_NOT_FOUND'],
    handler: ({ params }) => rules.get(params.id),
  });

  api.route({
    method: 'patch',
    path: '/rules/:id',
    operationId: 'updateRule',
    summary: 'Edit the draft (the published version stays live until the next publish)',
    tags: ['Rules'],
    access: { staff: MARKETERS },
    params: IdParams,
    body: UpdateRuleBody,
    response: { schema: RuleView },
    errors: [
      'VALIDATION_FAILED',
      'RULE_INVALID',
      'RULE_TOO_COMPLEX',
      'RULE_SET_CONFLICT',
      'RULE_ARCHIVED',
      'RULE_CHANGED',
    ],
    handler: ({ params, body, principal }) => rules.update(params.id, body.definition, principal),
  });

  for (const [action, summary, errors] of [
    [
      'publish',
      'Publish the draft as the next immutable version',
      [
        'NOTHING_TO_PUBLISH',
        'RULE_ARCHIVED',
        'RULE_INVALID',
        'RULE_TOO_COMPLEX',
        'RULE_SET_CONFLICT',
        'EFFECT_NOT_AVAILABLE',
        'STAMP_CARD_NOT_AVAILABLE',
        'COUPON_TEMPLATE_NOT_AVAILABLE',
      ],
    ],
    ['pause', 'Pause a published rule (it stops applying)', ['INVALID_RULE_STATUS']],
    [
      'resume',
      'Resume a paused rule',
      [
        'INVALID_RULE_STATUS',
        'RULE_SET_CONFLICT',
        'EFFECT_NOT_AVAILABLE',
        'STAMP_CARD_NOT_AVAILABLE',
        'COUPON_TEMPLATE_NOT_AVAILABLE',
      ],
    ],
    ['archive', 'Archive a rule for good', ['INVALID_RULE_STATUS']],
  ] as const) {
    api.route({
      method: 'post',
      path: `/rules/:id/${action}`,
      operationId: `${action}Rule`,
      summary,
      tags: ['Rules'],
      access: { staff: MARKETERS },
      params: IdParams,
      response: { status: 200, schema: RuleView },
      errors: ['RULE_NOT_FOUND', ...errors],
      handler: ({ params, principal }) => rules[action](params.id, principal),
    });
  }

  api.route({
    method: 'get',
    path: '/rules/:id/versions',
    operationId: 'listRuleVersions',
    summary: 'Version history: every published version, newest first',
    tags: ['Rules'],
    access: { staff: ALL_STAFF },
    params: IdParams,
    response: { schema: z.object({ items: z.array(RuleVersionView) }) },
    errors: ['RULE_NOT_FOUND'],
    handler: ({ params }) => rules.versions(params.id),
  });

  api.route({
    method: 'post',
    path: '/rules/:id/versions/:version/republish',
    operationId: 'republishRuleVersion',
    summary: 'Publish an earlier version again, as the next version (its definition also becomes the draft)',
    tags: ['Rules'],
    access: { staff: MARKETERS },
    params: z.object({ id: ObjectIdString, version: z.coerce.number().int().min(1) }),
    response: { status: 200, schema: RuleView },
    errors: [
      'RULE_NOT_FOUND',
      'RULE_VERSION_NOT_FOUND',
      'RULE_ARCHIVED',
      'RULE_CHANGED',
      'RULE_INVALID',
      'RULE_TOO_COMPLEX',
      'RULE_SET_CONFLICT',
      'EFFECT_NOT_AVAILABLE',
      'STAMP_CARD_NOT_AVAILABLE',
      'COUPON_TEMPLATE_NOT_AVAILABLE',
    ],
    handler: ({ params, principal }) => rules.republish(params.id, params.version, principal),
  });

  api.route({
    method: 'post',
    path: '/rules/simulate',
    operationId: 'simulateRules',
    summary: 'Simulate rules on a basket and a real or hypothetical member; writes nothing',
    description:
      '`rules`: `"published"` (what would happen now), `"published+drafts"` (with every unpublished draft), or `{ "inline": definition }` (one rule on top of the published set). The trace explains every rule. ' +
      "Simulations run off the API's event loop, one at a time, and are cut after `SIMULATION_BUDGET_MS` (422 `SIMULATION_TOO_EXPENSIVE`).",
    tags: ['Rules'],
    access: { staff: ALL_STAFF, apiKey: ['rules:read'] },
    body: SimulateBody,
    response: { status: 200, schema: SimulationResult },
    errors: [
      'VALIDATION_FAILED',
      'RULE_INVALID',
      'RULE_TOO_COMPLEX',
      'MEMBER_NOT_FOUND',
      'RULE_SET_CONFLICT',
      'EFFECT_NOT_AVAILABLE',
      'SIMULATION_TOO_EXPENSIVE',
      'RATE_LIMITED',
    ],
    handler: ({ body }) => rules.simulate({ ...body, isOffLoop: true }),
  });

  api.route({
    method: 'post',
    path: '/rules/preview',
    operationId: 'previewRules',
    summary: 'Cart preview for integrations: the points a basket would earn ("you will earn 42 points")',
    tags: ['Rules'],
    access: { staff: ALL_STAFF, apiKey: ['rules:read', 'purchases:write'] },
    body: PreviewBody,
    response: { status: 200, schema: SimulationResult },
    errors: ['VALIDATION_FAILED', 'MEMBER_NOT_FOUND'],
    handler: async ({ body }) => {
      const result = await rules.simulate({
        basket: body.basket,
        memberId: body.memberId,
        rules: 'published',
      });
      return {
        points: result.points,
        breakdown: result.breakdown,
        effects: result.effects,
        trace: result.trace,
        evaluatedAt: result.evaluatedAt,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/rule-templates',
    operationId: 'listRuleTemplates',
    summary: 'Rule templates: the classic loyalty programs, with their parameters',
    tags: ['Rules'],
    access: { staff: ALL_STAFF },
    response: { status: 200, schema: RuleTemplateList },
    handler: async () => ({ items: rules.listTemplates() }),
  });

  api.route({
    method: 'post',
    path: '/rule-templates/:id/instantiate',
    operationId: 'instantiateRuleTemplate',
    summary: 'Create a draft rule from a template',
    tags: ['Rules'],
    access: { staff: MARKETERS },
    params: z.object({ id: z.string().max(64) }),
    body: InstantiateTemplateBody,
    response: { schema: RuleView },
    errors: ['RULE_TEMPLATE_NOT_FOUND', 'RULE_INVALID'],
    handler: ({ params, body, principal }) => rules.createFromTemplate(params.id, body.params, principal),
  });
}
