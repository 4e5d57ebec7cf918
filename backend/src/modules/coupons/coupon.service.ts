import { Types, type ClientSession } from 'mongoose';
import type {
  Coupon,
  CouponBatch,
  CouponBatchListQuery,
  CouponStatus,
  CouponTerms,
  CreateCouponBatchBody,
  MemberCouponListQuery,
  WalletCoupon,
} from '@regulars/contracts';
import type { EmittedEffect } from '@regulars/rules';
import type { Clock } from '../../platform/clock.js';
import { AppError, NotFoundError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import { paginate } from '../../platform/pagination.js';
import { principalKey, type Principal } from '../../platform/principal.js';
import type { SignedCodes } from '../../platform/signed-code.js';
import { WriteBatch } from '../../platform/write-batch.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import { MemberModel } from '../members/member.model.js';
import { markWallet } from '../members/wallet-kinds.js';
import { displayCode, formatProblem, generateCodes, minimumLength, type CodeFormat } from './coupon-code.js';
import type { CouponTemplateService } from './coupon-template.service.js';
import {
  CouponBatchModel,
  CouponMemberUsageModel,
  CouponModel,
  CouponTemplateModel,
  type CouponBatchDoc,
  type CouponDoc,
  type CouponIssuer,
  type CouponTemplateDoc,
} from './coupon.model.js';

const DAY_MS = 24 * 3600_000;
/** Codes inserted per round trip by a batch job (and counted as its progress). */
export const BATCH_CHUNK = 10_000;

type CouponIssuedEffect = Extract<EmittedEffect, { type: 'couponIssued' }>;
const isCouponIssued = (effect: EmittedEffect): effect is CouponIssuedEffect =>
  effect.type === 'couponIssued';

/** What starts a batch's job (the queue of the coupons module, or a test running it in place). */
export type BatchRunner = (batchId: Types.ObjectId) => Promise<void>;

/** Issues coupons (batches of bearer codes, assignments, staff, rules) and answers for them. */
export class CouponService {
  constructor(
    private readonly deps: {
      clock: Clock;
      audit: AuditService;
      events: EventService;
      templates: CouponTemplateService;
      signedCodes: SignedCodes;
      /** Enqueues the batch job; set once the queues exist. */
      startBatch: BatchRunner;
    },
  ) {}

  /** The validity of a coupon of these terms issued at `issuedAt`. */
  validityOf(terms: CouponTerms, issuedAt: Date): { validFrom: Date; validUntil: Date } {
    if (terms.validity.type === 'window')
      return { validFrom: new Date(terms.validity.startsAt), validUntil: new Date(terms.validity.endsAt) };
    const validFrom = new Date(issuedAt.getTime() + terms.validity.activationDelayDays * DAY_MS);
    return { validFrom, validUntil: new Date(validFrom.getTime() + terms.validity.daysFromIssue * DAY_MS) };
  }

  // ── Batches of bearer codes ────────────────────────────────────────────────────────────────────────

  /** Records a batch and starts its job; the codes are generated in chunks (`GET /coupon-batches/:id`). */
  async createBatch(
    templateId: string,
    input: CreateCouponBatchBody,
    actor: Principal,
  ): Promise<CouponBatchDoc> {
    const template = await this.deps.templates.issuable(templateId, 'bearer');
    // The guess probability counts every live code of the format, this batch's and the earlier ones.
    const total = template.issued + input.count;
    const problem = formatProblem(template.terms.codeFormat, total);
    if (problem) {
      throw new AppError('unprocessable', 'COUPON_CODE_FORMAT_WEAK', `codeFormat: ${problem}`, {
        minimumLength: minimumLength(total),
      });
    }
    const now = this.deps.clock.now();
    const batch: CouponBatchDoc = {
      _id: new Types.ObjectId(),
      templateId: template._id,
      templateVersion: template.version,
      label: input.label ?? null,
      status: 'queued',
      count: input.count,
      generated: 0,
      collisions: 0,
      createdBy: principalKey(actor),
      createdAt: now,
      completedAt: null,
    };
    await CouponBatchModel.collection.insertOne(batch);
    await this.deps.audit.record({
      actor,
      action: 'coupon_batch.create',
      entity: { type: 'coupon_batch', id: batch._id.toHexString() },
      after: batch,
    });
    await this.deps.startBatch(batch._id);
    return batch;
  }

  /** A template's batches, newest first, page by page. */
  async listBatches(templateId: string, query: CouponBatchListQuery) {
    const template = await this.deps.templates.get(templateId);
    return paginate(
      CouponBatchModel,
      { templateId: template._id },
      { limit: query.limit, cursor: query.cursor, list: 'coupon-batches' },
      toBatchResponse,
    );
  }

  async getBatch(id: string): Promise<CouponBatchDoc> {
    const batch = /^[0-9a-f]{24}$/i.test(id) ? await CouponBatchModel.findById(id).lean() : null;
    if (!batch) throw new NotFoundError('Coupon batch', id);
    return batch;
  }

  /**
   * Generates a batch's codes in chunks of BATCH_CHUNK, resumable: the codes already in the collection
   * are counted first (a delivery after a crash continues where the last chunk ended), each chunk is
   * inserted unordered and the codes refused by the unique index (a collision) are generated again, so a
   * batch never aborts. `generate` replaces the generator (tests force collisions with it).
   */
  async runBatch(
    batchId: Types.ObjectId,
    options: { generate?: (format: CodeFormat, count: number) => string[]; chunk?: number } = {},
  ): Promise<CouponBatchDoc> {
    const generate = options.generate ?? generateCodes;
    const chunk = options.chunk ?? BATCH_CHUNK;
    const batch = await CouponBatchModel.findById(batchId).lean();
    if (!batch) throw new NotFoundError('Coupon batch', batchId.toHexString());
    if (batch.status === 'completed') return batch;
    const terms = await this.deps.templates.termsOf(batch.templateId, batch.templateVersion);
    const { validFrom, validUntil } = this.validityOf(terms, batch.createdAt);
    // What the collection holds is the truth: a crash may have come between a chunk and its count.
    let generated = await CouponModel.countDocuments({ batchId: batch._id });
    let collisions = batch.collisions;
    await this.recordProgress(batch, generated, collisions, 'running');
    const coupons = nativeCollection<CouponDoc>(CouponModel);
    while (generated < batch.count) {
      let wanted = Math.min(chunk, batch.count - generated);
      let inserted = 0;
      while (wanted > 0) {
        const docs: CouponDoc[] = generate(terms.codeFormat, wanted).map((code) => ({
          _id: new Types.ObjectId(),
          code,
          templateId: batch.templateId,
          templateVersion: batch.templateVersion,
          kind: 'bearer',
          memberId: null,
          status: 'active',
          maxUses: terms.usesPerCoupon,
          remaining: terms.usesPerCoupon,
          held: 0,
          uses: 0,
          validFrom,
          validUntil,
          issuedAt: batch.createdAt,
          issuedBy: { kind: 'batch', batchId: batch._id },
          batchId: batch._id,
        }));
        const count = await insertUnordered(coupons, docs);
        inserted += count;
        collisions += wanted - count;
        wanted -= count;
      }
      generated += inserted;
      await this.recordProgress(batch, generated, collisions, 'running');
    }
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const done = await CouponBatchModel.findOneAndUpdate(
        { _id: batch._id, status: { $ne: 'completed' } },
        { $set: { status: 'completed', generated, collisions, completedAt: now } },
        { new: true, lean: true, session },
      );
      if (!done) return (await CouponBatchModel.findById(batch._id).session(session).lean()) ?? batch;
      await this.deps.events.append(session, {
        type: 'coupon_batch.completed',
        occurredAt: now,
        subject: { couponBatchId: batch._id, couponTemplateId: batch.templateId },
        payload: {
          couponBatchId: batch._id.toHexString(),
          couponTemplateId: batch.templateId.toHexString(),
          templateVersion: batch.templateVersion,
          count: generated,
          collisions,
        },
      });
      return done;
    });
  }

  /** The batch's progress, and the template's issued count by what this call added since the last record. */
  private async recordProgress(
    batch: CouponBatchDoc,
    generated: number,
    collisions: number,
    status: 'running',
  ): Promise<void> {
    const before = await CouponBatchModel.findOneAndUpdate(
      { _id: batch._id },
      { $set: { generated, collisions, status } },
      { lean: true },
    );
    const added = generated - (before?.generated ?? 0);
    if (added !== 0)
      await CouponTemplateModel.updateOne({ _id: batch.templateId }, { $inc: { issued: added } });
  }

  /** The batch's codes as CSV rows, in insertion order, read by `_id` cursor in pages (any size). */
  async *batchCsv(batchId: string): AsyncGenerator<string> {
    const batch = await this.getBatch(batchId);
    yield 'code,display,qr_payload,valid_from,valid_until\n';
    for await (const page of this.batchCodes(batch)) {
      let rows = '';
      for (const c of page) {
        rows += `${c.code},${displayCode(c.code)},${c.qrPayload},${c.validFrom.toISOString()},${c.validUntil.toISOString()}\n`;
      }
      yield rows;
    }
  }

  /** A batch's codes in order, page by page (5,000 a read), each with its signed QR payload: CSV and PDF. */
  async *batchCodes(
    batch: CouponBatchDoc,
  ): AsyncGenerator<Array<{ code: string; qrPayload: string; validFrom: Date; validUntil: Date }>> {
    let lastId: Types.ObjectId | null = null;
    for (;;) {
      const filter: Record<string, unknown> = { batchId: batch._id };
      if (lastId) filter._id = { $gt: lastId };
      const page = await CouponModel.find(filter, { code: 1, validFrom: 1, validUntil: 1 })
        .sort({ _id: 1 })
        .limit(5000)
        .lean();
      if (page.length === 0) return;
      yield page.map((c) => ({
        code: c.code,
        qrPayload: this.deps.signedCodes.sign('coupon', c.code),
        validFrom: c.validFrom,
        validUntil: c.validUntil,
      }));
      lastId = page[page.length - 1]?._id ?? null;
    }
  }

  // ── Assigned coupons: assignment, staff, rules ─────────────────────────────────────────────────────

  /** One assigned coupon per member, each with its `coupon.issued` event, in one transaction. */
  async assign(templateId: string, memberIds: readonly string[], actor: Principal): Promise<CouponDoc[]> {
    const template = await this.deps.templates.issuable(templateId, 'assigned');
    const ids = [...new Set(memberIds.map((id) => id.toLowerCase()))].map((id) => new Types.ObjectId(id));
    const found = await MemberModel.find({ _id: { $in: ids } }, { _id: 1 }).lean();
    const known = new Set(found.map((m) => m._id.toHexString()));
    const missing = ids.find((id) => !known.has(id.toHexString()));
    if (missing) throw new NotFoundError('Member', missing.toHexString());
    const terms = await this.deps.templates.termsOf(template._id, template.version);
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const issued: CouponDoc[] = [];
      for (const memberId of ids) {
        issued.push(
          await this.issueAssignedInSession(session, {
            template,
            terms,
            memberId,
            issuer: { kind: 'assignment', staffId: principalKey(actor) },
            now,
          }),
        );
      }
      await this.deps.audit.record({
        actor,
        action: 'coupon.assign',
        entity: { type: 'coupon_template', id: template._id.toHexString() },
        after: { memberIds: ids.map(String), couponIds: issued.map((c) => String(c._id)) },
        session,
      });
      return issued;
    });
  }

  /** Staff give one member a coupon by hand. */
  async issueByStaff(
    memberId: string,
    input: { templateId: string; reason?: string | undefined },
    actor: Principal,
  ): Promise<CouponDoc> {
    const template = await this.deps.templates.issuable(input.templateId, 'assigned');
    const member = /^[0-9a-f]{24}$/i.test(memberId)
      ? await MemberModel.findById(memberId, { _id: 1 }).lean()
      : null;
    if (!member) throw new NotFoundError('Member', memberId);
    const terms = await this.deps.templates.termsOf(template._id, template.version);
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const coupon = await this.issueAssignedInSession(session, {
        template,
        terms,
        memberId: member._id,
        issuer: {
          kind: 'staff',
          staffId: principalKey(actor),
          ...(input.reason ? { reason: input.reason } : {}),
        },
        now,
      });
      await this.deps.audit.record({
        actor,
        action: 'coupon.issue',
        entity: { type: 'coupon', id: coupon._id.toHexString() },
        after: coupon,
        ...(input.reason ? { reason: input.reason } : {}),
        session,
      });
      return coupon;
    });
  }

  /**
   * Carries out a purchase's `couponIssued` effects in its transaction (queued on `batch`): assigned
   * coupons of the named active templates, valid after their activation delay (a bounce-back coupon).
   * An effect naming a template archived since the rule was published issues nothing.
   */
  async issueForPurchaseInSession(
    session: ClientSession,
    batch: WriteBatch,
    input: {
      memberId: Types.ObjectId;
      purchaseId: Types.ObjectId;
      storeId: Types.ObjectId;
      effects: readonly EmittedEffect[];
      now: Date;
    },
  ): Promise<CouponDoc[]> {
    const effects = input.effects.filter(isCouponIssued);
    if (effects.length === 0) return [];
    const ids = [...new Set(effects.map((e) => e.couponTemplateId))].filter((id) =>
      /^[0-9a-f]{24}$/i.test(id),
    );
    const templates = await CouponTemplateModel.find({
      _id: { $in: ids.map((id) => new Types.ObjectId(id)) },
      status: 'active',
      kind: 'assigned',
    })
      .session(session)
      .lean();
    const issued: CouponDoc[] = [];
    for (const effect of effects) {
      const template = templates.find((t) => t._id.toHexString() === effect.couponTemplateId.toLowerCase());
      if (!template) continue;
      const terms = await this.deps.templates.termsOf(template._id, template.version, session);
      for (let n = 0; n < effect.quantity; n += 1) {
        issued.push(
          await this.issueAssignedInSession(batch, {
            template,
            terms,
            memberId: input.memberId,
            storeId: input.storeId,
            issuer: {
              kind: 'rule',
              ruleId: effect.ruleId,
              ruleVersion: effect.ruleVersion,
              purchaseId: input.purchaseId,
            },
            now: input.now,
          }),
        );
      }
    }
    return issued;
  }

  /**
   * A referral's reward in the referral's transaction: one assigned coupon of an active template (422 /
   * 409 from `issuable` when it is archived or makes bearer coupons: nothing is written).
   */
  async issueForReferralInSession(
    session: ClientSession,
    input: { templateId: string; memberId: Types.ObjectId; referralId: Types.ObjectId; now: Date },
  ): Promise<CouponDoc> {
    const template = await this.deps.templates.issuable(input.templateId, 'assigned');
    const terms = await this.deps.templates.termsOf(template._id, template.version, session);
    return this.issueAssignedInSession(session, {
      template,
      terms,
      memberId: input.memberId,
      issuer: { kind: 'referral', referralId: input.referralId },
      now: input.now,
    });
  }

  /**
   * Takes back a referral's coupon when its referral is reversed: voided if no use was taken and none is
   * held (a conditional update); answers whether it was voided (false: used or held, the caller records it).
   */
  async voidUnusedInSession(
    session: ClientSession,
    input: { couponId: Types.ObjectId; reason: string; now: Date },
  ): Promise<boolean> {
    const coupon = await nativeCouponVoid(session, input);
    if (!coupon) return false;
    await this.deps.events.append(session, {
      type: 'coupon.voided',
      occurredAt: input.now,
      memberId: coupon.memberId,
      subject: { couponId: coupon._id },
      payload: {
        couponId: coupon._id.toHexString(),
        couponTemplateId: coupon.templateId.toHexString(),
        purchaseId: null,
        refundId: null,
        reason: input.reason,
      },
    });
    return true;
  }

  /**
   * One assigned coupon with its `coupon.issued` event. A code collision (about one in 31^13 per coupon)
   * is refused by the unique index and aborts the caller's transaction (409 DUPLICATE, nothing written).
   */
  private async issueAssignedInSession(
    target: ClientSession | WriteBatch,
    input: {
      template: CouponTemplateDoc;
      terms: CouponTerms;
      memberId: Types.ObjectId;
      storeId?: Types.ObjectId;
      issuer: CouponIssuer;
      now: Date;
    },
  ): Promise<CouponDoc> {
    const { template, terms, now } = input;
    const { validFrom, validUntil } = this.validityOf(terms, now);
    const [code] = generateCodes(terms.codeFormat, 1);
    const coupon: CouponDoc = {
      _id: new Types.ObjectId(),
      code: code ?? '',
      templateId: template._id,
      templateVersion: template.version,
      kind: 'assigned',
      memberId: input.memberId,
      status: 'active',
      maxUses: terms.usesPerCoupon,
      remaining: terms.usesPerCoupon,
      held: 0,
      uses: 0,
      validFrom,
      validUntil,
      issuedAt: now,
      issuedBy: input.issuer,
      batchId: null,
    };
    await markWallet(target, [input.memberId], 'coupons');
    if (isWriteBatch(target)) {
      target.insertOne(CouponModel, coupon);
      target.updateOne(CouponTemplateModel, { _id: template._id }, { $inc: { issued: 1 } });
    } else {
      await CouponModel.collection.insertOne(coupon, { session: target });
      await CouponTemplateModel.updateOne(
        { _id: template._id },
        { $inc: { issued: 1 } },
        { session: target },
      );
    }
    await this.deps.events.append(target, {
      type: 'coupon.issued',
      occurredAt: now,
      memberId: input.memberId,
      ...(input.storeId ? { storeId: input.storeId } : {}),
      subject: {
        couponId: coupon._id,
        couponTemplateId: template._id,
        ...(input.issuer.purchaseId ? { purchaseId: input.issuer.purchaseId } : {}),
      },
      payload: {
        couponId: coupon._id.toHexString(),
        couponTemplateId: template._id.toHexString(),
        templateVersion: template.version,
        issuedBy: input.issuer.kind,
        ruleId: input.issuer.ruleId ?? null,
        purchaseId: input.issuer.purchaseId?.toHexString() ?? null,
        validFrom: validFrom.toISOString(),
        validUntil: validUntil.toISOString(),
      },
    });
    return coupon;
  }

  // ── Refunds ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * In a refund's transaction, once the purchase is refunded in full: voids the coupons it issued that are
   * not active yet (a bounce-back coupon of a returned sale), and gives back the uses it took of coupons
   * whose template says so and that are still valid.
   */
  async onRefundInSession(
    session: ClientSession,
    input: {
      purchaseId: Types.ObjectId;
      refundId: Types.ObjectId;
      storeId: Types.ObjectId;
      isFullyRefunded: boolean;
      now: Date;
    },
  ): Promise<{ voided: number; restored: number }> {
    if (!input.isFullyRefunded) return { voided: 0, restored: 0 };
    const { now } = input;
    let voided = 0;
    const issued = await CouponModel.find({
      'issuedBy.purchaseId': input.purchaseId,
      status: 'active',
      validFrom: { $gt: now },
    })
      .session(session)
      .lean();
    for (const coupon of issued) {
      const changed = await CouponModel.updateOne(
        { _id: coupon._id, status: 'active', held: 0 },
        { $set: { status: 'voided', voidedAt: now, remaining: 0 } },
        { session },
      );
      if (changed.modifiedCount !== 1) continue;
      voided += 1;
      await this.deps.events.append(session, {
        type: 'coupon.voided',
        occurredAt: now,
        memberId: coupon.memberId,
        storeId: input.storeId,
        subject: { couponId: coupon._id, purchaseId: input.purchaseId, refundId: input.refundId },
        payload: {
          couponId: coupon._id.toHexString(),
          couponTemplateId: coupon.templateId.toHexString(),
          purchaseId: input.purchaseId.toHexString(),
          refundId: input.refundId.toHexString(),
          reason: 'issuing purchase refunded before activation',
        },
      });
    }
    let restored = 0;
    const used = await CouponModel.find({ 'usesLog.purchaseId': input.purchaseId }).session(session).lean();
    for (const coupon of used) {
      const terms = await this.deps.templates.termsOf(coupon.templateId, coupon.templateVersion, session);
      if (!terms.restoreOnRefund || coupon.validUntil <= now || coupon.status === 'voided') continue;
      const use = coupon.usesLog?.find((u) => u.purchaseId.equals(input.purchaseId) && !u.restoredAt);
      if (!use) continue;
      const changed = await CouponModel.updateOne(
        {
          _id: coupon._id,
          usesLog: { $elemMatch: { purchaseId: input.purchaseId, restoredAt: null } },
        },
        {
          $set: { status: 'active', 'usesLog.$.restoredAt': now },
          $inc: { uses: -1, remaining: 1 },
        },
        { session },
      );
      if (changed.modifiedCount !== 1) continue;
      restored += 1;
      await giveBackLimits(session, { coupon, terms, memberId: use.memberId });
      await this.deps.events.append(session, {
        type: 'coupon.restored',
        occurredAt: now,
        memberId: coupon.memberId ?? use.memberId,
        storeId: input.storeId,
        subject: { couponId: coupon._id, purchaseId: input.purchaseId, refundId: input.refundId },
        payload: {
          couponId: coupon._id.toHexString(),
          couponTemplateId: coupon.templateId.toHexString(),
          purchaseId: input.purchaseId.toHexString(),
          refundId: input.refundId.toHexString(),
        },
      });
    }
    return { voided, restored };
  }

  // ── Expiry ─────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Marks expired the active coupons whose `validUntil` passed on the injected clock, each with its
   * `coupon.expired` event in the same transaction (a page of `batchSize` coupons a transaction, its writes
   * sent together). A coupon an open checkout holds is left alone: the till may still complete with it
   * (its hold was taken while it was valid), and a later pass expires it once the hold is released. An
   * expired coupon leaves the sweep's index, so the next page starts where this one ended and a rerun
   * expires nothing twice.
   */
  async expireDue(options: { batchSize?: number } = {}): Promise<{ expired: number }> {
    const batchSize = options.batchSize ?? 500;
    let expired = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const count = await runInTransaction(async (session) => {
        const due = await CouponModel.find(
          { status: 'active', validUntil: { $lte: now }, held: 0 },
          { _id: 1, templateId: 1, memberId: 1, uses: 1, maxUses: 1, validUntil: 1, batchId: 1 },
        )
          .sort({ validUntil: 1, _id: 1 })
          .limit(batchSize)
          .session(session)
          .lean();
        const batch = new WriteBatch();
        for (const coupon of due) {
          batch.updateOne(
            CouponModel,
            { _id: coupon._id, status: 'active', held: 0 },
            { $set: { status: 'expired', expiredAt: now } },
            () => new RetryTransaction('coupon held or used while expiring'),
          );
          await this.deps.events.append(batch, {
            type: 'coupon.expired',
            occurredAt: coupon.validUntil,
            memberId: coupon.memberId,
            subject: { couponId: coupon._id, couponTemplateId: coupon.templateId },
            payload: {
              couponId: coupon._id.toHexString(),
              couponTemplateId: coupon.templateId.toHexString(),
              couponBatchId: coupon.batchId?.toHexString() ?? null,
              validUntil: coupon.validUntil.toISOString(),
              uses: coupon.uses,
              maxUses: coupon.maxUses,
            },
          });
        }
        await batch.flush(session);
        return due.length;
      });
      expired += count;
      if (count < batchSize) break;
    }
    return { expired };
  }

  // ── Reading ────────────────────────────────────────────────────────────────────────────────────────

  async get(id: string): Promise<CouponDoc> {
    const coupon = /^[0-9a-f]{24}$/i.test(id) ? await CouponModel.findById(id).lean() : null;
    if (!coupon) throw new NotFoundError('Coupon', id);
    return coupon;
  }

  async listForMember(memberId: string, query: MemberCouponListQuery) {
    const member = await MemberModel.findById(memberId, { _id: 1 }).lean();
    if (!member) throw new NotFoundError('Member', memberId);
    const now = this.deps.clock.now();
    const filter: Record<string, unknown> = { memberId: member._id };
    // Expired: marked by the sweep, or past its end and not swept yet.
    if (query.status === 'expired')
      filter.$or = [{ status: 'expired' }, { status: 'active', validUntil: { $lte: now } }];
    else if (query.status === 'active') Object.assign(filter, { status: 'active', validUntil: { $gt: now } });
    else if (query.status) filter.status = query.status;
    const page = await paginate(
      CouponModel,
      filter,
      { limit: query.limit, cursor: query.cursor, list: 'member-coupons' },
      (c) => c,
    );
    return { items: await this.toResponses(page.items), nextCursor: page.nextCursor };
  }

  /**
   * The member's assigned coupons to use, now or later, soonest ending first: not used up, voided or past
   * their end (an expired coupon leaves the wallet; `GET /members/:id/coupons` still lists it).
   */
  async wallet(memberId: Types.ObjectId, now: Date): Promise<WalletCoupon[]> {
    const coupons = await CouponModel.find({
      memberId,
      status: 'active',
      validUntil: { $gt: now },
      remaining: { $gte: 1 },
    })
      .sort({ validUntil: 1, _id: 1 })
      .limit(100)
      .lean();
    const terms = await Promise.all(
      coupons.map((c) => this.deps.templates.termsOf(c.templateId, c.templateVersion)),
    );
    return coupons.map((c, i) => ({
      id: c._id.toHexString(),
      label: terms[i]?.name ?? '',
      code: displayCode(c.code),
      qrPayload: this.deps.signedCodes.sign('coupon', c.code),
      validFrom: c.validFrom.toISOString(),
      validUntil: c.validUntil.toISOString(),
      status: statusAt(c, now),
      isActiveNow: c.validFrom <= now,
      expiresInDays: expiresInDays(c.validUntil, now),
    }));
  }

  async toResponse(coupon: CouponDoc): Promise<Coupon> {
    const [response] = await this.toResponses([coupon]);
    if (!response) throw new Error('coupon response missing');
    return response;
  }

  async toResponses(coupons: readonly CouponDoc[]): Promise<Coupon[]> {
    const now = this.deps.clock.now();
    const terms = await Promise.all(
      coupons.map((c) => this.deps.templates.termsOf(c.templateId, c.templateVersion)),
    );
    return coupons.map((c, i) => {
      const t = terms[i] as CouponTerms;
      return {
        id: c._id.toHexString(),
        code: displayCode(c.code),
        qrPayload: this.deps.signedCodes.sign('coupon', c.code),
        templateId: c.templateId.toHexString(),
        templateVersion: c.templateVersion,
        label: t.name,
        kind: c.kind,
        memberId: c.memberId?.toHexString() ?? null,
        status: statusAt(c, now),
        uses: c.uses,
        maxUses: c.maxUses,
        validFrom: c.validFrom.toISOString(),
        validUntil: c.validUntil.toISOString(),
        issuedAt: c.issuedAt.toISOString(),
        issuedBy: {
          kind: c.issuedBy.kind,
          batchId: c.issuedBy.batchId?.toHexString() ?? null,
          ruleId: c.issuedBy.ruleId ?? null,
          purchaseId: c.issuedBy.purchaseId?.toHexString() ?? null,
          staffId: c.issuedBy.staffId ?? null,
        },
        terms: t,
      };
    });
  }
}

