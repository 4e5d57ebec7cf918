import {
  ClearTierOverrideBody,
  MemberTier,
  ObjectIdString,
  PublishTierLadderBody,
  SetTierOverrideBody,
  TierLadder,
  TierLadderDraft,
  TierPreview,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ALL_STAFF, MANAGERS, MARKETERS } from '../../platform/principal.js';
import { assertOwnData } from '../members/member.routes.js';
import type { TierService } from './tier.service.js';

const IdParams = z.object({ id: ObjectIdString });
const LADDER_ERRORS = [
  'TIER_LADDER_NO_BASE',
  'TIER_THRESHOLDS_NOT_INCREASING',
  'TIER_CODE_DUPLICATE',
] as const;
const OVERRIDE_ERRORS = [
  'MEMBER_NOT_FOUND',
  'TIER_LADDER_NOT_FOUND',
  'TIER_UNKNOWN',
  'TIER_OVERRIDE_REASON_REQUIRED',
  'TIER_OVERRIDE_UNTIL_INVALID',
] as const;

/** The tier ladder (marketers design and publish it), members' tiers, and managers' manual overrides. */
export function registerTierRoutes(api: Api, deps: { tiers: TierService }): void {
  const { tiers } = deps;

  api.route({
    method: 'get',
    path: '/tiers/ladder',
    operationId: 'getTierLadder',
    summary: 'The published tier ladder (its newest version)',
    tags: ['Tiers'],
    access: { staff: ALL_STAFF, apiKey: ['members:read'] },
    response: { schema: TierLadder },
    errors: ['TIER_LADDER_NOT_FOUND'],
    handler: async () => tiers.getLadder(),
  });

  api.route({
    method: 'post',
    path: '/tiers/ladder',
    operationId: 'publishTierLadder',
    summary: 'Publish a new version of the tier ladder (audited); the tier sweep moves members onto it',
    description:
      'Preview it first with POST /tiers/preview: members whose tier the new ladder keeps stay (raised to what they reach); members of a removed tier go to what they reach.',
    tags: ['Tiers'],
    access: { staff: MARKETERS },
    body: PublishTierLadderBody,
    idempotency: 'optional',
    response: { schema: TierLadder },
    errors: [...LADDER_ERRORS],
    handler: async ({ body, principal }) => tiers.publish(body, principal),
  });

  api.route({
    method: 'post',
    path: '/tiers/preview',
    operationId: 'previewTierLadder',
    summary:
      'Dry run of a draft ladder: how many members would move up and down per tier if it were published now',
    tags: ['Tiers'],
    access: { staff: MARKETERS },
    body: TierLadderDraft,
    response: { status: 200, schema: TierPreview },
    errors: [...LADDER_ERRORS],
    handler: async ({ body }) => tiers.preview(body),
  });

  api.route({
    method: 'get',
    path: '/members/:id/tier',
    operationId: 'getMemberTier',
    summary:
      "The member's tier and since when, until when it is kept, what it takes to reach the next one and to keep this one, and its history",
    tags: ['Tiers'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['members:read'] },
    params: IdParams,
    // null while the program has no ladder: the card and the desk then show no tier.
    response: { schema: MemberTier.nullable() },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, principal }) => {
      assertOwnData(principal, params.id);
      return tiers.projection(params.id);
    },
  });

  api.route({
    method: 'post',
    path: '/members/:id/tier/override',
    operationId: 'setMemberTierOverride',
    summary:
      "Set a member's tier by hand, with a reason: `floor` (never below it, still moves up) or `fixed_until` a date",
    tags: ['Tiers'],
    access: { staff: MANAGERS },
    params: IdParams,
    body: SetTierOverrideBody,
    response: { status: 200, schema: MemberTier },
    errors: [...OVERRIDE_ERRORS],
    handler: async ({ params, body, principal }) => tiers.setOverride(params.id, body, principal),
  });

  api.route({
    method: 'post',
    path: '/members/:id/tier/override/clear',
    operationId: 'clearMemberTierOverride',
    summary: "Remove a member's manual tier override, with a reason: the ladder decides again",
    tags: ['Tiers'],
    access: { staff: MANAGERS },
    params: IdParams,
    body: ClearTierOverrideBody,
    response: { status: 200, schema: MemberTier },
    errors: ['MEMBER_NOT_FOUND', 'TIER_LADDER_NOT_FOUND', 'TIER_OVERRIDE_REASON_REQUIRED'],
    handler: async ({ params, body, principal }) => tiers.clearOverride(params.id, body, principal),
  });
}
