import { randomBytes } from 'node:crypto';
import type { CreateApiKeyBody } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { NotFoundError, UnauthenticatedError } from '../../platform/errors.js';
import { principalKey, type Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { sha256 } from '../auth/token.service.js';
import { StoreModel } from '../stores/store.model.js';
import { ApiKeyModel, type ApiKey } from './api-key.model.js';
import { TtlCache } from '../../platform/ttl-cache.js';

export const API_KEY_PREFIX = 'rgl_';
export const API_KEY_CACHE_MS = 5000;

export function toApiKeySummary(key: ApiKey) {
  return {
    id: String(key._id),
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    storeId: key.storeId ? String(key.storeId) : null,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** API keys for integrations: shown once at creation, stored hashed, scoped, revocable. */
export class ApiKeyService {
  // Every integration request presents its key: look it up at most every few seconds. A revocation made
  // by this process applies at once, one made by another process within API_KEY_CACHE_MS.
  private readonly cache = new TtlCache<string, ApiKey | null>(API_KEY_CACHE_MS);

  constructor(private readonly deps: { clock: Clock; audit: AuditService }) {}

  /** `options.key` is for the demo seed only, whose key is derived from the installation's secret. */
  async create(input: CreateApiKeyBody, actor: Principal, options: { key?: string } = {}) {
    if (input.storeId && !(await StoreModel.exists({ _id: input.storeId })))
      throw new NotFoundError('Store', input.storeId);
    const key = options.key ?? `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    const doc = await ApiKeyModel.create({
      name: input.name,
      prefix: key.slice(0, 10),
      keyHash: sha256(key),
      scopes: [...new Set(input.scopes)],
      storeId: input.storeId ?? null,
      createdBy: principalKey(actor),
      createdAt: this.deps.clock.now(),
    });
    const summary = toApiKeySummary(doc.toObject());
    await this.deps.audit.record({
      actor,
      action: 'api_key.create',
      entity: { type: 'api_key', id: summary.id },
      after: summary,
    });
    return { ...summary, key };
  }

  async list() {
    const keys = await ApiKeyModel.find().sort({ createdAt: -1 }).lean();
    return keys.map(toApiKeySummary);
  }

  async revoke(id: string, actor: Principal) {
    const before = await ApiKeyModel.findById(id).lean();
    if (!before) throw new NotFoundError('API key', id);
    const after = await ApiKeyModel.findOneAndUpdate(
      { _id: id, revokedAt: null },
      { $set: { revokedAt: this.deps.clock.now() } },
      { new: true, lean: true },
    );
    this.cache.clear();
    if (after) {
      await this.deps.audit.record({
        actor,
        action: 'api_key.revoke',
        entity: { type: 'api_key', id },
        before: toApiKeySummary(before),
        after: toApiKeySummary(after),
      });
    }
    return toApiKeySummary(after ?? before);
  }

  /** Resolves a presented key to its principal, or refuses. */
  async authenticate(key: string): Promise<Principal> {
    const keyHash = sha256(key);
    const doc = await this.cache.get(keyHash, () => ApiKeyModel.findOne({ keyHash }).lean());
    if (!doc) throw new UnauthenticatedError('The API key is not valid', 'INVALID_API_KEY');
    if (doc.revokedAt) throw new UnauthenticatedError('This API key has been revoked', 'API_KEY_REVOKED');
    const now = this.deps.clock.now();
    // Track usage coarsely (once a minute) so that busy tills do not write on every request.
    if (!doc.lastUsedAt || now.getTime() - doc.lastUsedAt.getTime() > 60_000) {
      doc.lastUsedAt = now;
      void ApiKeyModel.updateOne({ _id: doc._id }, { $set: { lastUsedAt: now } }).catch(() => undefined);
    }
    return {
      kind: 'apiKey',
      id: String(doc._id),
      name: doc.name,
      scopes: doc.scopes,
      storeId: doc.storeId ? String(doc.storeId) : null,
    };
  }
}
