import { createHash } from 'node:crypto';
import { Types, type ClientSession } from 'mongoose';
import {
  REWARD_IMAGE_MAX_BYTES,
  type CreateRewardBody,
  type RewardListQuery,
  type UpdateRewardBody,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { paginate } from '../../platform/pagination.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { runInTransaction } from '../ledger/transaction.js';
import type { Member } from '../members/member.model.js';
import { sniffImageType } from './image-type.js';
import { RewardImageModel, type RewardImage } from './reward-image.model.js';
import { RewardModel, type Reward } from './reward.model.js';

const dateOrNull = (value: string | undefined | null) => (value ? new Date(value) : null);

/** The rewards catalog (marketers manage it; members and tills read it). */
export class RewardService {
  constructor(private readonly deps: { clock: Clock; audit: AuditService; events: EventService }) {}

  async get(id: string): Promise<Reward> {
    const reward = Types.ObjectId.isValid(id) ? await RewardModel.findById(id).lean() : null;
    if (!reward) throw new NotFoundError('Reward', id);
    return reward;
  }

  async create(input: CreateRewardBody, actor: Principal): Promise<Reward> {
    return runInTransaction(async (session) => {
      const [created] = await RewardModel.create(
        [
          {
            name: input.name,
            description: input.description ?? null,
            pointsCost: input.pointsCost,
            kind: input.kind,
            valueMinor: input.kind === 'fixed_discount' ? (input.valueMinor ?? null) : null,
            percent: input.kind === 'percent_discount' ? (input.percent ?? null) : null,
            sku: input.kind === 'free_product' ? (input.sku ?? null) : null,
            stock: input.stock ?? null,
            perMemberLimit: input.perMemberLimit ?? null,
            availableFrom: dateOrNull(input.availableFrom),
            availableUntil: dateOrNull(input.availableUntil),
            tiers: input.tiers ?? null,
            isActive: input.isActive,
          },
        ],
        { session },
      );
      if (!created) throw new Error('reward insert returned nothing');
      const reward = created.toObject();
      await this.deps.events.append(session, {
        type: 'reward.created',
        subject: { rewardId: reward._id },
        payload: rewardPayload(reward),
      });
      await this.deps.audit.record({
        actor,
        action: 'reward.create',
        entity: { type: 'reward', id: reward._id.toHexString() },
        after: reward,
        session,
      });
      return reward;
    });
  }

  async update(id: string, input: UpdateRewardBody, actor: Principal): Promise<Reward> {
    const before = await this.get(id);
    const set: Record<string, unknown> = { ...input };
    if ('availableFrom' in input) set.availableFrom = dateOrNull(input.availableFrom);
    if ('availableUntil' in input) set.availableUntil = dateOrNull(input.availableUntil);
    const merged = { ...before, ...set } as Reward;
    if (merged.kind === 'fixed_discount' && !merged.valueMinor)
      throw new ValidationError('valueMinor: a fixed_discount needs valueMinor', [
        { path: 'valueMinor', message: 'required' },
      ]);
    if (merged.kind === 'percent_discount' && !merged.percent)
      throw new ValidationError('percent: a percent_discount needs percent', [
        { path: 'percent', message: 'required' },
      ]);
    if (merged.kind === 'free_product' && !merged.sku)
      throw new ValidationError('sku: a free_product needs sku', [{ path: 'sku', message: 'required' }]);
    return runInTransaction(async (session) => {
      const after = await RewardModel.findByIdAndUpdate(
        id,
        { $set: set },
        { new: true, lean: true, session },
      );
      if (!after) throw new NotFoundError('Reward', id);
      await this.deps.events.append(session, {
        type: 'reward.updated',
        subject: { rewardId: after._id },
        payload: { ...rewardPayload(after), changed: Object.keys(input).sort() },
      });
      await this.deps.audit.record({
        actor,
        action: 'reward.update',
        entity: { type: 'reward', id },
        before,
        after,
        session,
      });
      return after;
    });
  }

  /**
   * Sets the reward's picture from base64 bytes: JPEG, PNG or WebP by their signature, at most
   * REWARD_IMAGE_MAX_BYTES. The reward's imageEtag changes with it, so its imageUrl does too.
   */
  async setImage(id: string, dataBase64: string, actor: Principal): Promise<Reward> {
    const before = await this.get(id);
    const text = dataBase64.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1)
      throw new AppError('unprocessable', 'REWARD_IMAGE_INVALID', 'dataBase64 is not base64');
    const data = Buffer.from(text, 'base64');
    if (data.length > REWARD_IMAGE_MAX_BYTES)
      throw new AppError(
        'payload_too_large',
        'REWARD_IMAGE_TOO_LARGE',
        `The image has ${data.length} bytes; at most ${REWARD_IMAGE_MAX_BYTES} are accepted`,
        { limit: REWARD_IMAGE_MAX_BYTES },
      );
    const contentType = sniffImageType(data);
    if (!contentType)
      throw new AppError(
        'unprocessable',
        'REWARD_IMAGE_INVALID',
        'The image is not a JPEG, PNG or WebP (its bytes are checked, not its name)',
      );
    const etag = createHash('sha256').update(data).digest('base64url').slice(0, 22);
    return runInTransaction(async (session) => {
      await RewardImageModel.replaceOne(
        { _id: before._id },
        { contentType, data, size: data.length, etag, updatedAt: this.deps.clock.now() },
        { upsert: true, session },
      );
      return this.recordImageChange(session, before, etag, actor);
    });
  }

  /** Takes the picture off the reward (nothing to do when it has none). */
  async removeImage(id: string, actor: Principal): Promise<Reward> {
    const before = await this.get(id);
    if (!before.imageEtag) return before;
    return runInTransaction(async (session) => {
      await RewardImageModel.deleteOne({ _id: before._id }, { session });
      return this.recordImageChange(session, before, null, actor);
    });
  }

  /** The picture's bytes and type, for the public image URL. */
  async image(id: string): Promise<RewardImage> {
    // Hydrated rather than lean: a lean read gives the bytes as a BSON Binary, not a Buffer.
    const image = Types.ObjectId.isValid(id) ? await RewardImageModel.findById(id) : null;
    if (!image) {
      if (!Types.ObjectId.isValid(id) || !(await RewardModel.exists({ _id: id })))
        throw new NotFoundError('Reward', id);
      throw new AppError('not_found', 'REWARD_IMAGE_NOT_FOUND', 'This reward has no image');
    }
    return {
      _id: image._id,
      contentType: image.contentType,
      data: Buffer.from(image.data),
      size: image.size,
      etag: image.etag,
      updatedAt: image.updatedAt,
    };
  }

  private async recordImageChange(
    session: ClientSession,
    before: Reward,
    imageEtag: string | null,
    actor: Principal,
  ): Promise<Reward> {
    const after = await RewardModel.findByIdAndUpdate(
      before._id,
      { $set: { imageEtag } },
      { new: true, lean: true, session },
    );
    if (!after) throw new NotFoundError('Reward', before._id.toHexString());
    await this.deps.events.append(session, {
      type: 'reward.updated',
      subject: { rewardId: after._id },
      payload: { ...rewardPayload(after), changed: ['image'] },
    });
    await this.deps.audit.record({
      actor,
      action: imageEtag ? 'reward.image.set' : 'reward.image.remove',
      entity: { type: 'reward', id: after._id.toHexString() },
      before: { imageUrl: imageUrlOf(before) },
      after: { imageUrl: imageUrlOf(after) },
      session,
    });
    return after;
  }

  async list(query: RewardListQuery) {
    const filter: Record<string, unknown> = {};
    if (query.availableNow === 'true') Object.assign(filter, availableNowFilter(this.deps.clock.now()));
    return paginate(RewardModel, filter, { limit: query.limit, cursor: query.cursor }, toRewardResponse);
  }

  /** Refuses a reward that is inactive, out of its dates or not for the member's tier. */
  assertRedeemable(reward: Reward, member: Member): void {
    const why = unavailableReason(reward, member, this.deps.clock.now());
    if (why) {
      throw new ConflictError(
        'REWARD_NOT_AVAILABLE',
        `The reward "${reward.name}" cannot be redeemed: ${why}`,
      );
    }
  }
}

