import { Types, type ClientSession } from 'mongoose';
import type {
  CouponTemplate,
  CouponTemplateListQuery,
  CouponTerms,
  CreateCouponTemplateBody,
  UpdateCouponTemplateBody,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { paginate } from '../../platform/pagination.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { runInTransaction } from '../ledger/transaction.js';
import type { ProgramService } from '../program/program.service.js';
import { StoreModel } from '../stores/store.model.js';
import { formatProblem, minimumLength } from './coupon-code.js';
import {
  CouponTemplateModel,
  CouponTemplateVersionModel,
  type CouponTemplateDoc,
  type CouponTemplateVersionDoc,
} from './coupon.model.js';

const isObjectIdHex = (id: string) => /^[0-9a-f]{24}$/i.test(id);

/**
 * Coupon templates: what a coupon gives, when and where it applies, how long it lasts, its limits. Every
 * change is a new version kept in `coupon_template_versions`: a coupon names the version it was issued
 * with, so a template changed after issue never changes the terms of coupons already out.
 */
export class CouponTemplateService {
  /** Versions never change once written: cached for the life of the process. */
  private readonly versions = new Map<string, CouponTerms>();

  constructor(
    private readonly deps: {
      clock: Clock;
      audit: AuditService;
      events: EventService;
      program: ProgramService;
    },
  ) {}

  async get(id: string): Promise<CouponTemplateDoc> {
    const template = isObjectIdHex(id) ? await CouponTemplateModel.findById(id).lean() : null;
    if (!template) throw new NotFoundError('Coupon template', id);
    return template;
  }

  async list(query: CouponTemplateListQuery) {
    return paginate(
      CouponTemplateModel,
      { ...(query.status ? { status: query.status } : {}), ...(query.kind ? { kind: query.kind } : {}) },
      { limit: query.limit, cursor: query.cursor, list: 'coupon-templates' },
      toTemplateResponse,
    );
  }

  /** The terms of one version (what a coupon issued under it keeps). */
  async termsOf(templateId: Types.ObjectId, version: number, session?: ClientSession): Promise<CouponTerms> {
    const key = `${templateId.toHexString()}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const query = CouponTemplateVersionModel.findOne({ templateId, version });
    const found: CouponTemplateVersionDoc | null = await (session ? query.session(session) : query).lean();
    if (!found) throw new Error(`coupon template version ${key} is missing`);
    this.versions.set(key, found.terms);
    return found.terms;
  }

  async create(input: CreateCouponTemplateBody, actor: Principal): Promise<CouponTemplateDoc> {
    const terms = await this.checkTerms(input);
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const template: CouponTemplateDoc = {
        _id: new Types.ObjectId(),
        kind: input.kind,
        status: 'active',
        version: 1,
        terms,
        uses: 0,
        issued: 0,
        createdAt: now,
        updatedAt: now,
      };
      await CouponTemplateModel.collection.insertOne(template, { session });
      await CouponTemplateVersionModel.collection.insertOne(
        { _id: new Types.ObjectId(), templateId: template._id, version: 1, terms, createdAt: now },
        { session },
      );
      await this.deps.events.append(session, {
        type: 'coupon_template.created',
        occurredAt: now,
        subject: { couponTemplateId: template._id },
        payload: templatePayload(template),
      });
      await this.deps.audit.record({
        actor,
        action: 'coupon_template.create',
        entity: { type: 'coupon_template', id: template._id.toHexString() },
        after: template,
        session,
      });
      return template;
    });
  }

  /** A new version of the terms; coupons issued before keep theirs. */
  async update(id: string, input: UpdateCouponTemplateBody, actor: Principal): Promise<CouponTemplateDoc> {
    const before = await this.get(id);
    if (before.status === 'archived') throw archived(before);
    const terms = await this.checkTerms({ ...before.terms, ...stripUndefined(input), kind: before.kind });
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const after = await CouponTemplateModel.findOneAndUpdate(
        { _id: before._id, status: 'active', version: before.version },
        { $set: { terms, updatedAt: now }, $inc: { version: 1 } },
        { new: true, lean: true, session },
      );
      if (!after) {
        // Guarded by the version read: a change made meanwhile is not overwritten with stale terms.
        const current = await CouponTemplateModel.findById(before._id, { status: 1 }).session(session).lean();
        if (current?.status === 'archived') throw archived(before);
        throw new ConflictError(
          'COUPON_TEMPLATE_CHANGED',
          'Someone else changed the coupon template meanwhile; reload it and apply your change again',
        );
      }
      await CouponTemplateVersionModel.collection.insertOne(
        { _id: new Types.ObjectId(), templateId: after._id, version: after.version, terms, createdAt: now },
        { session },
      );
      await this.deps.events.append(session, {
        type: 'coupon_template.updated',
        occurredAt: now,
        subject: { couponTemplateId: after._id },
        payload: { ...templatePayload(after), changed: Object.keys(input).sort() },
      });
      await this.deps.audit.record({
        actor,
        action: 'coupon_template.update',
        entity: { type: 'coupon_template', id },
        before,
        after,
        session,
      });
      return after;
    });
  }

  /** Archives a template: it issues no more coupons (batches, assignments, rules); issued ones stay usable. */
  async archive(id: string, actor: Principal): Promise<CouponTemplateDoc> {
    const before = await this.get(id);
    if (before.status === 'archived') return before;
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const after = await CouponTemplateModel.findOneAndUpdate(
        { _id: before._id, status: 'active' },
        { $set: { status: 'archived', updatedAt: now } },
        { new: true, lean: true, session },
      );
      if (!after) return { ...before, status: 'archived' as const };
      await this.deps.events.append(session, {
        type: 'coupon_template.archived',
        occurredAt: now,
        subject: { couponTemplateId: after._id },
        payload: templatePayload(after),
      });
      await this.deps.audit.record({
        actor,
        action: 'coupon_template.archive',
        entity: { type: 'coupon_template', id },
        before,
        after,
        session,
      });
      return after;
    });
  }

  /** An active template of the kind a way of issuing needs (409 COUPON_TEMPLATE_ARCHIVED / _KIND_MISMATCH). */
  async issuable(id: string, kind: 'bearer' | 'assigned'): Promise<CouponTemplateDoc> {
    const template = await this.get(id);
    if (template.status === 'archived') throw archived(template);
    if (template.kind !== kind) {
      throw new ConflictError(
        'COUPON_TEMPLATE_KIND_MISMATCH',
        kind === 'bearer'
          ? `"${template.terms.name}" makes assigned coupons: batches of codes need a bearer template`
          : `"${template.terms.name}" makes bearer coupons: issuing into a member's wallet needs an assigned template`,
        { kind: template.kind, needed: kind },
      );
    }
    return template;
  }

  /**
   * Refuses a rule whose `issueCoupon` effects name no active assigned template: 422
   * `COUPON_TEMPLATE_NOT_AVAILABLE` with `{ path, couponTemplateId }` per effect.
   */
  async assertRuleTemplatesActive(
    rule: { effects: readonly { type: string; couponTemplateId?: string }[] },
    prefix: string,
  ): Promise<void> {
    const named = rule.effects.flatMap((effect, index) =>
      effect.type === 'issueCoupon' && effect.couponTemplateId
        ? [{ index, id: effect.couponTemplateId }]
        : [],
    );
    if (named.length === 0) return;
    const ids = [...new Set(named.map((n) => n.id).filter(isObjectIdHex))];
    const usable = new Set(
      (
        await CouponTemplateModel.find(
          { _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, status: 'active', kind: 'assigned' },
          { _id: 1 },
        ).lean()
      ).map((t) => t._id.toHexString()),
    );
    const missing = named
      .filter((n) => !usable.has(n.id.toLowerCase()))
      .map((n) => ({ path: `${prefix}.effects[${n.index}].couponTemplateId`, couponTemplateId: n.id }));
    const first = missing[0];
    if (!first) return;
    throw new AppError(
      'unprocessable',
      'COUPON_TEMPLATE_NOT_AVAILABLE',
      `${first.path}: ${first.couponTemplateId} names no active assigned coupon template; create one first (or pick an active one)`,
      missing,
    );
  }

  /** Checks what the schema cannot: the window is not over, the stores exist, the code format is strong enough. */
  private async checkTerms(
    input: Omit<CreateCouponTemplateBody, 'kind'> & { kind: 'bearer' | 'assigned' },
  ): Promise<CouponTerms> {
    const now = this.deps.clock.now();
    const program = await this.deps.program.get();
    if (input.validity.type === 'window' && Date.parse(input.validity.endsAt) <= now.getTime()) {
      throw new AppError(
        'unprocessable',
        'COUPON_VALIDITY_ENDED',
        `validity.endsAt: the window ended at ${input.validity.endsAt}; no coupon of it could ever be used`,
        { endsAt: input.validity.endsAt },
      );
    }
    const problem = formatProblem(input.codeFormat, 1);
    if (problem) {
      throw new AppError('unprocessable', 'COUPON_CODE_FORMAT_WEAK', `codeFormat: ${problem}`, {
        minimumLength: minimumLength(1),
      });
    }
    const storeIds = [...new Set(input.conditions.storeIds.map((s) => s.toLowerCase()))];
    if (storeIds.length > 0) {
      const found = await StoreModel.find(
        { _id: { $in: storeIds.map((s) => new Types.ObjectId(s)) } },
        { _id: 1 },
      ).lean();
      const known = new Set(found.map((s) => s._id.toHexString()));
      const unknown = storeIds.find((s) => !known.has(s));
      if (unknown) throw new NotFoundError('Store', unknown);
    }
    const appliesTo = input.conditions.appliesTo;
    return {
      name: input.name,
      description: input.description ?? null,
      discount: input.discount,
      conditions: {
        minBasketMinor: input.conditions.minBasketMinor ?? null,
        appliesTo:
          appliesTo && (appliesTo.skus.length > 0 || appliesTo.categories.length > 0)
            ? { skus: [...new Set(appliesTo.skus)], categories: [...new Set(appliesTo.categories)] }
            : null,
        storeIds,
        tags: [...new Set(input.conditions.tags)],
        firstPurchaseOnly: input.conditions.firstPurchaseOnly,
      },
      validity:
        input.validity.type === 'window'
          ? {
              type: 'window',
              startsAt: new Date(input.validity.startsAt).toISOString(),
              endsAt: new Date(input.validity.endsAt).toISOString(),
            }
          : {
              type: 'relative',
              daysFromIssue: input.validity.daysFromIssue,
              activationDelayDays: input.validity.activationDelayDays,
            },
      perMemberLimit: input.perMemberLimit ?? null,
      totalCap: input.totalCap ?? null,
      usesPerCoupon: input.usesPerCoupon,
      stacking: input.stacking,
      codeFormat: input.codeFormat,
      restoreOnRefund: input.restoreOnRefund,
      currency: program.currency,
    };
  }
}

function stripUndefined<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function archived(template: CouponTemplateDoc): ConflictError {
  return new ConflictError(
    'COUPON_TEMPLATE_ARCHIVED',
    `The coupon template "${template.terms.name}" is archived: it issues no more coupons`,
  );
}

function templatePayload(t: CouponTemplateDoc) {
  return {
    couponTemplateId: t._id.toHexString(),
    name: t.terms.name,
    kind: t.kind,
    version: t.version,
    status: t.status,
    discount: t.terms.discount,
  };
}

export function toTemplateResponse(t: CouponTemplateDoc): CouponTemplate {
  return {
    ...t.terms,
    id: t._id.toHexString(),
    kind: t.kind,
    status: t.status,
    version: t.version,
    uses: t.uses,
    issued: t.issued,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
