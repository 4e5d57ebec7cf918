import { AuditEntry, Page, PageQuery } from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { MANAGERS } from '../../platform/principal.js';
import type { AuditService } from './audit.service.js';

const AuditQuery = PageQuery.extend({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(50).optional(),
  actorId: z.string().max(50).optional(),
}).strict();

export function registerAuditRoutes(api: Api, deps: { audit: AuditService }): void {
  api.route({
    method: 'get',
    path: '/audit',
    operationId: 'listAuditEntries',
    summary: 'The audit log of staff actions, newest first (paginated)',
    tags: ['Audit'],
    access: { staff: MANAGERS },
    query: AuditQuery,
    response: { status: 200, schema: Page(AuditEntry) },
    handler: ({ query }) =>
      deps.audit.list(
        { entityType: query.entityType, entityId: query.entityId, actorId: query.actorId },
        { limit: query.limit, cursor: query.cursor },
      ),
  });
}
