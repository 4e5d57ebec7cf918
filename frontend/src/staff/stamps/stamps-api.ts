// What the Stamp cards screen and the rules designer ask the server, typed by the OpenAPI document.
import type { CreateStampCardBody, UpdateStampCardBody } from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

const byId = (id: string) => ({ params: { path: { id } } });

export const stampsApi = {
  list: (query: { status?: 'active' | 'archived'; cursor?: string } = {}) =>
    staffClient.GET('/api/v1/stamp-cards', { params: { query: { limit: 100, ...query } } }),
  create: (body: CreateStampCardBody) => staffClient.POST('/api/v1/stamp-cards', { body }),
  update: (id: string, body: UpdateStampCardBody) =>
    staffClient.PATCH('/api/v1/stamp-cards/{id}', { ...byId(id), body }),
  archive: (id: string) => staffClient.POST('/api/v1/stamp-cards/{id}/archive', byId(id)),
  rewards: () => staffClient.GET('/api/v1/rewards', { params: { query: { limit: 100 } } }),
};
