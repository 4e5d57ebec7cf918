import { ApiKeySummary, CreateApiKeyBody, CreatedApiKey, ObjectIdString } from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ADMINS } from '../../platform/principal.js';
import type { ApiKeyService } from './api-key.service.js';

export function registerApiKeyRoutes(api: Api, deps: { apiKeys: ApiKeyService }): void {
  api.route({
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: 'List API keys (the keys themselves are never shown again)',
    tags: ['API keys'],
    access: { staff: ADMINS },
    response: { schema: z.object({ items: z.array(ApiKeySummary) }) },
    handler: async () => ({ items: await deps.apiKeys.list() }),
  });

  api.route({
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key for an integration; the key is in this response only',
    tags: ['API keys'],
    access: { staff: ADMINS },
    body: CreateApiKeyBody,
    response: { schema: CreatedApiKey },
    errors: ['STORE_NOT_FOUND'],
    handler: ({ body, principal }) => deps.apiKeys.create(body, principal),
  });

  api.route({
    method: 'delete',
    path: '/api-keys/:id',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key (takes effect on its next request)',
    tags: ['API keys'],
    access: { staff: ADMINS },
    params: z.object({ id: ObjectIdString }),
    response: { status: 200, schema: ApiKeySummary },
    errors: ['API_KEY_NOT_FOUND'],
    handler: ({ params, principal }) => deps.apiKeys.revoke(params.id, principal),
  });
}
