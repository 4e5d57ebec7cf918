// What the admin area asks the server, typed by the OpenAPI document (@regulars/client).
import type {
  CreateApiKeyBody,
  CreateRewardBody,
  UpdateRewardBody,
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

  rewards: (cursor?: string) =>
    staffClient.GET('/api/v1/rewards', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
  createReward: (body: CreateRewardBody) => staffClient.POST('/api/v1/rewards', { body }),
  updateReward: (id: string, body: UpdateRewardBody) =>
    staffClient.PATCH('/api/v1/rewards/{id}', { ...byId(id), body }),
  putRewardImage: (id: string, dataBase64: string) =>
    staffClient.PUT('/api/v1/rewards/{id}/image', { ...byId(id), body: { dataBase64 } }),
  deleteRewardImage: (id: string) => staffClient.DELETE('/api/v1/rewards/{id}/image', byId(id)),

  audit: (query: AuditQuery) =>
    staffClient.GET('/api/v1/audit', { params: { query: { limit: 25, ...query } } }),
  verifyLedger: () => staffClient.GET('/api/v1/admin/ledger/verify'),
};

/** The audit log's filters as the API takes them (dates as instants). */
export type AuditQuery = {
  actorId?: string;
  action?: string;
  entityType?: string;
  from?: string;
  to?: string;
  cursor?: string;
};
