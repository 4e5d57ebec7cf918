import { Types } from 'mongoose';
import type {
  CreateStampCardBody,
  StampCard,
  StampCardListQuery,
  UpdateStampCardBody,
} from '@regulars/contracts';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { paginate } from '../../platform/pagination.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { runInTransaction } from '../ledger/transaction.js';
import { RewardModel } from '../rewards/reward.model.js';
import { StampCardDefinitionModel, type StampCardDefinition } from './stamp.model.js';

/** Stamp card definitions (marketers manage them; rules name them; purchases stamp members' cards of them). */
export class StampCardService {
  constructor(private readonly deps: { audit: AuditService; events: EventService }) {}

  async get(id: string): Promise<StampCardDefinition> {
    const definition = Types.ObjectId.isValid(id) ? await StampCardDefinitionModel.findById(id).lean() : null;
    if (!definition) throw new NotFoundError('Stamp card', id);
    return definition;
  }

  async list(query: StampCardListQuery) {
    const page = await paginate(
      StampCardDefinitionModel,
      query.status ? { status: query.status } : {},
      { limit: query.limit, cursor: query.cursor, list: 'stamp-cards' },
      (d) => d,
    );
    return { items: await this.toResponses(page.items), nextCursor: page.nextCursor };
  }

  async create(input: CreateStampCardBody, actor: Principal): Promise<StampCardDefinition> {
    await this.assertRewardExists(input.rewardId);
    return runInTransaction(async (session) => {
      const [created] = await StampCardDefinitionModel.create(
        [
          {
            name: input.name,
            threshold: input.threshold,
            rewardId: new Types.ObjectId(input.rewardId),
            rewardValidityDays: input.rewardValidityDays,
            status: 'active',
          },
        ],
        { session },
      );
      if (!created) throw new Error('stamp card insert returned nothing');
      const definition = created.toObject();
      await this.deps.events.append(session, {
        type: 'stamp_card.created',
        subject: { stampCardId: definition._id },
        payload: definitionPayload(definition),
      });
      await this.deps.audit.record({
        actor,
        action: 'stamp_card.create',
        entity: { type: 'stamp_card', id: definition._id.toHexString() },
        after: definition,
        session,
      });
      return definition;
    });
  }

  async update(id: string, input: UpdateStampCardBody, actor: Principal): Promise<StampCardDefinition> {
    const before = await this.get(id);
    if (before.status === 'archived')
      throw new ConflictError('STAMP_CARD_ARCHIVED', `The stamp card "${before.name}" is archived`);
    if (input.rewardId) await this.assertRewardExists(input.rewardId);
    const set: Record<string, unknown> = { ...input };
    if (input.rewardId) set.rewardId = new Types.ObjectId(input.rewardId);
    return runInTransaction(async (session) => {
      const after = await StampCardDefinitionModel.findOneAndUpdate(
        { _id: before._id, status: 'active' },
        { $set: set },
        { new: true, lean: true, session },
      );
      if (!after)
        throw new ConflictError('STAMP_CARD_ARCHIVED', `The stamp card "${before.name}" is archived`);
      await this.deps.events.append(session, {
        type: 'stamp_card.updated',
        subject: { stampCardId: after._id },
        payload: { ...definitionPayload(after), changed: Object.keys(input).sort() },
      });
      await this.deps.audit.record({
        actor,
        action: 'stamp_card.update',
        entity: { type: 'stamp_card', id },
        before,
        after,
        session,
      });
      return after;
    });
  }

  /** Archives a definition: its cards take no more stamps, and no rule naming it can be published. */
  async archive(id: string, actor: Principal): Promise<StampCardDefinition> {
    const before = await this.get(id);
    if (before.status === 'archived') return before;
    return runInTransaction(async (session) => {
      const after = await StampCardDefinitionModel.findOneAndUpdate(
        { _id: before._id, status: 'active' },
        { $set: { status: 'archived' } },
        { new: true, lean: true, session },
      );
      // Archived concurrently: the other request wrote the event.
      if (!after) return { ...before, status: 'archived' as const };
      await this.deps.events.append(session, {
        type: 'stamp_card.archived',
        subject: { stampCardId: after._id },
        payload: definitionPayload(after),
      });
      await this.deps.audit.record({
        actor,
        action: 'stamp_card.archive',
        entity: { type: 'stamp_card', id },
        before,
        after,
        session,
      });
      return after;
    });
  }

  /** The active definitions among `ids` (ids that are not ObjectIds name none). */
  async activeByIds(ids: readonly string[]): Promise<StampCardDefinition[]> {
    const valid = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id));
    if (valid.length === 0) return [];
    return StampCardDefinitionModel.find({
      _id: { $in: valid.map((id) => new Types.ObjectId(id)) },
      status: 'active',
    }).lean();
  }

  /**
   * Refuses rules whose `addStamps` effects name no active definition: 422 `STAMP_CARD_NOT_AVAILABLE`
   * with `{ path, cardId }` per effect (paths prefixed with `prefix`).
   */
  async assertRuleCardsActive(
    rule: { effects: readonly { type: string; cardId?: string }[] },
    prefix: string,
  ): Promise<void> {
    const named = rule.effects.flatMap((effect, index) =>
      effect.type === 'addStamps' && effect.cardId ? [{ index, cardId: effect.cardId }] : [],
    );
    if (named.length === 0) return;
    const active = new Set(
      (await this.activeByIds(named.map((n) => n.cardId))).map((d) => d._id.toHexString()),
    );
    const missing = named
      .filter((n) => !active.has(n.cardId))
      .map((n) => ({ path: `${prefix}.effects[${n.index}].cardId`, cardId: n.cardId }));
    const first = missing[0];
    if (!first) return;
    throw new AppError(
      'unprocessable',
      'STAMP_CARD_NOT_AVAILABLE',
      `${first.path}: ${first.cardId} names no active stamp card; create the stamp card first (or pick an active one)`,
      missing,
    );
  }

  async toResponse(definition: StampCardDefinition): Promise<StampCard> {
    const [response] = await this.toResponses([definition]);
    if (!response) throw new Error('stamp card response missing');
    return response;
  }

  private async toResponses(definitions: StampCardDefinition[]): Promise<StampCard[]> {
    const rewards = await RewardModel.find(
      { _id: { $in: [...new Set(definitions.map((d) => d.rewardId.toHexString()))] } },
      { name: 1 },
    ).lean();
    const names = new Map(rewards.map((r) => [r._id.toHexString(), r.name]));
    return definitions.map((d) => ({
      id: d._id.toHexString(),
      name: d.name,
      threshold: d.threshold,
      rewardId: d.rewardId.toHexString(),
      rewardName: names.get(d.rewardId.toHexString()) ?? null,
      rewardValidityDays: d.rewardValidityDays,
      status: d.status,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    }));
  }

  private async assertRewardExists(rewardId: string): Promise<void> {
    const reward = await RewardModel.findById(rewardId, { _id: 1 }).lean();
    if (!reward) throw new NotFoundError('Reward', rewardId);
  }
}

function definitionPayload(d: StampCardDefinition) {
  return {
    stampCardId: d._id.toHexString(),
    name: d.name,
    threshold: d.threshold,
    rewardId: d.rewardId.toHexString(),
    rewardValidityDays: d.rewardValidityDays,
    status: d.status,
  };
}
