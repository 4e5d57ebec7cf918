// What the admin area asks the server, typed by the OpenAPI document (@regulars/client).
import type {
  CreateApiKeyBody,
  CreateStaffBody,
  CreateStoreBody,
  UpdateProgramBody,
  UpdateStaffBody,
  UpdateStoreBody,
} from '@regulars/contracts';
import type { components } from '@regulars/client';
import { staffClient } from '../staff-api.js';

const byId = (id: string) => ({ params: { path: { id } } });

type Schemas = components['schemas'];
/**
 * The generated client reads the strict StoreAddress as `StoreAddress & Record<string, never>`, a type no
 * address satisfies; the body is the contracts' zod type, which the API validates.
 */
const createBody = (body: CreateStoreBody) => body as unknown as Schemas['CreateStoreBody'];
const updateBody = (body: UpdateStoreBody) => body as unknown as Schemas['UpdateStoreBody'];

export const adminApi = {
  program: () => staffClient.GET('/api/v1/program'),
  updateProgram: (body: UpdateProgramBody) => staffClient.PATCH('/api/v1/program', { body }),

  stores: () => staffClient.GET('/api/v1/stores'),
  createStore: (body: CreateStoreBody) => staffClient.POST('/api/v1/stores', { body: createBody(body) }),
  updateStore: (id: string, body: UpdateStoreBody) =>
    staffClient.PATCH('/api/v1/stores/{id}', { ...byId(id), body: updateBody(body) }),

  staff: () => staffClient.GET('/api/v1/staff'),
  createStaff: (body: CreateStaffBody) => staffClient.POST('/api/v1/staff', { body }),
  updateStaff: (id: string, body: UpdateStaffBody) =>
    staffClient.PATCH('/api/v1/staff/{id}', { ...byId(id), body }),

  apiKeys: () => staffClient.GET('/api/v1/api-keys'),
  createApiKey: (body: CreateApiKeyBody) => staffClient.POST('/api/v1/api-keys', { body }),
  revokeApiKey: (id: string) => staffClient.DELETE('/api/v1/api-keys/{id}', byId(id)),
};