/** How close to its end a coupon is said to expire soon (the wallet's `expiresInDays`). */
export const EXPIRES_SOON_DAYS = 7;

/** Whole days left until `validUntil` (rounded up) when that is within EXPIRES_SOON_DAYS, else null. */
export function expiresInDays(validUntil: Date, now: Date): number | null {
  const days = Math.ceil((validUntil.getTime() - now.getTime()) / DAY_MS);
  return days >= 1 && days <= EXPIRES_SOON_DAYS ? days : null;
}

/** Where a coupon stands at `now`: an active one past its end reads as expired before the sweep marks it. */
export function statusAt(coupon: CouponDoc, now: Date): CouponStatus {
  if (coupon.status === 'active' && coupon.validUntil <= now) return 'expired';
  return coupon.status;
}

export function toBatchResponse(batch: CouponBatchDoc): CouponBatch {
  return {
    id: batch._id.toHexString(),
    templateId: batch.templateId.toHexString(),
    templateVersion: batch.templateVersion,
    label: batch.label,
    status: batch.status,
    count: batch.count,
    generated: batch.generated,
    percent: batch.count === 0 ? 100 : Math.floor((batch.generated * 100) / batch.count),
    collisions: batch.collisions,
    createdAt: batch.createdAt.toISOString(),
    completedAt: batch.completedAt?.toISOString() ?? null,
  };
}

