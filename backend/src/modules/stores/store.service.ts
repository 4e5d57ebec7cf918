import type { CreateStoreBody, UpdateStoreBody } from '@regulars/contracts';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { StoreModel, type Store } from './store.model.js';

export function toStoreResponse(store: Store, programTimeZone: string) {
  return {
    id: String(store._id),
    name: store.name,
    code: store.code,
    timeZone: store.timeZone ?? programTimeZone,
    address: store.address ?? null,
    isActive: store.isActive,
  };
}

/** Stores (shops, tills' locations). Staff and API keys may be bound to one. */
export class StoreService {
  constructor(private readonly deps: { audit: AuditService }) {}

  list(): Promise<Store[]> {
    return StoreModel.find().sort({ code: 1 }).lean();
  }

  async get(id: string): Promise<Store> {
    const store = await StoreModel.findById(id).lean();
    if (!store) throw new NotFoundError('Store', id);
    return store;
  }

  async create(input: CreateStoreBody, actor: Principal): Promise<Store> {
    if (await StoreModel.exists({ code: input.code })) {
      throw new ConflictError('STORE_CODE_TAKEN', `A store with the code ${input.code} already exists`);
    }
    const store = (
      await StoreModel.create({ ...input, timeZone: input.timeZone ?? null, address: input.address ?? null })
    ).toObject();
    await this.deps.audit.record({
      actor,
      action: 'store.create',
      entity: { type: 'store', id: String(store._id) },
      after: store,
    });
    return store;
  }

  async update(id: string, input: UpdateStoreBody, actor: Principal): Promise<Store> {
    const before = await this.get(id);
    if (input.code && input.code !== before.code && (await StoreModel.exists({ code: input.code }))) {
      throw new ConflictError('STORE_CODE_TAKEN', `A store with the code ${input.code} already exists`);
    }
    const after = await StoreModel.findByIdAndUpdate(id, { $set: input }, { new: true, lean: true });
    if (!after) throw new NotFoundError('Store', id);
    await this.deps.audit.record({
      actor,
      action: 'store.update',
      entity: { type: 'store', id },
      before,
      after,
    });
    return after;
  }
}