/** The rewards a member could redeem now, as a query: active, within their dates, in stock. */
export function availableNowFilter(now: Date): Record<string, unknown> {
  return {
    isActive: true,
    $and: [
      { $or: [{ availableFrom: null }, { availableFrom: { $lte: now } }] },
      { $or: [{ availableUntil: null }, { availableUntil: { $gt: now } }] },
      { $or: [{ stock: null }, { stock: { $gt: 0 } }] },
    ],
  };
}

/** Why `member` cannot redeem `reward` now (inactive, out of its dates, not for their tier), or null. */
export function unavailableReason(reward: Reward, member: Pick<Member, 'tier'>, now: Date): string | null {
  return !reward.isActive
    ? 'it is not active'
    : reward.availableFrom && reward.availableFrom > now
      ? `it is available from ${reward.availableFrom.toISOString()}`
      : reward.availableUntil && reward.availableUntil <= now
        ? `it was available until ${reward.availableUntil.toISOString()}`
        : reward.tiers && reward.tiers.length > 0 && !(member.tier && reward.tiers.includes(member.tier))
          ? `it is for the tiers ${reward.tiers.join(', ')} (the member is ${member.tier ?? 'without a tier'})`
          : null;
}

/** What subscribers (a shop's catalogue, a till) need of a reward; the description stays out. */
function rewardPayload(r: Reward) {
  const { id, description: _description, createdAt: _createdAt, ...fields } = toRewardResponse(r);
  return { rewardId: id, ...fields };
}

export function toRewardResponse(r: Reward) {
  return {
    id: r._id.toHexString(),
    name: r.name,
    description: r.description,
    pointsCost: r.pointsCost,
    kind: r.kind,
    valueMinor: r.valueMinor,
    percent: r.percent,
    sku: r.sku,
    stock: r.stock,
    perMemberLimit: r.perMemberLimit,
    availableFrom: r.availableFrom?.toISOString() ?? null,
    availableUntil: r.availableUntil?.toISOString() ?? null,
    tiers: r.tiers && r.tiers.length ? r.tiers : null,
    isActive: r.isActive,
    imageUrl: imageUrlOf(r),
    createdAt: r.createdAt.toISOString(),
  };
}

/** The public address of the reward's picture; `v` changes with the bytes, so caches never show an old one. */
function imageUrlOf(r: Pick<Reward, '_id' | 'imageEtag'>): string | null {
  return r.imageEtag ? `/api/v1/rewards/${r._id.toHexString()}/image?v=${r.imageEtag}` : null;
}
