import {
  CreateRewardBody,
  ObjectIdString,
  Page,
  Reward,
  RewardListQuery,
  UpdateRewardBody,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ALL_STAFF, MARKETERS } from '../../platform/principal.js';
import { toRewardResponse, type RewardService } from './reward.service.js';

export function registerRewardRoutes(api: Api, deps: { rewards: RewardService }): void {
  api.route({
    method: 'post',
    path: '/rewards',
    operationId: 'createReward',
    summary: 'Create a reward in the catalog',
    tags: ['Rewards'],
    access: { staff: MARKETERS },
    body: CreateRewardBody,
    idempotency: 'optional',
    response: { schema: Reward },
    handler: async ({ body, principal }) => toRewardResponse(await deps.rewards.create(body, principal)),
  });

  api.route({
    method: 'get',
    path: '/rewards',
    operationId: 'listRewards',
    summary: 'The rewards catalog (newest first); availableNow=true keeps what can be redeemed now',
    tags: ['Rewards'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['rewards:read', 'redemptions:write'] },
    query: RewardListQuery,
    response: { schema: Page(Reward) },
    handler: async ({ query }) => deps.rewards.list(query),
  });

  api.route({
    method: 'get',
    path: '/rewards/:id',
    operationId: 'getReward',
    summary: 'One reward',
    tags: ['Rewards'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['rewards:read', 'redemptions:write'] },
    params: z.object({ id: ObjectIdString }),
    response: { schema: Reward },
    errors: ['REWARD_NOT_FOUND'],
    handler: async ({ params }) => toRewardResponse(await deps.rewards.get(params.id)),
  });

  api.route({
    method: 'patch',
    path: '/rewards/:id',
    operationId: 'updateReward',
    summary: 'Change a reward (stock sets the units left; isActive false withdraws it)',
    tags: ['Rewards'],
    access: { staff: MARKETERS },
    params: z.object({ id: ObjectIdString }),
    body: UpdateRewardBody,
    response: { status: 200, schema: Reward },
    errors: ['REWARD_NOT_FOUND'],
    handler: async ({ params, body, principal }) =>
      toRewardResponse(await deps.rewards.update(params.id, body, principal)),
  });
}
