import { API_SCOPES, CreateStoreBody, ObjectIdString, Store, UpdateStoreBody } from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ADMINS, ALL_STAFF } from '../../platform/principal.js';
import type { ProgramService } from '../program/program.service.js';
import { toStoreResponse, type StoreService } from './store.service.js';

export function registerStoreRoutes(api: Api, deps: { stores: StoreService; program: ProgramService }): void {
  const timeZone = async () => (await deps.program.get()).timeZone;

  api.route({
    method: 'get',
    path: '/stores',
    operationId: 'listStores',
    summary: 'List stores',
    tags: ['Stores'],
    access: { staff: ALL_STAFF, apiKey: API_SCOPES },
    response: { schema: z.object({ items: z.array(Store) }) },
    handler: async () => {
      const tz = await timeZone();
      return { items: (await deps.stores.list()).map((s) => toStoreResponse(s, tz)) };
    },
  });

  api.route({
    method: 'post',
    path: '/stores',
    operationId: 'createStore',
    summary: 'Create a store',
    tags: ['Stores'],
    access: { staff: ADMINS },
    body: CreateStoreBody,
    idempotency: 'optional',
    response: { schema: Store },
    errors: ['STORE_CODE_TAKEN'],
    handler: async ({ body, principal }) =>
      toStoreResponse(await deps.stores.create(body, principal), await timeZone()),
  });

  api.route({
    method: 'patch',
    path: '/stores/:id',
    operationId: 'updateStore',
    summary: 'Change a store',
    tags: ['Stores'],
    access: { staff: ADMINS },
    params: z.object({ id: ObjectIdString }),
    body: UpdateStoreBody,
    response: { status: 200, schema: Store },
    errors: ['STORE_NOT_FOUND', 'STORE_CODE_TAKEN'],
    handler: async ({ params, body, principal }) =>
      toStoreResponse(await deps.stores.update(params.id, body, principal), await timeZone()),
  });
}
