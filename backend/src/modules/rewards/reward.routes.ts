import {
  CreateRewardBody,
  ObjectIdString,
  Page,
  PutRewardImageBody,
  Reward,
  RewardListQuery,
  UpdateRewardBody,
} from '@regulars/contracts';
import { z } from 'zod';
import { reply, type Api } from '../../platform/http.js';
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

  api.route({
    method: 'put',
    path: '/rewards/:id/image',
    operationId: 'putRewardImage',
    summary: "Set the reward's picture (JPEG, PNG or WebP, at most 256 KB), shown on the card",
    description:
      'The body carries the bytes as base64; their type is read from the bytes, whatever the file was called. The answer is the reward with its new `imageUrl`.',
    tags: ['Rewards'],
    access: { staff: MARKETERS },
    params: z.object({ id: ObjectIdString }),
    body: PutRewardImageBody,
    response: { status: 200, schema: Reward },
    errors: ['REWARD_NOT_FOUND', 'REWARD_IMAGE_TOO_LARGE', 'REWARD_IMAGE_INVALID'],
    handler: async ({ params, body, principal }) =>
      toRewardResponse(await deps.rewards.setImage(params.id, body.dataBase64, principal)),
  });

  api.route({
    method: 'delete',
    path: '/rewards/:id/image',
    operationId: 'deleteRewardImage',
    summary: "Take the reward's picture off",
    tags: ['Rewards'],
    access: { staff: MARKETERS },
    params: z.object({ id: ObjectIdString }),
    response: { status: 200, schema: Reward },
    errors: ['REWARD_NOT_FOUND'],
    handler: async ({ params, principal }) =>
      toRewardResponse(await deps.rewards.removeImage(params.id, principal)),
  });

  api.route({
    method: 'get',
    path: '/rewards/:id/image',
    operationId: 'getRewardImage',
    summary: "The reward's picture (public, so that the card's <img> can load it)",
    description:
      'Answers with the bytes and their type, `ETag` and `Cache-Control`; `If-None-Match` with the current ETag answers 304. The `v` of `imageUrl` changes with the picture.',
    tags: ['Rewards'],
    access: { public: true },
    params: z.object({ id: ObjectIdString }),
    query: z.object({ v: z.string().max(64).optional() }).strict(),
    response: {
      status: 200,
      schema: z.string().openapi({ format: 'binary' }),
      mediaType: ['image/jpeg', 'image/png', 'image/webp'],
      description: 'The picture',
      others: [
        { status: 304, description: 'Not modified (the ETag of If-None-Match is current)', isEmpty: true },
      ],
    },
    errors: ['REWARD_NOT_FOUND', 'REWARD_IMAGE_NOT_FOUND'],
    handler: async ({ params, req, res }) => {
      const image = await deps.rewards.image(params.id);
      const etag = `"${image.etag}"`;
      const headers = {
        ETag: etag,
        // A versioned URL (?v=) never changes its bytes; the bare URL is revalidated after a minute.
        'Cache-Control':
          req.query.v === image.etag ? 'public, max-age=31536000, immutable' : 'public, max-age=60',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      };
      if (
        req
          .get('If-None-Match')
          ?.split(/\s*,\s*/)
          .includes(etag)
      )
        return reply(304, undefined, headers);
      res.set(headers).type(image.contentType).status(200).send(image.data);
      return undefined;
    },
  });
}
