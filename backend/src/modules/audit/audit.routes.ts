import { AuditEntry, Page, PageQuery } from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { MANAGERS } from '../../platform/principal.js';
import type { AuditService } from './audit.service.js';

const AuditQuery = PageQuery.extend({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(50).optional(),
  actorId: z.string().max(50).optional(),
  /** One action (`member.block`), or every action of an entity with a trailing dot (`reward.`). */
  action: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?$/,
      'expected an action such as member.block, or a prefix such as reward.',
    )
    .max(80)
    .optional(),
  /** Entries at or after this instant. */
  from: z.string().datetime({ offset: true }).optional(),
  /** Entries before this instant. */
  to: z.string().datetime({ offset: true }).optional(),
})
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ['to'],
    message: 'to must be after from',
  });

export function registerAuditRoutes(api: Api, deps: { audit: AuditService }): void {
  api.route({
    method: 'get',
    path: '/audit',
    operationId: 'listAuditEntries',
    summary: 'The audit log of staff actions, newest first (paginated)',
    description:
      'Filters combine: `actorId`, `action` (exact, or a prefix ending in a dot), `entityType` and `entityId`, and the range `from` (inclusive) to `to` (exclusive); a `to` not after `from` is refused.',
    tags: ['Audit'],
    access: { staff: MANAGERS },
    query: AuditQuery,
    response: { status: 200, schema: Page(AuditEntry) },
    handler: ({ query }) =>
      deps.audit.list(
        {
          entityType: query.entityType,
          entityId: query.entityId,
          actorId: query.actorId,
          action: query.action,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
        },
        { limit: query.limit, cursor: query.cursor },
      ),
  });
}
