import type { ClientSession } from 'mongoose';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/principal.js';
import { AuditModel, type AuditEntry } from './audit.model.js';
import { paginate, type PageRequest } from '../../platform/pagination.js';

export type AuditInput = {
  actor: Principal;
  action: string;
  entity: { type: string; id: string | null };
  before?: unknown;
  after?: unknown;
  reason?: string;
  requestId?: string;
  session?: ClientSession;
};

/** What the audit log can be narrowed to; every filter given must hold. */
export type AuditFilter = {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  /** One action, or a prefix ending in a dot (`reward.`). */
  action?: string;
  from?: Date;
  to?: Date;
};

/** The record of who changed what, when, with the state before and after. Append-only. */
export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(input: AuditInput): Promise<void> {
    const actor = input.actor;
    const doc = {
      at: this.clock.now(),
      actor: {
        kind: actor.kind,
        id: actor.kind === 'anonymous' ? null : actor.id,
        label: actor.kind === 'staff' ? actor.email : actor.kind === 'apiKey' ? actor.name : null,
      },
      action: input.action,
      entity: input.entity,
      before: scrub(input.before ?? null),
      after: scrub(input.after ?? null),
      reason: input.reason ?? null,
      requestId: input.requestId ?? null,
    };
    await AuditModel.create([doc], { session: input.session });
  }

  /**
   * The one change the log allows: a person's right to erasure. Sets to null the named fields of the
   * before/after copies of one entity's entries (who did what, and when, stays).
   */
  async erasePersonalFields(
    entity: { type: string; id: string },
    fields: readonly string[],
    session: ClientSession,
  ): Promise<void> {
    for (const side of ['before', 'after'] as const) {
      for (const field of fields) {
        const path = `${side}.${field}`;
        await AuditModel.updateMany(
          { 'entity.type': entity.type, 'entity.id': entity.id, [path]: { $type: 'string' } },
          { $set: { [path]: null } },
          { session },
        );
      }
    }
  }

  async list(filter: AuditFilter, page: PageRequest) {
    const query: Record<string, unknown> = {};
    if (filter.entityType) query['entity.type'] = filter.entityType;
    if (filter.entityId) query['entity.id'] = filter.entityId;
    if (filter.actorId) query['actor.id'] = filter.actorId;
    if (filter.action?.endsWith('.'))
      query.action = { $regex: `^${filter.action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` };
    else if (filter.action) query.action = filter.action;
    if (filter.from || filter.to)
      query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    return paginate(AuditModel, query, page, (e: AuditEntry) => ({
      id: String(e._id),
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      before: e.before,
      after: e.after,
      reason: e.reason,
    }));
  }
}

const SECRET_FIELDS = new Set(['passwordHash', 'password', 'keyHash', 'tokenHash', 'cardSecret']);

/** Never copy secrets into the audit log, even hashed ones. */
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const v = value as { toJSON?: () => unknown; _bsontype?: string };
    if (v._bsontype) return String(value);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(value as Record<string, unknown>)) {
      if (!SECRET_FIELDS.has(k)) out[k] = scrub(inner);
    }
    return out;
  }
  return value;
}
