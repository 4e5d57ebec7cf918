import {
  CreateStampCardBody,
  ObjectIdString,
  Page,
  StampCard,
  StampCardListQuery,
  UpdateStampCardBody,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { MARKETERS } from '../../platform/principal.js';
import type { StampCardService } from './stamp-card.service.js';

const IdParams = z.object({ id: ObjectIdString });

/** Stamp card definitions: marketers and admins manage them, as they manage the rewards catalogue. */
export function registerStampRoutes(api: Api, deps: { stampCards: StampCardService }): void {
  const cards = deps.stampCards;

  api.route({
    method: 'get',
    path: '/stamp-cards',
    operationId: 'listStampCards',
    summary: 'The stamp card definitions (newest first); status filters active or archived ones',
    tags: ['Stamp cards'],
    access: { staff: MARKETERS },
    query: StampCardListQuery,
    response: { schema: Page(StampCard) },
    handler: async ({ query }) => cards.list(query),
  });

  api.route({
    method: 'post',
    path: '/stamp-cards',
    operationId: 'createStampCard',
    summary: 'Define a stamp card: its name, stamps per card and the catalogue reward a full card unlocks',
    tags: ['Stamp cards'],
    access: { staff: MARKETERS },
    body: CreateStampCardBody,
    idempotency: 'optional',
    response: { schema: StampCard },
    errors: ['REWARD_NOT_FOUND'],
    handler: async ({ body, principal }) => cards.toResponse(await cards.create(body, principal)),
  });

  api.route({
    method: 'get',
    path: '/stamp-cards/:id',
    operationId: 'getStampCard',
    summary: 'One stamp card definition',
    tags: ['Stamp cards'],
    access: { staff: MARKETERS },
    params: IdParams,
    response: { schema: StampCard },
    errors: ['STAMP_CARD_NOT_FOUND'],
    handler: async ({ params }) => cards.toResponse(await cards.get(params.id)),
  });

  api.route({
    method: 'patch',
    path: '/stamp-cards/:id',
    operationId: 'updateStampCard',
    summary: 'Change a stamp card definition (a new threshold counts from the next stamp)',
    tags: ['Stamp cards'],
    access: { staff: MARKETERS },
    params: IdParams,
    body: UpdateStampCardBody,
    response: { status: 200, schema: StampCard },
    errors: ['STAMP_CARD_NOT_FOUND', 'STAMP_CARD_ARCHIVED', 'REWARD_NOT_FOUND'],
    handler: async ({ params, body, principal }) =>
      cards.toResponse(await cards.update(params.id, body, principal)),
  });

  api.route({
    method: 'post',
    path: '/stamp-cards/:id/archive',
    operationId: 'archiveStampCard',
    summary: 'Archive a stamp card: it takes no more stamps (unlocked rewards stay usable until they expire)',
    tags: ['Stamp cards'],
    access: { staff: MARKETERS },
    params: IdParams,
    response: { status: 200, schema: StampCard },
    errors: ['STAMP_CARD_NOT_FOUND'],
    handler: async ({ params, principal }) => cards.toResponse(await cards.archive(params.id, principal)),
  });
}
