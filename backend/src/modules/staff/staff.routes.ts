import { CreateStaffBody, ObjectIdString, StaffSummary, UpdateStaffBody } from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ADMINS, MANAGERS } from '../../platform/principal.js';
import type { StaffService } from './staff.service.js';

const IdParams = z.object({ id: ObjectIdString });
const StaffWithStatus = StaffSummary.extend({ isActive: z.boolean() });

export function registerStaffRoutes(api: Api, deps: { staff: StaffService }): void {
  api.route({
    method: 'get',
    path: '/staff',
    operationId: 'listStaff',
    summary: 'List staff accounts',
    tags: ['Staff'],
    access: { staff: MANAGERS },
    response: { schema: z.object({ items: z.array(StaffWithStatus) }) },
    handler: async () => ({ items: await deps.staff.list() }),
  });

  api.route({
    method: 'post',
    path: '/staff',
    operationId: 'createStaff',
    summary: 'Create a staff account',
    tags: ['Staff'],
    access: { staff: ADMINS },
    body: CreateStaffBody,
    response: { schema: StaffSummary },
    errors: ['STAFF_EXISTS', 'STORE_NOT_FOUND'],
    handler: ({ body, principal }) => deps.staff.create(body, principal),
  });

  api.route({
    method: 'patch',
    path: '/staff/:id',
    operationId: 'updateStaff',
    summary: 'Change a staff account (role, store, password, active)',
    tags: ['Staff'],
    access: { staff: ADMINS },
    params: IdParams,
    body: UpdateStaffBody,
    response: { schema: StaffWithStatus },
    errors: ['STAFF_NOT_FOUND', 'STORE_NOT_FOUND'],
    handler: ({ params, body, principal }) => deps.staff.update(params.id, body, principal),
  });
}