/** The per-member and total counters a use (or a hold) took, given back. */
export async function giveBackLimits(
  session: ClientSession,
  input: { coupon: Pick<CouponDoc, 'templateId'>; terms: CouponTerms; memberId: Types.ObjectId | null },
): Promise<void> {
  if (input.terms.totalCap !== null) {
    await CouponTemplateModel.updateOne(
      { _id: input.coupon.templateId, uses: { $gte: 1 } },
      { $inc: { uses: -1 } },
      { session },
    );
  }
  if (input.terms.perMemberLimit !== null && input.memberId) {
    await CouponMemberUsageModel.updateOne(
      { templateId: input.coupon.templateId, memberId: input.memberId, count: { $gte: 1 } },
      { $inc: { count: -1 } },
      { session },
    );
  }
}

/** Inserts without stopping at a duplicate code; answers how many went in (the rest collided). */
async function insertUnordered(
  collection: ReturnType<typeof nativeCollection<CouponDoc>>,
  docs: CouponDoc[],
): Promise<number> {
  try {
    const result = await collection.insertMany(docs, { ordered: false });
    return result.insertedCount;
  } catch (error) {
    const e = error as {
      code?: number;
      writeErrors?: unknown;
      result?: { insertedCount?: number };
      insertedCount?: number;
    };
    const writeErrors = Array.isArray(e.writeErrors)
      ? (e.writeErrors as Array<{ code?: number }>)
      : e.writeErrors
        ? [e.writeErrors as { code?: number }]
        : [];
    const isOnlyDuplicates = writeErrors.length > 0 && writeErrors.every((w) => w.code === 11000);
    if (!isOnlyDuplicates && e.code !== 11000) throw error;
    return e.insertedCount ?? e.result?.insertedCount ?? docs.length - writeErrors.length;
  }
}

function isWriteBatch(target: ClientSession | WriteBatch): target is WriteBatch {
  return (
    typeof (target as WriteBatch).insertOne === 'function' &&
    typeof (target as WriteBatch).flush === 'function'
  );
}

/** Voids a coupon no use of which was taken or held; null when it was used, held or is no longer active. */
async function nativeCouponVoid(
  session: ClientSession,
  input: { couponId: Types.ObjectId; now: Date },
): Promise<CouponDoc | null> {
  return CouponModel.findOneAndUpdate(
    { _id: input.couponId, status: 'active', held: 0, uses: 0 },
    { $set: { status: 'voided', voidedAt: input.now, remaining: 0 } },
    { new: true, session },
  ).lean();
}
